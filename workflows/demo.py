"""`casework demo` part: the scheduler (Prefect server + served deployments) beside the rest.

It runs as its own process (`casework scheduler`), so the demo's other parts keep the main
thread; starting Prefect's server takes 8–27 s here. Set CASEWORK_DEMO_SCHEDULER=0 to leave
it out (run `casework scheduler` by hand later, or `casework run FLOW` for one flow now).
The flows act as the system account `casework init` makes; the demo seeds it too.
"""
from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

from casework.cli.login import SYSTEM_ACCOUNT, ensure_accounts
from casework.cli.operator import SYSTEM_ACCOUNT_ENV
from workflows.server import quiet_environment


def seed(container, echo=print) -> str:
    """The scheduler's system account, as `casework init` makes it (idempotent)."""
    ensure_accounts(SimpleNamespace(container=container), None, False, echo)
    return f"scheduler: flows act as {SYSTEM_ACCOUNT}"


class _Scheduler:
    """`casework scheduler` in a child process; `shutdown()` ends it."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process

    def shutdown(self) -> None:
        self.process.terminate()
        self.process.wait(60)


def start(container, echo=print) -> _Scheduler | None:
    """Start `casework scheduler` on the demo's database in the background."""
    if os.environ.get("CASEWORK_DEMO_SCHEDULER", "1") == "0":
        echo("scheduler: skipped (CASEWORK_DEMO_SCHEDULER=0); `casework scheduler` starts it")
        return None
    env = quiet_environment(dict(os.environ))
    env.setdefault("CASEWORK_DATABASE_URL", container.settings.database_url)
    env.setdefault("CASEWORK_DATA_DIR", str(container.settings.data_dir))
    env.setdefault(SYSTEM_ACCOUNT_ENV, SYSTEM_ACCOUNT)
    process = subprocess.Popen([sys.executable, "-m", "casework", "scheduler"], env=env)
    echo("scheduler: starting Prefect (8–27 s); its UI address follows. "
         "`casework run deadline_sweep` runs one flow now")
    return _Scheduler(process)
