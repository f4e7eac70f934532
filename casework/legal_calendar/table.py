"""The holiday table: which days are working days, for the years we have data for."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from casework.errors import CaseworkError
from casework.legal_calendar.provisional import BUREAU, PARTY, REST, UNCERTAIN, WORK, DayState
from casework.legal_calendar.provisional import covered as law_covers
from casework.legal_calendar.provisional import state as law_state

PROVISIONAL_YEARS = 5  # how far past the last published notice the law alone may bound
WEEKDAY_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
WEEKDAY_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CalendarYearMissing(CaseworkError):
    """A deadline needs a day in a year whose holiday arrangement is not loaded."""

    status = 409

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year} 年的法定节假日安排尚未录入，不能计算期限（期限不得猜测）；"
            f"请管理员按国务院办公厅当年的放假通知录入："
            f"`casework calendar set-year {year} --holidays ... --workdays ... --source ...`，"
            f"或升级 chinesecalendar 后运行 `casework init`。"
            f" / No holiday data for {year}: deadlines there are refused rather than guessed. "
            f"Add the year from the State Council's holiday notice with "
            f"`casework calendar set-year {year} ...` (service: storage.holidays.set_year), "
            f"or upgrade chinesecalendar and run `casework init`."
        )


def is_default_working_day(day: date) -> bool:
    """Monday to Friday work, Saturday and Sunday rest: the rule before exceptions."""
    return day.weekday() < 5


@dataclass(frozen=True)
class HolidayTable:
    """Exceptions to the Mon-Fri week (holidays, 调休 workdays) plus the years they cover.

    `overrides` maps a day to whether it is a working day; only days that differ from
    the default week need to be there. A year not in `years` is unknown: any question
    about one of its days raises CalendarYearMissing, unless `provisional` is set and the
    year comes after the last one published: then the holiday law bounds it
    (`provisional.state`) and callers say whose deadline it is (`owed_by`: an uncertain
    day is rest for a party's deadline, work for the bureau's).
    """

    overrides: Mapping[date, bool] = field(default_factory=dict)
    years: frozenset[int] = frozenset()
    names: Mapping[date, str] = field(default_factory=dict)
    provisional: bool = False

    @classmethod
    def build(cls, years: Iterable[int], holidays: Iterable[date] = (),
              workdays: Iterable[date] = (), names: Mapping[date, str] | None = None,
              provisional: bool = False) -> HolidayTable:
        """A table from lists of rest days (holidays) and adjusted working days."""
        overrides: dict[date, bool] = {}
        for day in holidays:
            overrides[day] = False
        for day in workdays:
            overrides[day] = True
        return cls(overrides=overrides, years=frozenset(years), names=dict(names or {}),
                   provisional=provisional)

    def covers(self, year: int) -> bool:
        return year in self.years

    def notice_year(self, day: date) -> int:
        """The year whose notice arranges `day` (late December belongs to next 元旦)."""
        if (self.provisional and day.month == 12 and day.day >= 28
                and day.year + 1 not in self.years and day.year + 1 > self.last_year):
            return day.year + 1
        return day.year

    @property
    def last_year(self) -> int:
        return max(self.years, default=0)

    def is_provisional(self, day: date) -> bool:
        """True when `day` lies in a year whose notice is not in the table yet."""
        year = self.notice_year(day)
        if year in self.years:
            return False
        if (self.provisional and self.last_year < year <= self.last_year + PROVISIONAL_YEARS
                and law_covers(year)):
            return True
        raise CalendarYearMissing(year)

    def require(self, day: date) -> None:
        """Fail closed when `day` lies in a year without data (and no provisional bound)."""
        self.is_provisional(day)

    def state(self, day: date) -> DayState:
        """REST, WORK or UNCERTAIN (only in a provisional year), with the festival named."""
        if self.is_provisional(day):
            return law_state(day)
        override = self.overrides.get(day)
        working = is_default_working_day(day) if override is None else override
        return DayState(WORK if working else REST, self.names.get(day, ""))

    def is_working_day(self, day: date, owed_by: str = PARTY) -> bool:
        """True on working days (incl. 调休 Saturdays); False on 法定休假日 and weekends.

        An uncertain day of a provisional year is rest for a party's deadline and work
        for the bureau's (`owed_by`), so neither side is told it has more time than it has.
        """
        kind = self.state(day).kind
        return kind == WORK or (kind == UNCERTAIN and owed_by == BUREAU)

    def is_adjusted_workday(self, day: date, owed_by: str = PARTY) -> bool:
        """A weekend day worked in exchange for a holiday (调休上班), or possibly so."""
        return not is_default_working_day(day) and self.is_working_day(day, owed_by)

    def next_working_day(self, day: date, owed_by: str = PARTY) -> date:
        """The first working day strictly after `day`."""
        probe = day + timedelta(days=1)
        while not self.is_working_day(probe, owed_by):
            probe += timedelta(days=1)
        return probe

    def describe_rest(self, day: date) -> tuple[str, str]:
        """Why `day` is a rest day, as (Chinese, English)."""
        name = self.names.get(day, "")
        if self.is_provisional(day):
            found = law_state(day)
            if found.kind == UNCERTAIN and is_default_working_day(day):
                return (f"{day.isoformat()} 可能因{found.festival}放假（{self.notice_year(day)} 年"
                        "放假安排尚未公布，按可能的休息日计）",
                        f"{day.isoformat()} may be a holiday near {found.festival} (the "
                        f"{self.notice_year(day)} notice is not out; counted as a rest day)")
            if found.kind == REST and found.festival and is_default_working_day(day):
                return (f"{day.isoformat()} 为法定休假日（{found.festival}，{found.law}第二条）",
                        f"{day.isoformat()} is a statutory holiday ({found.festival}, "
                        "holiday law art. 2)")
        if self.overrides.get(day) is False:
            zh = f"{day.isoformat()} 为法定休假日" + (f"（{name}）" if name else "")
            en = f"{day.isoformat()} is a statutory holiday" + (f" ({name})" if name else "")
            return zh, en
        wd = day.weekday()
        return (f"{day.isoformat()} 为休息日（{WEEKDAY_ZH[wd]}）",
                f"{day.isoformat()} is a weekend rest day ({WEEKDAY_EN[wd]})")

    def with_year(self, year: int, holidays: Iterable[date], workdays: Iterable[date],
                  names: Mapping[date, str] | None = None) -> HolidayTable:
        """A copy with `year` replaced by the given rest days and adjusted workdays."""
        overrides = {d: w for d, w in self.overrides.items() if d.year != year}
        kept_names = {d: n for d, n in self.names.items() if d.year != year}
        for day in holidays:
            overrides[day] = False
        for day in workdays:
            overrides[day] = True
        kept_names.update(names or {})
        return HolidayTable(overrides, self.years | {year}, kept_names, self.provisional)
