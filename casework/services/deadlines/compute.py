"""Deadlines under the container's calendar, and how a case remembers one."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from casework.legal_calendar import PARTY
from casework.storage.holidays import calendar_of
from casework.services import rules

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.models import Case


def deadline(session: Session, start: date, period: str, owed_by: str = PARTY) -> dict:
    """A period's deadline under the container's calendar (one table, loaded once)."""
    found = calendar_of(session).deadline(start, period, owed_by)
    return {"date": found.day.isoformat(), "end_utc": found.end_utc, "rule": found.rule,
            "provisional": found.provisional, "owed_by": found.owed_by,
            "start": start.isoformat(), "period": str(found.period)}


def filing_deadline(session: Session, code: str, kind: str, start: date,
                    government_funded: bool = False) -> dict | None:
    """The window's deadline counted from `start` (or from the instrument's force date)."""
    rule = rules.filing_rule(code, kind, start, government_funded)
    if rule is None or rule.period == "promptly":  # 及时: no fixed window to enforce
        return None
    begin = rule.runs_from_date if rule.runs_from == "instrument_in_force" and rule.runs_from_date else start
    found = deadline(session, begin, rule.period, rule.owed_by)
    return {"deadline_at": found["end_utc"].isoformat(), "deadline_date": found["date"],
            "found": found,
            "rule": f"{rule.quote}（{found['rule']}）", "article": rule.article,
            "quote": rule.quote,
            "source": rule.source, "period": rule.period}


def record_on_case(case: Case, found: dict) -> None:
    """Make `found` (from `deadline`) the case's due time, remembering how it was computed."""
    case.due_at = found["end_utc"]
    case.deadline_provisional = bool(found["provisional"])
    case.deadline_basis = {k: found[k] for k in ("start", "period", "owed_by", "date", "rule")}


