"""A LegalCalendar: the holiday table a container owns, which BPMN expressions read."""
from __future__ import annotations

from datetime import date

import pytest

from casework.errors import InvalidInput
from casework.legal_calendar import (
    CalendarNotLoaded,
    CalendarYearMissing,
    HolidayTable,
    LegalCalendar,
    parse_start,
)
from tests.unit.law.test_legal_calendar import HOLIDAYS_2026, WORKDAYS_2026

TABLE_2026 = HolidayTable.build({2026}, HOLIDAYS_2026, WORKDAYS_2026)


def test_deadline_iso_from_a_date():
    calendar = LegalCalendar(table=TABLE_2026)
    assert calendar.deadline_iso("2026-09-05", "30d") == "2026-10-08T16:00:00+00:00"
    assert calendar.deadline_iso("2026-09-29", "5wd") == "2026-10-12T16:00:00+00:00"


def test_deadline_iso_counts_from_the_local_day():
    calendar = LegalCalendar(table=TABLE_2026)
    # 2026-09-04 17:00 UTC is already 09-05 01:00 in Shanghai.
    assert calendar.deadline_iso("2026-09-04T17:00:00Z", "30d") == "2026-10-08T16:00:00+00:00"
    assert calendar.deadline_iso("2026-09-04T15:00:00+00:00", "30d") == "2026-10-08T16:00:00+00:00"
    assert parse_start("2026-09-05T08:30:00+08:00") == date(2026, 9, 5)


def test_without_a_table_it_refuses():
    with pytest.raises(CalendarNotLoaded, match="casework init"):
        LegalCalendar().deadline_iso("2026-09-05", "30d")


def test_bad_input_is_invalid():
    calendar = LegalCalendar(table=TABLE_2026)
    with pytest.raises(InvalidInput):
        calendar.deadline_iso("05/09/2026", "30d")
    with pytest.raises(InvalidInput):
        calendar.deadline_iso("2026-09-05", "thirty days")


def test_missing_year_reloads_once_then_fails_closed():
    calls = []

    def reload() -> HolidayTable:
        calls.append(1)
        return TABLE_2026.with_year(2027, [date(2027, 1, 1)], [])

    calendar = LegalCalendar(reload, TABLE_2026)
    assert calendar.deadline_iso("2026-12-20", "30d") == "2027-01-19T16:00:00+00:00"
    assert calls == [1]
    assert calendar.table().covers(2027)
    assert calendar.is_working_day(date(2027, 1, 4))
    with pytest.raises(CalendarYearMissing):
        calendar.is_working_day(date(2028, 1, 3))
    assert len(calls) == 2


def test_two_calendars_do_not_share_a_table():
    first = LegalCalendar(table=TABLE_2026)
    second = LegalCalendar(table=TABLE_2026.with_year(2027, [date(2027, 1, 1)], []))
    assert second.deadline(date(2026, 12, 20), "30d").day == date(2027, 1, 19)
    with pytest.raises(CalendarYearMissing):
        first.deadline(date(2026, 12, 20), "30d")


def test_missing_year_without_reload_fails_closed():
    with pytest.raises(CalendarYearMissing):
        LegalCalendar(table=TABLE_2026).deadline_iso("2026-12-31", "1d")
