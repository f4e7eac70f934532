"""A LegalCalendar: the holiday table a container owns, loaded once and refreshed on demand.

The container builds one with a loader (`storage.holidays.calendar_for(session_factory)`)
and passes it down: services reach it through their session (`calendar_of(session)`),
BPMN expressions through the container's function set (`deadline_iso`). A question in a year the table lacks
reloads once (an administrator may have added it since), then fails closed; a
table older than `STALE_AFTER` seconds is reloaded by the next session that asks
(`store.calendar_of`), so a notice entered by another process is seen.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from casework import clock
from casework.errors import CaseworkError, InvalidInput
from casework.legal_calendar.periods import Deadline, LegalPeriod, add_period, deadline_end_utc
from casework.legal_calendar.provisional import PARTY
from casework.legal_calendar.table import CalendarYearMissing, HolidayTable

T = TypeVar("T")
Loader = Callable[[], HolidayTable]
STALE_AFTER = 60.0  # seconds a loaded table is trusted before a session reloads it
SESSION_KEY = "legal_calendar"  # where a container's sessions carry its calendar (Session.info)


class CalendarNotLoaded(CaseworkError):
    """No holiday table has been installed in this process."""

    status = 503

    def __init__(self) -> None:
        super().__init__("法定节假日表为空或未加载，请先运行 `casework init` / "
                         "the holiday table is empty or not loaded: run `casework init` first")


class LegalCalendar:
    """One holiday table and how to reload it; safe to share between threads."""

    def __init__(self, load: Loader | None = None, table: HolidayTable | None = None) -> None:
        self._load, self._table, self._loaded_at = load, table, time.monotonic()
        self._lock = threading.Lock()

    def table(self) -> HolidayTable:
        table = self._table
        if table is None:
            return self.refresh()
        return table

    def needs_load(self) -> bool:
        """No table yet, or one older than STALE_AFTER (another process may have set a year)."""
        return self._table is None or (
            self._load is not None and time.monotonic() - self._loaded_at > STALE_AFTER)

    def install(self, table: HolidayTable) -> HolidayTable:
        """Use `table` (loaded by the caller, e.g. through its own session)."""
        with self._lock:
            self._table, self._loaded_at = table, time.monotonic()
        return table

    def refresh(self) -> HolidayTable:
        """Reload from the store (after `set_year`, or when a year is missing)."""
        if self._load is None:
            if self._table is None:
                raise CalendarNotLoaded()
            return self._table
        return self.install(self._load())

    def _ask(self, question: Callable[[HolidayTable], T]) -> T:
        try:
            return question(self.table())
        except CalendarYearMissing:
            if self._load is None:
                raise
            return question(self.refresh())

    def deadline(self, start: date, period: LegalPeriod | str, owed_by: str = PARTY) -> Deadline:
        """`add_period` under this calendar, for whoever owes the act (party or bureau)."""
        return self._ask(lambda table: add_period(start, period, table, owed_by))

    def is_working_day(self, day: date, owed_by: str = PARTY) -> bool:
        return self._ask(lambda table: table.is_working_day(day, owed_by))

    def deadline_iso(self, start_iso: str, period: str, owed_by: str = PARTY) -> str:
        """ISO UTC instant a period from `start_iso` ends (24:00 Shanghai of its last day).

        For BPMN timer expressions, e.g. `deadline_iso(served_at, "15d")` →
        "2026-10-08T16:00:00+00:00".
        """
        found = self.deadline(parse_start(start_iso), period, owed_by)
        return deadline_end_utc(found.day).isoformat()


def parse_start(start_iso: str) -> date:
    """The local (Asia/Shanghai) day of an ISO date or datetime; naive datetimes are UTC."""
    text = str(start_iso).strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return clock.to_local(datetime.fromisoformat(text)).date()
    except ValueError:
        raise InvalidInput(f"无法识别的日期：{start_iso!r}（例：2026-09-05） / "
                           f"cannot read date {start_iso!r} (e.g. 2026-09-05)") from None
