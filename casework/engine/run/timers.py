"""The timer sweep: due rows by index, one transaction per instance, each timer fired once."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, bindparam, func, or_, select

from casework import clock
from casework.engine.errors import BudgetExceeded
from casework.engine.run.firing import fire_timers
from casework.engine.run.incidents import add_incident
from casework.engine.run.runtime import advance, fail_instance, open_step, save
from casework.errors import CaseworkError, Conflict
from casework.models.engine import ProcessInstance, Timer
from casework.storage.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker


def next_timer_due(session: Session) -> datetime | None:
    """The earliest due time of any waiting timer (what the scheduler sleeps until)."""
    value = session.scalar(select(func.min(Timer.due_at)))
    return None if value is None else clock.as_utc(value)


_DUE = select(Timer.id, Timer.instance_id).where(Timer.due_at <= bindparam("now"))
_ORDER = (Timer.due_at, Timer.id)
DUE_FIRST = _DUE.order_by(*_ORDER).limit(bindparam("batch"))
DUE_AFTER = _DUE.where(or_(Timer.due_at > bindparam("after_due"), and_(
    Timer.due_at == bindparam("after_due"), Timer.id > bindparam("after_id")))).order_by(*_ORDER).limit(bindparam("batch"))


def due_batch(session: Session, now: datetime, batch: int,
              after: tuple[datetime, int] | None = None) -> list[tuple[int, int]]:
    """(timer id, instance id) of due timers in due order, by the (due_at, id) index.

    Only integers come back (converting a thousand timestamps costs more than the query);
    `batch_cursor` turns the last row into the `after` value for the next batch.
    """
    if after is None:
        rows = session.execute(DUE_FIRST, {"now": now, "batch": batch})
    else:
        rows = session.execute(DUE_AFTER, {"now": now, "batch": batch, "after_due": after[0], "after_id": after[1]})
    return [tuple(r) for r in rows]


def batch_cursor(session: Session, rows: list[tuple[int, int]]) -> tuple[datetime, int]:
    last_id = rows[-1][0]
    return session.scalar(select(Timer.due_at).where(Timer.id == last_id)), last_id


def fire_due_timers(session_factory: sessionmaker[Session], *, now: datetime | None = None, batch: int = 100,
                    resources: dict | None = None, actor: str = "scheduler") -> int:
    """Fire every timer due by `now`; returns how many timers fired. Safe to run twice at once."""
    now = clock.as_utc(now) if now else clock.now()
    fired, cursor, seen = 0, None, set()
    while True:
        with UnitOfWork(session_factory) as uow:
            rows = due_batch(uow.session, now, batch, cursor)
            if not rows:
                return fired
            cursor = batch_cursor(uow.session, rows)
            if cursor[0] is None:  # that timer fired meanwhile: restart (seen instances are skipped)
                cursor = None
        for _tid, instance_id in rows:
            if instance_id in seen:
                continue
            seen.add(instance_id)
            fired += _fire_one(session_factory, instance_id, now, resources, actor)


_LOCK = select(ProcessInstance).where(ProcessInstance.id == bindparam("iid"))
_LOCK_SKIP = _LOCK.with_for_update(skip_locked=True)
_DUE_OF_INSTANCE = select(Timer.task_id).where(Timer.instance_id == bindparam("iid"), Timer.due_at <= bindparam("now"))


def _fire_one(session_factory, instance_id: int, now: datetime, resources, actor: str) -> int:
    """One instance in its own transaction; 0 when another sweeper had it first."""
    error = None
    with UnitOfWork(session_factory) as uow:
        session = uow.session
        # PostgreSQL: a row another sweeper holds is skipped, not waited for. SQLite: the
        # transaction began IMMEDIATE, so sweepers are already serialised.
        lock = _LOCK_SKIP if session.get_bind().dialect.name == "postgresql" else _LOCK
        instance = session.scalars(lock, {"iid": instance_id}).first()
        if instance is None or instance.status != "running":
            return 0
        due = set(session.scalars(_DUE_OF_INSTANCE, {"iid": instance_id, "now": now}))
        if not due:
            return 0  # fired by another sweeper meanwhile
        try:
            step = open_step(session, instance, actor=actor, resources=resources)
            count = advance(step, lambda wf: fire_timers(wf, due, now))
            save(step, "engine.timer", {"timers": sorted(due), "fired": count})
            uow.commit()
            return count
        except Conflict:
            return 0
        except CaseworkError as exc:
            error = exc
    # The step is rolled back; the instance stops (status error, state as it was) so the sweep
    # does not retry it every round, and an over-budget step leaves an incident.
    with UnitOfWork(session_factory) as uow:
        instance = uow.session.get(ProcessInstance, instance_id)
        if instance is not None and instance.status == "running":
            if isinstance(error, BudgetExceeded):
                add_incident(uow.session, key=instance.key, instance_id=instance.id, error=error, actor=actor)
            fail_instance(uow.session, instance, str(error), actor=actor)
            uow.commit()
    return 0


def fire_instances(session_factory: sessionmaker[Session], instance_ids: list[int], *,
                   now: datetime | None = None, resources: dict | None = None,
                   actor: str = "scheduler") -> int:
    """Fire the timers due by `now` of the given instances (one batch of a planned sweep).

    Each instance is its own transaction under a skip-locked row lock, so a retried or
    concurrent batch never fires a timer twice; returns how many timers fired.
    """
    now = clock.as_utc(now) if now else clock.now()
    return sum(_fire_one(session_factory, iid, now, resources, actor) for iid in dict.fromkeys(instance_ids))
