"""The seeded 2026 table equals the State Council notice 国办发明电〔2025〕7号; 2027 fails closed."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from casework.legal_calendar import CalendarYearMissing, HolidayTable, add_period
from casework.legal_calendar.package import package_years


def _span(first: str, last: str) -> list[date]:
    day, end = date.fromisoformat(first), date.fromisoformat(last)
    return [day + timedelta(days=i) for i in range((end - day).days + 1)]


# 元旦 1.1-1.3, 1.4(日)上班; 春节 2.15-2.23, 2.14(六)、2.28(六)上班; 清明 4.4-4.6;
# 劳动节 5.1-5.5, 5.9(六)上班; 端午 6.19-6.21; 中秋 9.25-9.27; 国庆 10.1-10.7, 9.20(日)、10.10(六)上班.
NOTICE_REST = (_span("2026-01-01", "2026-01-03") + _span("2026-02-15", "2026-02-23")
               + _span("2026-04-04", "2026-04-06") + _span("2026-05-01", "2026-05-05")
               + _span("2026-06-19", "2026-06-21") + _span("2026-09-25", "2026-09-27")
               + _span("2026-10-01", "2026-10-07"))
NOTICE_WORK = [date.fromisoformat(d) for d in ("2026-01-04", "2026-02-14", "2026-02-28",
                                               "2026-05-09", "2026-09-20", "2026-10-10")]


def test_package_2026_matches_the_notice():
    year = package_years()[2026]
    assert set(year.holidays) == {d for d in NOTICE_REST if d.weekday() < 5}
    assert set(year.workdays) == set(NOTICE_WORK)


def test_package_2026_every_day_of_the_year():
    year = package_years()[2026]
    table = HolidayTable.build({2026}, year.holidays, year.workdays)
    rest, work = set(NOTICE_REST), set(NOTICE_WORK)
    for day in _span("2026-01-01", "2026-12-31"):
        expected = day in work or (day.weekday() < 5 and day not in rest)
        assert table.is_working_day(day) is expected, day


@pytest.mark.parametrize("start, period", [("2026-12-31", "1d"), ("2026-12-25", "5wd"),
                                           ("2026-12-02", "30d"), ("2026-07-31", "6m")])
def test_deadlines_reaching_2027_fail_closed_with_the_year_named(start, period):
    year = package_years()[2026]
    table = HolidayTable.build({2026}, year.holidays, year.workdays)
    with pytest.raises(CalendarYearMissing) as info:
        add_period(date.fromisoformat(start), period, table)
    assert "2027" in str(info.value) and "set-year 2027" in str(info.value)
