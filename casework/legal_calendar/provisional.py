"""Days of a year whose holiday notice is not out yet: surely rest, surely work, or uncertain.

The statutory days come from the law in force (`holiday_law`) with lunar dates from
`lunardate` and 清明 from chinesecalendar's solar terms; every other day is the plain
Mon–Fri week unless it lies in a window a notice may rearrange. A deadline owed by a
party counts an uncertain day as rest (its latest possible date), one owed by the bureau
counts it as work (its earliest possible date).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from chinese_calendar import get_solar_terms
from lunardate import LunarDate

from casework.errors import InvalidInput
from casework.legal_calendar.holiday_law import Festival, HolidayLaw, law_for

REST, WORK, UNCERTAIN = "rest", "work", "uncertain"
PARTY, BUREAU = "party", "bureau"  # who owes the act a deadline is for
OWED_BY = (PARTY, BUREAU)
FIRST_LUNAR_YEAR, LAST_LUNAR_YEAR = 1901, 2099  # what lunardate covers


@dataclass(frozen=True)
class DayState:
    """What the law alone says of a day: `kind` REST, WORK or UNCERTAIN, and why."""

    kind: str
    festival: str = ""  # 春节, 国庆节, … when the day is near one
    law: str = ""


def anchor_day(festival: Festival, year: int) -> date:
    """The day a festival's offsets count from in `year`."""
    kind, _, value = festival.anchor.partition(":")
    if kind == "solar":
        month, day = map(int, value.split("-"))
        return date(year, month, day)
    if kind == "lunar":
        month, day = map(int, value.split("-"))
        return LunarDate(year, month, day).to_solar_date()
    terms = get_solar_terms(date(year, 4, 1), date(year, 4, 10))
    return next(day for day, name in terms if name == value)


def covered(year: int) -> bool:
    """Whether the law and the lunar tables let us bound `year` (else fail closed)."""
    return law_for(year) is not None and FIRST_LUNAR_YEAR < year < LAST_LUNAR_YEAR


@lru_cache(maxsize=32)
def festival_days(year: int) -> dict[date, DayState]:
    """Days near the festivals of `year` (may reach into late December of year-1)."""
    law = law_for(year)
    if law is None:
        return {}
    found: dict[date, DayState] = {}
    for festival in law.festivals:
        _mark(found, festival, anchor_day(festival, year), law)
    return found


def _mark(found: dict[date, DayState], festival: Festival, anchor: date, law: HolidayLaw) -> None:
    def put(day: date, kind: str) -> None:
        if found.get(day, DayState(WORK)).kind != REST:  # statutory rest wins
            found[day] = DayState(kind, festival.name_zh, law.name)

    for offset in range(festival.work_window[0], festival.work_window[1] + 1):
        day = anchor + timedelta(days=offset)
        if day.weekday() >= 5:
            put(day, UNCERTAIN)
    for offset in range(festival.rest_window[0], festival.rest_window[1] + 1):
        day = anchor + timedelta(days=offset)
        if day.weekday() < 5:
            put(day, UNCERTAIN)
    for offset in festival.statutory:
        put(anchor + timedelta(days=offset), REST)


def state(day: date) -> DayState:
    """The law's answer for `day` in a year without a notice."""
    # Next year's 元旦 window reaches into December; statutory rest wins over uncertain.
    found = [s for y in (day.year, day.year + 1) if (s := festival_days(y).get(day))]
    if found:
        return min(found, key=lambda s: s.kind != REST)
    return DayState(WORK if day.weekday() < 5 else REST)


def check_owed_by(owed_by: str) -> str:
    if owed_by not in OWED_BY:
        raise InvalidInput(f"期限归属无效：{owed_by!r}（party 当事人 / bureau 机关） / "
                           f"owed_by must be party or bureau, got {owed_by!r}")
    return owed_by
