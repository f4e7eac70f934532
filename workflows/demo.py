"""`casework demo` part: the scheduler (Prefect server + served deployments) beside the rest.

It runs as its own process (`casework scheduler`), so the demo's other parts keep the main
thread; starting Prefect's server takes 8–27 s here. Set CASEWORK_DEMO_SCHEDULER=0 to leave
it out (run `casework scheduler` by hand later, or `casework run FLOW` for one flow now).
"""
from __future__ import annotations

import os
import subprocess
import sys

from workflows.server import quiet_environment


def start(container, echo=print, block: bool = True):
    """Start `casework scheduler` on the demo's database; returns its process."""
    if os.environ.get("CASEWORK_DEMO_SCHEDULER", "1") == "0":
        echo("scheduler: skipped (CASEWORK_DEMO_SCHEDULER=0); `casework scheduler` starts it")
        return None
    env = quiet_environment(dict(os.environ))
    env.setdefault("CASEWORK_DATABASE_URL", container.settings.database_url)
    env.setdefault("CASEWORK_DATA_DIR", str(container.settings.data_dir))
    process = subprocess.Popen([sys.executable, "-m", "casework", "scheduler"], env=env)
    echo("scheduler: starting Prefect (8–27 s); its UI address follows. "
         "`casework run deadline_sweep` runs one flow now")
    if block:
        try:
            process.wait()
        except KeyboardInterrupt:
            process.terminate()
            process.wait(60)
    return process
