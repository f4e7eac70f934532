"""The flows under Prefect (prefect_test_harness): states, retries resuming our batches, the
system account they act as."""
from __future__ import annotations

import os
from unittest import mock

import pytest
from prefect import flow
from prefect.testing.utilities import prefect_test_harness
from sqlalchemy import select

from casework.cli.operator import SYSTEM_ACCOUNT_ENV
from casework.models import AuditEvent, NightRun, SubmissionKey
from casework.services.night import runs
from casework.storage import submissions
from tests.integration.night.system import SYSTEM, as_system_account
from tests.integration.operators import add_user
from tests.integration.night.test_night_jobs import miss, missed_filing
from tests.integration.lifecycle.lifecycle_driver import Driver
from workflows import context, flows
from workflows.server import QUIET


@pytest.fixture(scope="module")
def harness():
    with mock.patch.dict(os.environ, QUIET), prefect_test_harness(server_startup_timeout=180):
        yield  # analytics off: the harness's server reaches for nothing beyond 127.0.0.1


@pytest.fixture
def bare(container, harness):
    """The container the flows use, before any system account is named."""
    previous = context.install(container)
    yield container
    context.install(previous)


@pytest.fixture
def installed(bare, monkeypatch):
    as_system_account(bare, monkeypatch)
    return bare


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
        run = runs.open_run(installed.uow(), "test_flow", "one", lambda _s: [1, 2, 3, 4], actor=SYSTEM.name,
                            batch_size=1)
        return runs.work_batches(installed.uow(), run.id, work, actor=SYSTEM.name, worker="w").counts

    state = flaky(return_state=True)
    assert state.is_completed() and len(attempts) == 2
    assert state.result() == {"items": 4} and effects == [1, 2, 3, 4]
    with installed.uow() as uow:
        actions = uow.session.scalars(select(AuditEvent.action).where(
            AuditEvent.subject.like("night_run:%")).order_by(AuditEvent.seq)).all()
    assert actions == ["night.run_planned", "night.run_failed", "night.run_resumed", "night.run_done"]


def test_a_flow_acts_as_the_system_account_and_is_audited_as_it(installed, clock):
    driver = Driver(installed, clock)
    miss(driver, missed_filing(driver))
    assert flows.deadline_sweep(return_state=True).is_completed()
    with installed.uow() as uow:
        events = uow.session.execute(select(AuditEvent.action, AuditEvent.actor, AuditEvent.data).where(
            AuditEvent.action.in_(["night.run_planned", "engine.timer", "night.run_done"]))).all()
    assert {action for action, _, _ in events} == {"night.run_planned", "engine.timer", "night.run_done"}
    assert all(actor == "system.jobs" and data["os_user"] for _, actor, data in events)


def test_the_web_state_purge_flow_purges_old_keys_as_the_system_account(installed, clock):
    old = submissions.new_key()
    with installed.uow() as uow:
        submissions.hold(uow, key=old, actor="clerk1", endpoint="queue.task")
        uow.commit()
    clock.advance(days=31)
    fresh = submissions.new_key()
    with installed.uow() as uow:
        submissions.hold(uow, key=fresh, actor="clerk1", endpoint="queue.task")
        uow.commit()
    state = flows.web_state_purge(return_state=True)
    assert state.is_completed()
    counts = state.result()
    assert counts["state"] == "done" and counts["submission_keys_purged"] == 1
    with installed.uow() as uow:
        assert set(uow.session.scalars(select(SubmissionKey.key))) == {fresh}
        assert uow.session.get(NightRun, counts["night_run"]).prefect_run_id
        [(actor, data)] = uow.session.execute(select(AuditEvent.actor, AuditEvent.data).where(
            AuditEvent.action == "web_state.purged")).all()
    assert actor == "system.jobs" and data["rows"] == 1 and data["os_user"]


def test_without_a_system_account_a_flow_fails_clearly(bare, monkeypatch):
    monkeypatch.delenv(SYSTEM_ACCOUNT_ENV, raising=False)
    state = flows.notice_batch.with_options(retries=0)(return_state=True)
    assert state.is_failed()
    with pytest.raises(Exception, match="CASEWORK_SYSTEM_ACCOUNT=system.jobs"):
        state.result()
    add_user(bare, "sched.person", ["scheduler"])  # a person with a password is no system account
    monkeypatch.setenv(SYSTEM_ACCOUNT_ENV, "sched.person")
    state = flows.notice_batch.with_options(retries=0)(return_state=True)
    with pytest.raises(Exception, match="no such system account: sched.person"):
        state.result()
    with bare.uow() as uow:
        assert uow.session.scalar(select(NightRun.id)) is None  # nothing ran
