"""Concurrency: one success when two complete the same task; two sweepers fire each timer once."""
from __future__ import annotations

import multiprocessing
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casework import clock as clock_module
from casework.bootstrap import bootstrap
from casework.engine import action, complete, deploy, fire_due_timers, get_instance, list_work_items, start
from casework.errors import Conflict
from casework.models.audit import AuditEvent
from casework.models.engine import ProcessInstance, Timer
from tests.conftest import PG_URL, START
from tests.helpers import TEST_BPMN, TEST_FORMS



@action("test_pause", inputs={"label": str}, outputs={"paused": str})
def _pause(ctx, label):
    time.sleep(ctx.resources.get("pause", 0))
    return {"paused": label}


def _setup(container, key: str) -> None:
    with container.uow() as uow:
        deploy(uow.session, key, (TEST_BPMN / f"{key}.bpmn").read_bytes(), forms_dir=TEST_FORMS, actor="tester")
        uow.commit()


def _complete_once(app, item_id: int, barrier, pause: float) -> str:
    barrier.wait(timeout=30)
    try:
        with app.uow() as uow:
            complete(uow.session, item_id, {"again": False}, actor="clerk", roles={"clerk"},
                     resources={"pause": pause})
            uow.commit()
        return "ok"
    except Conflict:
        return "conflict"


def _start_items(container, n: int) -> list[int]:
    with container.uow() as uow:
        for i in range(n):
            start(uow.session, "engine_slow", data={}, actor="clerk", case_ref=f"R{i}")
        uow.commit()
        return [i.id for i in list_work_items(uow.session, limit=n)]


@pytest.mark.sqlite_only
def test_two_threads_complete_the_same_task_one_wins(container, clock):
    _setup(container, "engine_slow")
    for item_id in _start_items(container, 3):
        barrier, results = threading.Barrier(2), []
        threads = [threading.Thread(target=lambda: results.append(
            _complete_once(container, item_id, barrier, 0.05))) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(results) == ["conflict", "ok"]
    _assert_each_completed_once(container, 3)


def _child(item_id: int, barrier, queue) -> None:
    clock_module.install(clock_module.TravelClock(START))
    app = bootstrap(database_url=PG_URL, data_dir="/tmp/casework-engine-test")
    try:
        queue.put(_complete_once(app, item_id, barrier, 0.3))
    except BaseException as exc:  # report, never leave the parent waiting
        queue.put(repr(exc))
    finally:
        app.dispose()


@pytest.mark.postgres_only
def test_two_processes_complete_the_same_task_one_wins(container, clock):
    _setup(container, "engine_slow")
    ctx = multiprocessing.get_context("fork")
    for item_id in _start_items(container, 3):
        barrier, queue = ctx.Barrier(2), ctx.Queue()
        procs = [ctx.Process(target=_child, args=(item_id, barrier, queue)) for _ in range(2)]
        for p in procs:
            p.start()
        results = sorted(queue.get(timeout=60) for _ in procs)
        for p in procs:
            p.join(60)
        assert results == ["conflict", "ok"]
    _assert_each_completed_once(container, 3)


def _assert_each_completed_once(container, n: int) -> None:
    with container.uow() as uow:
        s = uow.session
        assert s.scalar(select(func.count()).select_from(ProcessInstance)
                        .where(ProcessInstance.status == "completed")) == n
        assert s.scalar(select(func.count()).select_from(AuditEvent)
                        .where(AuditEvent.action == "engine.complete")) == n


def test_two_sweepers_fire_each_of_1000_timers_once(container, clock):
    _setup(container, "engine_timer")
    wake = (clock.now() + timedelta(hours=1)).isoformat()
    with container.uow() as uow:
        for i in range(1000):
            start(uow.session, "engine_timer", data={"wake_at": wake}, actor="clerk")
        uow.commit()
    clock.advance(hours=2)
    counts: list[int] = []
    barrier = threading.Barrier(2)

    def sweep():
        barrier.wait(timeout=30)
        counts.append(fire_due_timers(container.session_factory, batch=50))
    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert sum(counts) == 1000
    with container.uow() as uow:
        s = uow.session
        assert s.scalar(select(func.count()).select_from(Timer)) == 0
        fired = s.execute(select(AuditEvent.subject, func.count()).where(AuditEvent.action == "engine.timer")
                          .group_by(AuditEvent.subject)).all()
        assert len(fired) == 1000 and {n for _s, n in fired} == {1}
        assert s.scalar(select(func.count()).select_from(ProcessInstance)
                        .where(ProcessInstance.status == "completed")) == 1000
        assert get_instance(s, 1).data["woke"] is True
