"""Confirming provisional deadlines when a holiday notice arrives, and the health check.

`confirm_provisional` recomputes every open provisional case deadline, one transaction
per batch: a date already stated in a served document never moves earlier, the
process's deadline_at and timers are re-derived (`steps`), each change is an audit event.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from casework import audit, clock
from casework.legal_calendar import PARTY, LegalCalendar
from casework.storage.holidays import calendar_of, load_table
from casework.models import Case, Document
from casework.services.deadlines.steps import revise_instance_deadline

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

BATCH = 200
WARN_FROM = (10, 1)  # month, day: from 1 October next year's notice is awaited


@dataclass(frozen=True)
class Moved:
    """One open case whose provisional deadline was confirmed."""

    case_ref: str
    before: str
    after: str
    still_provisional: bool
    why: str


def confirm_provisional(session_factory: sessionmaker[Session], calendar: LegalCalendar,
                        actor: str, reason: str, batch: int = BATCH) -> list[Moved]:
    """Recompute every open provisional case deadline under `calendar` (refreshed first)."""
    calendar.refresh()
    report: list[Moved] = []
    after_id = 0
    while True:
        with session_factory() as session:
            cases = session.scalars(
                select(Case).where(Case.status == "open", Case.deadline_provisional.is_(True),
                                   Case.id > after_id).order_by(Case.id).limit(batch)).all()
            if not cases:
                return report
            for case in cases:
                report.append(_confirm(session, calendar, case, actor, reason))
            after_id = cases[-1].id
            session.commit()


def _confirm(session: Session, calendar: LegalCalendar, case: Case, actor: str,
             reason: str) -> Moved:
    basis = dict(case.deadline_basis or {})
    found = calendar.deadline(date.fromisoformat(basis["start"]), basis["period"],
                              basis.get("owed_by", PARTY))
    before, new_day = basis.get("date", ""), found.day
    served = _served_date(session, case.ref, before)
    why = found.rule
    if served is not None and new_day < served:
        new_day = served
        why = (f"送达文书已载明 {served.isoformat()}，不提前 / the served document states "
               f"{served}, which binds the bureau; {found.rule}")
    end_utc = clock.end_of_local_day_utc(new_day)
    case.due_at = end_utc
    case.deadline_provisional = found.provisional
    case.deadline_basis = {**basis, "date": new_day.isoformat(), "rule": why}
    if case.instance_id is not None and new_day.isoformat() != before:
        revise_instance_deadline(session, case.instance_id, before, end_utc, new_day, actor)
    audit.record(session, actor, "case.deadline_confirmed", f"case:{case.ref}", {
        "from": before, "to": new_day.isoformat(), "provisional": found.provisional,
        "reason": reason, "rule": why})
    return Moved(case.ref, before, new_day.isoformat(), found.provisional, why)


def _served_date(session: Session, case_ref: str, stated: str) -> date | None:
    """The deadline a served document of this case states, when it is the one computed."""
    contexts = session.scalars(select(Document.context).where(
        Document.case_ref == case_ref, Document.served_at.is_not(None)))
    for context in contexts:
        if isinstance(context, dict) and stated and context.get("deadline") == stated:
            return date.fromisoformat(stated)
    return None


def calendar_health(session: Session, today: date | None = None) -> dict:
    """From 1 October: is next year's notice in? How many open deadlines are provisional?"""
    today = today or clock.today_local()
    table = calendar_of(session).install(load_table(session))  # this session: no second lock
    next_year = today.year + 1
    count = session.scalar(select(func.count()).select_from(Case).where(
        Case.status == "open", Case.deadline_provisional.is_(True)))
    missing = next_year not in table.years
    warn = missing and (today.month, today.day) >= WARN_FROM
    return {"today": today.isoformat(), "next_year": next_year,
            "next_year_published": not missing, "warning": warn,
            "open_provisional_deadlines": count, "last_published_year": table.last_year,
            "days_to_year_end": (date(today.year, 12, 31) - today + timedelta(days=1)).days}
