"""Helpers for tests and the benchmark: many due timers, and who fired them how often."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select

from casework.config import PROJECT_ROOT
from casework.engine import deploy, start
from casework.models import AuditEvent
from casework.models.engine import ModelVersion, ProcessInstance, Timer

TIMER_MODEL = PROJECT_ROOT / "tests" / "data" / "bpmn" / "engine_timer.bpmn"  # test data, not shipped


def make_due_timers(container, count: int, due: datetime) -> None:
    """`count` instances of the test timer model, each waiting on one timer due at `due`.

    `due` must lie ahead of the casework clock (the engine would fire a past timer at once);
    a sweep by a later clock (a worker on the real clock, a test that travels) finds them due.

    One instance is started through the engine; the rest are clones of its rows (as
    bench.engine does), which is what a sweep sees after a busy day.
    """
    with container.uow() as uow:
        s = uow.session
        if s.scalar(select(ModelVersion.id).where(ModelVersion.key == "engine_timer")) is None:
            deploy(s, "engine_timer", TIMER_MODEL.read_bytes(), actor="test")
        one = start(s, "engine_timer", data={"wake_at": due.isoformat()}, actor="test")
        timer = s.scalars(select(Timer).where(Timer.instance_id == one.id)).one()
        row = {c: getattr(one, c) for c in ("model_version_id", "key", "status", "state", "data",
                                             "created_at", "updated_at")}
        task_id = timer.task_id
        for base in range(0, count - 1, 1000):
            n = min(1000, count - 1 - base)
            ids = [s.execute(insert(ProcessInstance).values(revision=1, **row)).inserted_primary_key[0]
                   for _ in range(n)]
            s.execute(insert(Timer), [{"instance_id": i, "task_id": task_id, "name": "wait", "due_at": due}
                                      for i in ids])
        uow.commit()


def fire_tally(container) -> dict:
    """How many timers fired, on how many instances, the most on one, and how many still wait."""
    with container.uow() as uow:
        s = uow.session
        per = (select(AuditEvent.subject, func.count().label("n")).where(AuditEvent.action == "engine.timer")
               .group_by(AuditEvent.subject).subquery())
        fired, instances, most = s.execute(select(func.coalesce(func.sum(per.c.n), 0), func.count(),
                                                  func.coalesce(func.max(per.c.n), 0))).one()
        waiting = s.scalar(select(func.count()).select_from(Timer))
    return {"fired": int(fired), "instances": int(instances), "most_on_one": int(most), "waiting": int(waiting)}
