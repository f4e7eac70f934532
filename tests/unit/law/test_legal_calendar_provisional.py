"""Provisional years: the holiday law bounds a year before its notice, checked 2015–2026."""
from __future__ import annotations

from datetime import date

import pytest

from casework.errors import InvalidInput
from casework.legal_calendar import BUREAU, PARTY, CalendarYearMissing, add_period, backtest
from casework.legal_calendar.holiday_law import law_for
from casework.legal_calendar.provisional import REST, UNCERTAIN, WORK, state

D = date.fromisoformat


@pytest.fixture(scope="module")
def truth():
    return backtest.true_table()


def test_backtest_every_year_every_kind_has_no_violation():
    # Every 9th start day of 2014-2026 (fast); `python -m bench.calendar` runs every day.
    result = backtest.run(step=9)
    assert result.checked > 8000
    assert result.violations == []
    figures = result.figures()
    assert figures["party_slack_worst_days"] > 0 and figures["bureau_slack_worst_days"] > 0


def test_the_law_in_force_decides_the_statutory_days():
    assert "2013" in law_for(2024).name and "2024" in law_for(2025).name
    assert law_for(2013) is None
    # 2027: 除夕 2027-02-05 is statutory under the 2024 revision; 5月2日 too.
    assert state(D("2027-02-05")).kind == REST and state(D("2027-02-05")).festival == "春节"
    assert state(D("2027-05-03")).kind == UNCERTAIN  # a bridge day a notice may give
    assert state(D("2024-02-09")).kind == UNCERTAIN  # 除夕 2024: not statutory under 2013
    assert state(D("2027-03-10")).kind == WORK and state(D("2027-03-13")).kind == REST


def test_direction_bounds_the_true_date(truth):
    guess = backtest.unpublished_from(truth, 2026)
    start = D("2026-02-05")  # 7 working days across Spring Festival 2026
    true_day = add_period(start, "7wd", truth).day
    party = add_period(start, "7wd", guess, PARTY)
    bureau = add_period(start, "7wd", guess, BUREAU)
    assert bureau.day <= true_day <= party.day
    assert party.provisional and party.other_day == bureau.day
    assert "【暂定】2026" in party.rule and "最晚" in party.rule
    assert "最早" in bureau.rule


def test_late_december_waits_for_next_years_notice(truth):
    guess = backtest.unpublished_from(truth, 2019)
    # 2018-12-29 (Saturday) was worked and 12-31 (Monday) rested under the 2019 notice.
    assert guess.is_provisional(D("2018-12-31")) and not guess.is_provisional(D("2018-12-27"))
    assert add_period(D("2018-12-20"), "11d", guess, PARTY).day >= D("2019-01-02")


def test_fail_closed_beyond_the_horizon_and_owed_by_checked(truth):
    guess = backtest.unpublished_from(truth, 2026)
    with pytest.raises(CalendarYearMissing):
        add_period(D("2040-01-01"), "30d", guess)
    with pytest.raises(InvalidInput):
        add_period(D("2026-01-01"), "30d", guess, "court")
