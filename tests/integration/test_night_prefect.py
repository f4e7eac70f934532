"""The flows under Prefect (prefect_test_harness): states, retries resuming our batches."""
from __future__ import annotations

import pytest
from prefect import flow
from prefect.testing.utilities import prefect_test_harness

from casework.models import NightRun
from casework.services.night import runs
from tests.integration.test_night_jobs import miss, missed_filing
from tests.integration.lifecycle.lifecycle_driver import Driver
from workflows import context, flows


@pytest.fixture(scope="module")
def harness():
    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def installed(container, harness):
    previous = context.install(container)
    yield container
    context.install(previous)


def test_deadline_sweep_flow_completes_and_returns_counts(installed, clock):
    driver = Driver(installed, clock)
    filed = missed_filing(driver)
    miss(driver, filed)
    state = flows.deadline_sweep(return_state=True)
    assert state.is_completed()
    counts = state.result()
    assert counts["state"] == "done" and counts["deadline_violations"] == 1
    assert driver.case(filed["case_ref"]).outcome == "overdue"
    with installed.uow() as uow:
        run = uow.session.get(NightRun, counts["night_run"])
        assert run.prefect_run_id  # the Prefect run it belongs to, for the UI link


def test_bad_input_fails_the_flow_run_with_one_clear_message(installed):
    state = flows.recorder_health.with_options(retries=0)(day="2026-02-30", return_state=True)
    assert state.is_failed()
    with pytest.raises(Exception, match="not a date"):
        state.result()


def test_a_retried_flow_resumes_its_batches_and_repeats_no_effect(installed):
    effects: list[int] = []
    attempts: list[int] = []

    def work(items):
        if items == [3] and len(attempts) == 1:
            raise RuntimeError("worker lost its database connection")
        effects.extend(items)
        return {"items": len(items)}

    @flow(retries=1, retry_delay_seconds=0)
    def flaky() -> dict:
        attempts.append(1)
        run = runs.open_run(installed.uow(), "test_flow", "one", lambda _s: [1, 2, 3, 4], batch_size=1)
        return runs.work_batches(installed.uow(), run.id, work, worker="w").counts

    state = flaky(return_state=True)
    assert state.is_completed() and len(attempts) == 2
    assert state.result() == {"items": 4} and effects == [1, 2, 3, 4]
