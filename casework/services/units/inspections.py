"""Periodic inspections (监督检查): who is due, and opening an inspection case."""
from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from casework import clock
from casework.errors import InvalidInput
from casework.models import Case, Unit
from casework.services import scope
from casework.services.cases.cases import open_case

if TYPE_CHECKING:
    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork

CHECKLIST = ("signage", "operation", "retention", "registers", "duty_monitoring",
             "privacy_places", "obstruction", "filing")


def start_inspection(uow: UnitOfWork, *, actor: Actor, unit_id: int,
                     system_id: int | None = None, due_days: int = 30) -> str:
    """Open an inspection case for a unit; returns its reference."""
    actor.require("inspector", "clerk", "bureau_head", "scheduler")
    with uow:
        unit = scope.unit(uow.session, actor, unit_id)
        system = scope.system(uow.session, actor, system_id) if system_id else None
        if system is not None and system.unit_id != unit.id:
            raise InvalidInput(f"系统 {system_id} 不属于该单位 / system {system_id} is not this unit's")
        due = clock.end_of_local_day_utc(clock.today_local() + timedelta(days=due_days))
        case = open_case(uow.session, kind="inspection", unit=unit, system=system,
                         actor=actor.name, resources=uow.resources,
                         data={"checklist": list(CHECKLIST), "deadline_at": due.isoformat()})
        case.due_at = due
        uow.commit()
        return case.ref


def select_due_units(uow: UnitOfWork, *, on: date, interval_days: int = 365,
                     random_share: float = 0.1, limit: int = 500) -> list[int]:
    """Units due for inspection: none within `interval_days`, plus a random draw (双随机).

    The draw is a deterministic hash of (unit, day) so two schedulers agree on it.
    """
    since = clock.local_midnight_utc(on - timedelta(days=interval_days))
    with uow:
        last = (select(Case.unit_id, func.max(Case.opened_at).label("last"))
                .where(Case.kind == "inspection").group_by(Case.unit_id).subquery())
        rows = uow.session.execute(
            select(Unit.id, last.c.last).outerjoin(last, last.c.unit_id == Unit.id)
            .order_by(Unit.id)
        ).all()
    due = []
    for unit_id, last_at in rows:
        if last_at is None or clock.as_utc(last_at) < since or _drawn(unit_id, on, random_share):
            if last_at is None or clock.as_utc(last_at) < clock.local_midnight_utc(on):
                due.append(unit_id)
        if len(due) >= limit:
            break
    return due


def _drawn(unit_id: int, on: date, share: float) -> bool:
    digest = hashlib.sha256(f"{unit_id}:{on.isoformat()}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share
