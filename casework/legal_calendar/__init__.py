"""Legal deadlines: calendar vs working days, the holiday table, rollover (pure; see README)."""
from __future__ import annotations

from casework.legal_calendar.active import (
    CalendarNotLoaded,
    active_table,
    deadline,
    deadline_iso,
    is_working_day,
    parse_start,
    use_table,
)
from casework.legal_calendar.periods import (
    Deadline,
    Period,
    add_months,
    add_period,
    add_working_days,
    deadline_end_utc,
)
from casework.legal_calendar.table import CalendarYearMissing, HolidayTable, is_default_working_day

__all__ = [
    "CalendarNotLoaded", "CalendarYearMissing", "Deadline", "HolidayTable", "Period",
    "active_table", "add_months", "add_period", "add_working_days", "deadline",
    "deadline_end_utc", "deadline_iso", "is_default_working_day", "is_working_day",
    "parse_start", "use_table",
]
