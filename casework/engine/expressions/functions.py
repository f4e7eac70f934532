"""Date helpers whitelisted in expressions: ISO strings in, ISO strings out."""
from __future__ import annotations

from datetime import datetime, timedelta

from casework import clock
from casework.engine.expressions.evaluator import register_function


def now_iso() -> str:
    """The current instant (the travelable clock) as an ISO UTC string."""
    return clock.now().replace(microsecond=0).isoformat()


def add_days_iso(start_iso: str, days: int | float) -> str:
    """`start_iso` plus calendar days (no holiday rollover), as an ISO UTC string."""
    if not isinstance(days, (int, float)) or abs(days) > 36_500:
        raise ValueError("days must be a number within 100 years")
    start = clock.as_utc(datetime.fromisoformat(str(start_iso)))
    return (start + timedelta(days=days)).isoformat()


def deadline_iso(start_iso: str, period: str) -> str:
    """End of a legal period (legal calendar: working days, holiday rollover), ISO UTC."""
    # Imported here so the engine does not depend on the calendar at import time.
    from casework.legal_calendar import deadline_iso as calendar_deadline_iso

    return calendar_deadline_iso(str(start_iso), str(period))


def install() -> None:
    """Register the date helpers with the evaluator (idempotent)."""
    register_function("now_iso", now_iso)
    register_function("add_days_iso", add_days_iso)
    register_function("deadline_iso", deadline_iso)


install()
