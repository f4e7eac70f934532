"""The deadline sweep's parts: plan due timers, fire one batch, report provisional deadlines."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from casework import clock
from casework.engine.run.timers import fire_instances
from casework.storage.holidays import load_table
from casework.models import Case, Violation
from casework.models.engine import ProcessInstance, Timer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.container import Container

SLOT_MINUTES = 15
YEAR_END_DAYS = 45  # from mid-November the next year's holiday notice is awaited


def slot_key(moment: datetime, minutes: int = SLOT_MINUTES) -> str:
    """The schedule slot a sweep at `moment` belongs to (Asia/Shanghai, e.g. 2026-03-02T09:15)."""
    local = clock.to_local(moment)
    return local.replace(minute=local.minute - local.minute % minutes, second=0,
                         microsecond=0).strftime("%Y-%m-%dT%H:%M")


def manual_key(moment: datetime) -> str:
    """A sweep asked for by hand is its own run (the slot's may be done): e.g. manual-2026-03-02T09:20:05."""
    return "manual-" + clock.format_local(moment, "%Y-%m-%dT%H:%M:%S")


def plan_due_timers(now: datetime):
    """A plan: the instances with a timer due by `now`, in due order, each once."""
    def plan(session: Session) -> list[int]:
        rows = session.execute(select(Timer.instance_id, func.min(Timer.due_at).label("due"))
                               .where(Timer.due_at <= now).group_by(Timer.instance_id)
                               .order_by("due", Timer.instance_id))
        return [iid for iid, _ in rows]
    return plan


def fire_batch(container: Container, instance_ids: list[int], now: datetime, actor: str) -> dict:
    """Fire the due timers of these instances as `actor`; count the timers and the violations they opened."""
    fired = fire_instances(container.session_factory, instance_ids, now=now,
                           resources={"files": container.files, "container": container}, actor=actor)
    with container.uow() as uow:
        refs = list(uow.session.scalars(select(ProcessInstance.case_ref).where(
            ProcessInstance.id.in_(instance_ids), ProcessInstance.case_ref.is_not(None))))
        opened = uow.session.scalar(select(func.count()).select_from(Violation).where(
            Violation.origin == "deadline",
            Violation.act_key.in_([f"case:{r}" for r in refs]))) if refs else 0
    return {"instances": len(instance_ids), "timers_fired": fired, "deadline_violations": opened or 0}


def provisional_deadlines(container: Container, today: date | None = None, limit: int = 50) -> dict:
    """Open cases due in a year whose holiday notice is not in the table (provisional dates).

    Reported near the year end (from YEAR_END_DAYS before 1 January), when the next
    year's notice is awaited; elsewhere the report is empty.
    """
    today = today or clock.today_local()
    if (date(today.year + 1, 1, 1) - today).days > YEAR_END_DAYS:
        return {"provisional": 0, "cases": []}
    with container.uow() as uow:
        table = load_table(uow.session)
        year = today.year
        while table.covers(year):
            year += 1
        since = clock.local_midnight_utc(date(year, 1, 1))
        rows = uow.session.execute(
            select(Case.ref, Case.due_at).where(Case.status == "open", Case.due_at >= since)
            .order_by(Case.due_at, Case.id).limit(limit)).all()
        total = uow.session.scalar(select(func.count()).select_from(Case).where(
            Case.status == "open", Case.due_at >= since))
    return {"provisional": total or 0, "from_year": year,
            "cases": [{"ref": ref, "due": clock.format_deadline(clock.as_utc(due))} for ref, due in rows]}
