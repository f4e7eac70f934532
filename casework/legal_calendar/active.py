"""The process-wide active holiday table, for callers that cannot pass one (BPMN expressions).

A door installs it once at start-up, e.g. `store.load_active_table(container)` (which calls
`use_table(load_table(session), reload=...)`); tests call `use_table(table)` themselves.
When a question falls in a year the table lacks, helpers here call the `reload` hook
once (an administrator may have added the year since) and otherwise fail closed with
CalendarYearMissing.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from casework import clock
from casework.errors import CaseworkError, InvalidInput
from casework.legal_calendar.periods import Deadline, Period, add_period, deadline_end_utc
from casework.legal_calendar.table import CalendarYearMissing, HolidayTable

T = TypeVar("T")
Reload = Callable[[], HolidayTable]

_lock = threading.Lock()
_active: HolidayTable | None = None
_reload: Reload | None = None


class CalendarNotLoaded(CaseworkError):
    """No holiday table has been installed in this process."""

    status = 503

    def __init__(self) -> None:
        super().__init__("法定节假日表为空或未加载，请先运行 `casework init` / "
                         "the holiday table is empty or not loaded: run `casework init` first")


def use_table(table: HolidayTable | None, *, reload: Reload | None = None) -> HolidayTable | None:
    """Install `table` as the active one (None uninstalls); returns the previous table."""
    global _active, _reload
    with _lock:
        previous, _active, _reload = _active, table, reload
    return previous


def active_table() -> HolidayTable:
    """The installed table, loaded through the reload hook on first use; else CalendarNotLoaded."""
    global _active
    table = _active
    if table is None and _reload is not None:
        table = _reload()
        with _lock:
            _active = table
    if table is None:
        raise CalendarNotLoaded()
    return table


def _with_reload(question: Callable[[HolidayTable], T]) -> T:
    global _active
    try:
        return question(active_table())
    except CalendarYearMissing:
        reload = _reload
        if reload is None:
            raise
        fresh = reload()
        with _lock:
            _active = fresh
        return question(fresh)


def is_working_day(day: date) -> bool:
    """Whether `day` is a working day under the active table."""
    return _with_reload(lambda table: table.is_working_day(day))


def deadline(start: date, period: Period | str) -> Deadline:
    """`add_period` under the active table."""
    return _with_reload(lambda table: add_period(start, period, table))


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


def deadline_iso(start_iso: str, period: str) -> str:
    """ISO UTC instant a period from `start_iso` ends (24:00 Shanghai of its last day).

    For BPMN timer expressions, e.g. `deadline_iso(served_at, "15d")` →
    "2026-10-08T16:00:00+00:00". Uses the active table (see `use_table`).
    """
    return deadline_end_utc(deadline(parse_start(start_iso), period).day).isoformat()
