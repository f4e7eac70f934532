"""The pinned Prefect stack installs cleanly and its server imports (FastAPI/SQLAlchemy pins)."""
from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version


def test_pip_check_finds_no_broken_requirements():
    done = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_prefect_and_its_pins_import():
    import prefect
    from prefect.schedules import Cron

    assert prefect.__version__ == "3.8.8"
    major, minor = (int(x) for x in version("fastapi").split(".")[:2])
    assert (major, minor) < (0, 151)  # 0.151+ breaks Prefect's Body(min_items=...)
    assert version("sqlalchemy").startswith("2.0.")  # 2.1 breaks the server's scheduler loop
    assert Cron("30 2 * * *", timezone="Asia/Shanghai").timezone == "Asia/Shanghai"


def test_prefect_server_app_builds():
    from prefect.server.api.server import create_app

    assert create_app(ephemeral=True) is not None
