"""Legal periods under the 2026 holiday arrangement (国办发明电〔2025〕7号), no database."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from casework.errors import CaseworkError, InvalidInput
from casework.legal_calendar import (
    CalendarYearMissing,
    HolidayTable,
    LegalPeriod,
    add_months,
    add_period,
    add_working_days,
    deadline_end_utc,
)

D = date.fromisoformat


def _span(first: str, last: str) -> list[date]:
    day, end, out = D(first), D(last), []
    while day <= end:
        out.append(day)
        day += timedelta(days=1)
    return out


# The State Council notice for 2026, as published (rest spans include weekends).
HOLIDAYS_2026 = (
    _span("2026-01-01", "2026-01-03") + _span("2026-02-15", "2026-02-23")
    + _span("2026-04-04", "2026-04-06") + _span("2026-05-01", "2026-05-05")
    + _span("2026-06-19", "2026-06-21") + _span("2026-09-25", "2026-09-27")
    + _span("2026-10-01", "2026-10-07")
)
WORKDAYS_2026 = [D(s) for s in ("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
                                "2026-09-20", "2026-10-10")]
NAMES = {d: "国庆节" for d in _span("2026-10-01", "2026-10-07")} | {
    d: "春节" for d in _span("2026-02-15", "2026-02-23")}


@pytest.fixture(scope="module")
def table() -> HolidayTable:
    return HolidayTable.build({2026}, HOLIDAYS_2026, WORKDAYS_2026, NAMES)


def test_worked_example_national_day(table):
    deadline = add_period(D("2026-09-05"), "30d", table)
    assert deadline.day == D("2026-10-08")
    assert deadline.nominal == D("2026-10-05") and deadline.rolled
    assert "2026-10-05 为法定休假日（国庆节），顺延至 2026-10-08" in deadline.rule
    assert "30日（日历日）" in deadline.rule and "30 calendar days" in deadline.rule


def test_worked_example_spring_festival(table):
    deadline = add_period(D("2026-02-01"), "15d", table)
    assert deadline.day == D("2026-02-24")
    assert "2026-02-16 为法定休假日（春节）" in deadline.rule


@pytest.mark.parametrize("start, period, expected", [
    ("2026-09-05", "28d", "2026-10-08"),   # lands on Saturday 10-03 inside National Day
    ("2026-02-01", "14d", "2026-02-24"),   # lands on Sunday 02-15, first day of Spring Festival
    ("2026-03-02", "10d", "2026-03-12"),   # ordinary Thursday: no rollover
    ("2026-03-06", "1d", "2026-03-09"),    # Friday + 1 = Saturday → Monday
    ("2026-12-20", "11d", "2026-12-31"),   # year end on a Thursday needs no 2027 data
    ("2026-12-01", "20d", "2026-12-21"),
    ("2026-04-01", "3d", "2026-04-07"),    # Qingming 04-04..06
    ("2026-04-20", "11d", "2026-05-06"),   # Labour Day 05-01..05
])
def test_calendar_days_roll_past_rest_days(table, start, period, expected):
    assert add_period(D(start), period, table).day == D(expected)


def test_rest_weekend_is_named_in_the_rule(table):
    rule = add_period(D("2026-03-06"), "1d", table).rule
    assert "2026-03-07 为休息日（星期六），顺延至 2026-03-09" in rule
    assert "weekend rest day (Saturday)" in rule


def test_working_day_end_says_so(table):
    deadline = add_period(D("2026-03-02"), "10d", table)
    assert not deadline.rolled
    assert "届满日 2026-03-12 为工作日" in deadline.rule


def test_adjusted_saturday_is_a_working_day_and_does_not_roll(table):
    assert table.is_working_day(D("2026-10-10")) and table.is_adjusted_workday(D("2026-10-10"))
    assert table.is_working_day(D("2026-09-20"))  # a Sunday worked for National Day
    deadline = add_period(D("2026-09-30"), "10d", table)
    assert deadline.day == D("2026-10-10") and not deadline.rolled
    assert "调休上班日" in deadline.rule


def test_statutory_holiday_on_weekday_is_rest(table):
    assert not table.is_working_day(D("2026-10-05"))
    assert not table.is_working_day(D("2026-10-03"))
    assert table.is_working_day(D("2026-10-08"))


@pytest.mark.parametrize("start, period, expected", [
    ("2026-01-31", "1m", "2026-02-28"),   # no 31st in February: month end, a 调休 Saturday
    ("2026-03-31", "1m", "2026-04-30"),   # month end, a Thursday
    ("2026-04-30", "1m", "2026-06-01"),   # 05-30 is a Saturday → Monday 06-01
    ("2026-03-31", "2m", "2026-06-01"),   # 05-31 Sunday → 06-01
    ("2026-01-05", "9m", "2026-10-08"),   # 10-05 National Day → 10-08
    ("2026-01-15", "1m", "2026-02-24"),   # 02-15 Spring Festival → 02-24
])
def test_months_end_on_corresponding_day_then_roll(table, start, period, expected):
    assert add_period(D(start), period, table).day == D(expected)


def test_month_end_rule_text(table):
    deadline = add_period(D("2026-01-31"), "1m", table)
    assert "到期月无 31 日，以月末 2026-02-28 为最后一日" in deadline.rule
    assert "2026-02-28 为调休上班日，是工作日，不顺延" in deadline.rule
    assert not deadline.rolled


def test_month_end_roll_from_previous_year_needs_only_the_end_year():
    table = HolidayTable.build({2026}, HOLIDAYS_2026, WORKDAYS_2026)
    deadline = add_period(D("2025-12-31"), "1m", table)  # 2026-01-31 is a Saturday
    assert deadline.day == D("2026-02-02")


@pytest.mark.parametrize("start, months, expected", [
    ("2026-01-31", 1, "2026-02-28"), ("2024-01-31", 1, "2024-02-29"),
    ("2024-02-29", 12, "2025-02-28"), ("2026-08-31", 6, "2027-02-28"),
    ("2026-11-30", 3, "2027-02-28"), ("2026-05-15", 19, "2027-12-15"),
])
def test_add_months(start, months, expected):
    assert add_months(D(start), months) == D(expected)


def test_years_are_twelve_months():
    table = HolidayTable.build({2025}, [], [])
    assert add_period(D("2024-02-29"), "1y", table).day == D("2025-02-28")  # a Friday


@pytest.mark.parametrize("start, period, expected", [
    ("2026-09-29", "5wd", "2026-10-12"),  # across National Day, counting Saturday 10-10
    ("2026-09-18", "2wd", "2026-09-21"),  # Sunday 09-20 is worked
    ("2026-02-12", "3wd", "2026-02-24"),  # Saturday 02-14 worked, then Spring Festival
    ("2026-04-30", "7wd", "2026-05-13"),  # Labour Day, Saturday 05-09 worked
    ("2026-03-02", "5wd", "2026-03-09"),  # an ordinary week
    ("2026-10-01", "5wd", "2026-10-13"),  # start on a holiday: counting begins next day
    ("2026-03-06", "1wd", "2026-03-09"),
])
def test_working_days(table, start, period, expected):
    assert add_period(D(start), period, table).day == D(expected)
    amount = int(period[:-2])
    assert add_working_days(D(start), amount, table) == D(expected)


def test_working_days_rule_text(table):
    rule = add_period(D("2026-09-29"), "5wd", table).rule
    assert rule.startswith("5个工作日（行政处罚法第八十五条，不含法定节假日）")
    assert "计入调休上班日 2026-10-10" in rule and "届满日 2026-10-12" in rule
    assert "5 working days (Administrative Penalty Law art. 85" in rule


def test_every_calendar_deadline_is_the_first_working_day_on_or_after_nominal(table):
    for offset in range(0, 300, 3):
        start = D("2026-01-01") + timedelta(days=offset)
        for amount in (1, 2, 3, 5, 7, 10, 15, 30, 60):
            deadline = add_period(start, LegalPeriod(amount, "d"), table)
            assert deadline.nominal == start + timedelta(days=amount)
            assert table.is_working_day(deadline.day)
            day = deadline.nominal
            while day < deadline.day:
                assert not table.is_working_day(day)
                day += timedelta(days=1)


def test_every_working_day_deadline_counts_exactly_n(table):
    for offset in range(0, 330, 2):
        start = D("2026-01-01") + timedelta(days=offset)
        for amount in (2, 3, 5, 7, 10):
            end = add_working_days(start, amount, table)
            days = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
            assert sum(table.is_working_day(d) for d in days) == amount
            assert table.is_working_day(end)


@pytest.mark.parametrize("start, period", [
    ("2026-12-20", "30d"), ("2026-12-31", "1d"), ("2026-08-31", "6m"),
    ("2026-12-28", "5wd"), ("2025-06-01", "10d"),
])
def test_year_without_data_fails_closed(table, start, period):
    with pytest.raises(CalendarYearMissing) as info:
        add_period(D(start), period, table)
    assert isinstance(info.value, CaseworkError)
    message = str(info.value)
    assert str(info.value.year) in message and "set-year" in message and "casework init" in message


def test_is_working_day_fails_closed(table):
    with pytest.raises(CalendarYearMissing):
        table.is_working_day(D("2027-01-04"))


@pytest.mark.parametrize("text, amount, unit", [
    ("30d", 30, "d"), ("5wd", 5, "wd"), ("6m", 6, "m"), ("1y", 1, "y"), (" 15D ", 15, "d"),
    ("30日", 30, "d"), ("5工作日", 5, "wd"), ("5个工作日", 5, "wd"), ("6个月", 6, "m"),
    ("2年", 2, "y"),
])
def test_period_parse(text, amount, unit):
    period = LegalPeriod.parse(text)
    assert (period.amount, period.unit) == (amount, unit)
    assert LegalPeriod.parse(str(period)) == period


@pytest.mark.parametrize("text", ["30", "d", "5x", "0d", "-1d", "abc", "99999d", "1.5m", ""])
def test_period_parse_rejects(text):
    with pytest.raises(InvalidInput):
        LegalPeriod.parse(text)


def test_deadline_end_is_shanghai_midnight_in_utc(table):
    expected = datetime(2026, 10, 8, 16, 0, tzinfo=timezone.utc)
    assert deadline_end_utc(D("2026-10-08")) == expected
    assert add_period(D("2026-09-05"), "30d", table).end_utc == expected


def test_with_year_replaces_only_that_year(table):
    extended = table.with_year(2027, [D("2027-01-01")], [D("2027-01-09")])
    assert extended.years == {2026, 2027}
    assert not extended.is_working_day(D("2027-01-01"))
    assert extended.is_working_day(D("2027-01-09"))  # a Saturday made a working day
    assert not extended.is_working_day(D("2026-10-05"))
