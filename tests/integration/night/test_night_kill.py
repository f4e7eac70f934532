"""A sweep killed (SIGKILL) mid-run and run again: every timer fired exactly once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casework.models import NightBatch, NightRun
from bench.timers import fire_tally, make_due_timers
from tests.integration.night.system import as_system_account

COUNT, BATCH = 600, 25
TIMEOUT_S = 300


def batches(container, key: str) -> tuple[int, int]:
    """(done, total) batches of the run keyed `key` (0, 0 before it is planned)."""
    with container.uow() as uow:
        run_id = uow.session.scalar(select(NightRun.id).where(NightRun.run_key == key))
        if run_id is None:
            return 0, 0
        done = uow.session.scalar(select(func.count()).select_from(NightBatch).where(
            NightBatch.run_id == run_id, NightBatch.state == "done"))
        total = uow.session.scalar(select(NightRun.batches).where(NightRun.id == run_id))
    return done, total


def sweep(container, key: str, **popen) -> subprocess.Popen:
    env = dict(os.environ, CASEWORK_DATABASE_URL=container.settings.database_url,
               CASEWORK_DATA_DIR=str(container.settings.data_dir), CASEWORK_NIGHT_LEASE_S="1")
    return subprocess.Popen([sys.executable, "-m", "casework", "run", "deadline_sweep", "--run-key", key,
                             "--batch-size", str(BATCH)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, **popen)


@pytest.mark.slow
def test_sweep_killed_mid_batch_and_rerun_fires_each_timer_once(container, clock, monkeypatch):
    as_system_account(container, monkeypatch)
    make_due_timers(container, COUNT, clock.now() + timedelta(hours=1))  # due by the real clock
    victim = sweep(container, "kill")
    deadline = time.monotonic() + TIMEOUT_S
    while batches(container, "kill")[0] < 2:
        assert victim.poll() is None, "the sweep ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(30)
    done, total = batches(container, "kill")
    assert 2 <= done < total
    # Rerun until the run is done (the dead worker's claim frees when its 1-s lease ends).
    while batches(container, "kill")[0] < total:
        assert time.monotonic() < deadline
        out = sweep(container, "kill").communicate(timeout=TIMEOUT_S)[0]
        assert "deadline_sweep kill:" in out
    assert fire_tally(container) == {"fired": COUNT, "instances": COUNT, "most_on_one": 1, "waiting": 0}
