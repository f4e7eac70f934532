"""Legal deadlines: calendar vs working days, the holiday table, rollover (pure; see README)."""
from __future__ import annotations

from casework.legal_calendar.active import (
    CalendarNotLoaded,
    LegalCalendar,
    parse_start,
)
from casework.legal_calendar.periods import (
    Deadline,
    LegalPeriod,
    add_months,
    add_period,
    add_working_days,
    deadline_end_utc,
)
from casework.legal_calendar.provisional import BUREAU, OWED_BY, PARTY
from casework.legal_calendar.table import CalendarYearMissing, HolidayTable, is_default_working_day

__all__ = [
    "BUREAU", "CalendarNotLoaded", "CalendarYearMissing", "Deadline", "HolidayTable",
    "LegalCalendar", "OWED_BY", "PARTY", "LegalPeriod", "add_months", "add_period",
    "add_working_days", "deadline_end_utc", "is_default_working_day", "parse_start",
]
