"""`casework run` and `casework scheduler` in fresh processes: results, and one clear line on bad input."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.sqlite_only


def casework(env, *args, timeout=300):
    return subprocess.run([sys.executable, "-m", "casework", *args], env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def env(tmp_path):
    env = {**os.environ, "CASEWORK_DATA_DIR": str(tmp_path), "CASEWORK_SYSTEM_ACCOUNT": "system.jobs"}
    env.pop("CASEWORK_DATABASE_URL", None)
    env.pop("PREFECT_API_URL", None)
    assert casework(env, "init").returncode == 0  # makes the system account
    return env


def test_run_reports_counts_and_a_rerun_of_the_day_repeats_nothing(env):
    first = casework(env, "run", "audit_verify", "--date", "2026-03-01")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("audit_verify 2026-03-01: done") and "audit_ok: 1" in first.stdout
    again = casework(env, "run", "notice_batch")
    assert again.returncode == 0 and ": done" in again.stdout


def test_bad_input_is_one_clear_line(env):
    bad_day = casework(env, "run", "notice_batch", "--date", "2026-02-30")
    assert bad_day.returncode == 1 and "not a date" in bad_day.stderr and "Traceback" not in bad_day.stderr
    unknown = casework(env, "run", "night_watch")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    dead = casework({**env, "PREFECT_API_URL": "http://127.0.0.1:9/api",
                     "CASEWORK_PREFECT_CONNECT_TIMEOUT_S": "1"}, "scheduler")
    assert dead.returncode == 1 and "no Prefect server answers" in dead.stderr
    assert "Traceback" not in dead.stderr


def test_the_scheduler_refuses_to_start_without_a_system_account(env):
    bare = {k: v for k, v in env.items() if k != "CASEWORK_SYSTEM_ACCOUNT"}
    out = casework(bare, "scheduler")
    assert out.returncode == 1 and "CASEWORK_SYSTEM_ACCOUNT=system.jobs" in out.stderr
    assert "Prefect API:" not in out.stderr and "Traceback" not in out.stderr
    out = casework({**env, "CASEWORK_SYSTEM_ACCOUNT": "admin"}, "run", "notice_batch")
    assert out.returncode == 1 and "no such system account: admin" in out.stderr
