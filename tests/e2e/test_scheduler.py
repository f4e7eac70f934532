"""End to end on a real Prefect server on PostgreSQL: `casework scheduler`, and process workers.

Slow (a Prefect server start is 8–27 s here, more on a busy box): marked `slow`, run by
`make test` (test-postgres), skipped where no PostgreSQL is configured.
"""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta

import psycopg
import pytest
from prefect.client.orchestration import get_client
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import func, select

from casework import clock as clock_module
from casework.models import AuditEvent, NightBatch, Violation
from casework.services.actor import Actor
from casework.services.night import runs as night_runs
from casework.services.night.page import scheduler_page
from casework.services.night.prefect_api import request_rerun, run_now
from tests.conftest import PG_URL
from tests.integration.lifecycle.lifecycle_driver import Driver
from tests.integration.night.system import SYSTEM
from tests.integration.night.test_night_jobs import missed_filing
from tests.integration.operators import add_user
from workflows import server as prefect_server
from workflows.serving import register, trigger
from bench.timers import fire_tally, make_due_timers

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]
TIMEOUT_S = 600


@pytest.fixture(scope="module")
def prefect_db():
    """A fresh PostgreSQL database for Prefect's own tables (migrated once), dropped afterwards."""
    server = PG_URL.rpartition("/")[0]
    name = f"prefect_e2e_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def env_for(container, **extra) -> dict:
    """A worker's or the scheduler's environment, acting as the system account (made here)."""
    add_user(container, SYSTEM.name, ["scheduler"], system=True)
    env = prefect_server.quiet_environment(dict(os.environ))
    env.pop("PREFECT_API_URL", None)
    env.update(CASEWORK_SYSTEM_ACCOUNT=SYSTEM.name, CASEWORK_DATABASE_URL=container.settings.database_url,
               CASEWORK_DATA_DIR=str(container.settings.data_dir), PREFECT_WORKER_QUERY_SECONDS="1",
               PREFECT_RUNNER_POLL_FREQUENCY="1", **extra)
    return env


def read_lines(stream, into: queue.Queue) -> None:
    for line in iter(stream.readline, ""):
        into.put(line)


def wait_for_line(lines: queue.Queue, prefix: str, process, timeout: float = TIMEOUT_S) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            assert process.poll() is None, "the scheduler exited"
            continue
        if line.startswith(prefix):
            return line[len(prefix):].strip()
    raise AssertionError(f"no line starting {prefix!r}")


def wait_for_deployment(api_url: str, name: str, timeout: float = TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    with temporary_settings(updates={PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            try:
                client.read_deployment_by_name(name)
                return
            except ObjectNotFound:
                time.sleep(1)
    raise AssertionError(f"deployment {name} never appeared")


def stop(process) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(30)


def test_scheduler_serves_deadline_sweep_and_a_deployment_run_opens_the_violation(container, clock, prefect_db, tmp_path):
    driver = Driver(container, clock)
    filed = missed_filing(driver)  # due in spring 2026: long past by the real clock the server runs on
    env = env_for(container)
    scheduler = subprocess.Popen([sys.executable, "-m", "casework", "scheduler", "--prefect-database", prefect_db],
                                 env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                 start_new_session=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(scheduler.stderr, lines), daemon=True).start()
    try:
        api_url = wait_for_line(lines, "Prefect API:", scheduler)
        assert api_url.startswith("http://127.0.0.1:")
        wait_for_deployment(api_url, "deadline_sweep/nightly")
        run_id = run_now(api_url, "deadline_sweep", {"run_key": "e2e"})  # the page's "run now"
        state = wait_final(api_url, run_id)
        assert state.is_completed(), state
        failed = failed_night(container)  # a night that failed on its first batch: the page re-runs it
        rerun_id = request_rerun(container.uow(), actor=Actor("night", frozenset({"scheduler"})),
                                 api_url=api_url, run_id=failed)
        assert wait_final(api_url, rerun_id).is_completed()
    finally:
        stop(scheduler)
    page = scheduler_page(container.uow(), prefect_ui=api_url.removesuffix("/api"))
    sweeps = {r["run_key"]: r for r in [d for d in page["deployments"] if d["flow"] == "deadline_sweep"][0]["runs"]}
    assert sweeps["e2e"]["state"] == "done" and sweeps["e2e"]["prefect_run_id"] == run_id
    assert sweeps["e2e-failed"]["state"] == "done" and not sweeps["e2e-failed"]["rerun"]
    assert driver.case(filed["case_ref"]).outcome == "overdue"
    with container.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Violation).where(
            Violation.unit_id == filed["unit_id"], Violation.origin == "deadline")) == 1
        actors = set(uow.session.scalars(select(AuditEvent.actor).where(
            AuditEvent.action.in_(["night.run_planned", "engine.timer", "night.run_done"]))))
    assert actors == {SYSTEM.name}  # the deployment's runs act as the system account
    resumed = night_runs.get_run(container.uow(), failed)
    assert (resumed.state, resumed.error, resumed.prefect_run_id) == ("done", None, rerun_id)
    assert not prefect_server.healthy(api_url)  # the scheduler stopped its server


def test_two_process_workers_fire_ten_thousand_timers_each_exactly_once(container, clock, prefect_db, tmp_path):
    make_due_timers(container, 10_000, clock.now() + timedelta(hours=1))  # past for the real clock
    server = prefect_server.start_server(tmp_path / "prefect", database_url=prefect_db)
    workers = []
    try:
        register(server.api_url, "casework-e2e", SYSTEM.name, paused=True)
        env = env_for(container, PREFECT_API_URL=server.api_url)
        for i in range(2):
            workers.append(subprocess.Popen(
                [sys.executable, "-m", "prefect", "worker", "start", "--pool", "casework-e2e", "--type", "process",
                 "--limit", "1", "--name", f"worker-{i}"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
        params = {"run_key": "e2e-10k", "batch_size": 250}
        runs = [trigger(server.api_url, "deadline_sweep/nightly", params) for _ in range(2)]
        finished = [wait_final(server.api_url, r.id) for r in runs]
        assert all(state.is_completed() for state in finished), finished
    finally:
        for w in workers:
            stop(w)
        server.stop()
    assert fire_tally(container) == {"fired": 10_000, "instances": 10_000, "most_on_one": 1, "waiting": 0}
    with container.uow() as uow:
        states = uow.session.execute(select(NightBatch.state, func.count()).group_by(NightBatch.state)).all()
        claimants = uow.session.scalar(select(func.count(NightBatch.claimed_by.distinct())))
    assert states == [("done", 40)]
    assert claimants == 2  # both workers' flow runs took batches of the one run


def failed_night(container) -> int:
    """A sweep run whose first batch failed (the database went away, say): state failed."""
    run = night_runs.open_run(container.uow(), "deadline_sweep", "e2e-failed", lambda _s: [999998, 999999],
                              actor=SYSTEM.name, batch_size=1, params={"now": clock_module.now().isoformat()})
    with pytest.raises(ConnectionError):
        night_runs.work_batches(container.uow(), run.id, lambda _items: _raise(ConnectionError("database gone")),
                                actor=SYSTEM.name)
    assert night_runs.get_run(container.uow(), run.id).error == "ConnectionError: database gone"
    return run.id


def _raise(exc: Exception):
    raise exc


def wait_final(api_url: str, flow_run_id, timeout: float = TIMEOUT_S):
    deadline = time.monotonic() + timeout
    with temporary_settings(updates={PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            state = client.read_flow_run(flow_run_id).state
            if state is not None and state.is_final():
                return state
            time.sleep(1)
    raise AssertionError(f"flow run {flow_run_id} did not finish")
