"""Backtest of provisional years: pretend a published year is not, compare with the notice.

For each year Y, the table keeps the notices before Y and bounds Y (and later) by the
holiday law in force (`holiday_law`); every period kind is computed from every start day
of Y-1 and Y, for a party (must be >= the true date) and for the bureau (must be <=).
The truth is the yearly notices as chinesecalendar carries them, without the one-off
holidays of `holiday_law.AD_HOC` (no law or yearly notice foresees those).
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

from casework.legal_calendar.holiday_law import AD_HOC
from casework.legal_calendar.package import package_years
from casework.legal_calendar.periods import add_period
from casework.legal_calendar.provisional import BUREAU, PARTY
from casework.legal_calendar.table import CalendarYearMissing, HolidayTable

KINDS = ("15d", "30d", "60d", "90d", "6m", "2wd", "3wd", "5wd", "7wd", "15wd")
YEARS = tuple(range(2015, 2027))


@dataclass
class Result:
    """Violations and slack (days between provisional and true date) per direction."""

    checked: int = 0
    violations: list[tuple] = field(default_factory=list)
    slack: dict[str, list[int]] = field(default_factory=lambda: {PARTY: [], BUREAU: []})

    def figures(self) -> dict[str, float]:
        out: dict[str, float] = {"provisional_backtest_checked": self.checked,
                                 "provisional_backtest_violations": len(self.violations)}
        for side, values in self.slack.items():
            out[f"{side}_slack_median_days"] = statistics.median(values) if values else 0
            out[f"{side}_slack_mean_days"] = round(statistics.fmean(values), 2) if values else 0
            out[f"{side}_slack_worst_days"] = max(values, default=0)
        return out


def true_table() -> HolidayTable:
    """Every yearly notice chinesecalendar carries (one-off holidays left out)."""
    data = package_years().values()
    holidays = [d for y in data for d in y.holidays if d not in AD_HOC]
    workdays = [d for y in data for d in y.workdays if d not in AD_HOC]
    return HolidayTable.build({y.year for y in data}, holidays, workdays)


def unpublished_from(truth: HolidayTable, year: int) -> HolidayTable:
    """The table as it stood before `year`'s notice: later days bounded by the law."""
    def before(day: date) -> bool:  # late December belongs to next year's 元旦 notice
        return day.year < year - 1 or (day.year == year - 1 and (day.month, day.day) < (12, 28))

    overrides = {d: w for d, w in truth.overrides.items() if before(d)}
    return HolidayTable(overrides, frozenset(y for y in truth.years if y < year), {},
                        provisional=True)


def run(years: tuple[int, ...] = YEARS, kinds: tuple[str, ...] = KINDS, step: int = 1) -> Result:
    """Compare every `step`-th start day of Y-1 and Y for each year Y."""
    truth, result = true_table(), Result()
    for year in years:
        guess = unpublished_from(truth, year)
        day, last = date(year - 1, 1, 1), date(year, 12, 31)
        while day <= last:
            for kind in kinds:
                _check(result, guess, truth, day, kind, year)
            day += timedelta(days=step)
    return result


def _check(result: Result, guess: HolidayTable, truth: HolidayTable, start: date, kind: str,
           year: int) -> None:
    try:
        true_day = add_period(start, kind, truth).day
    except CalendarYearMissing:
        return  # runs past the last published year: nothing to compare with
    for side in (PARTY, BUREAU):
        found = add_period(start, kind, guess, side)
        if not found.provisional:
            continue
        result.checked += 1
        gap = (found.day - true_day).days
        if (side == PARTY and gap < 0) or (side == BUREAU and gap > 0):
            result.violations.append((year, start, kind, side, found.day, true_day))
        result.slack[side].append(abs(gap))
