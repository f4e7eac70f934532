"""The years the `chinesecalendar` package carries, as exceptions to the Mon–Fri week."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import chinese_calendar
from chinese_calendar import constants as cc_constants

from casework.legal_calendar.table import HolidayTable, is_default_working_day

SEED_SOURCE = "chinesecalendar"
_ZH_NAMES = {h.value: h.chinese for h in cc_constants.Holiday}


@dataclass(frozen=True)
class YearData:
    """One year's exceptions to the default week, as the database stores them."""

    year: int
    holidays: tuple[date, ...]  # weekday rest days (法定节假日 on Mon-Fri)
    workdays: tuple[date, ...]  # weekend working days (调休上班)
    names: Mapping[date, str]

    @property
    def digest(self) -> str:
        body = json.dumps([[d.isoformat() for d in self.holidays],
                           [d.isoformat() for d in self.workdays]])
        return hashlib.sha256(body.encode()).hexdigest()


def package_version() -> str:
    return f"chinesecalendar {getattr(chinese_calendar, '__version__', '?')}"


def package_years() -> dict[int, YearData]:
    """The years chinesecalendar covers, keeping only days that differ from Mon-Fri/Sat-Sun."""
    years: dict[int, dict[str, list]] = {}
    names: dict[date, str] = {}
    for day, english in cc_constants.holidays.items():
        years.setdefault(day.year, {"h": [], "w": []})
        if is_default_working_day(day):
            years[day.year]["h"].append(day)
            names[day] = _ZH_NAMES.get(english, english)
    for day, english in cc_constants.workdays.items():
        years.setdefault(day.year, {"h": [], "w": []})
        if not is_default_working_day(day):
            years[day.year]["w"].append(day)
            names[day] = f"{_ZH_NAMES.get(english, english)}调休上班"
    return {
        year: YearData(year, tuple(sorted(v["h"])), tuple(sorted(v["w"])),
                       {d: names[d] for d in v["h"] + v["w"]})
        for year, v in sorted(years.items())
    }


def package_table(provisional: bool = True) -> HolidayTable:
    """The package's years as a table (what `casework init` seeds), without a database."""
    data = package_years().values()
    return HolidayTable.build({y.year for y in data}, [d for y in data for d in y.holidays],
                              [d for y in data for d in y.workdays],
                              {d: n for y in data for d, n in y.names.items()}, provisional)
