"""Adding legal periods: calendar days, working days, months and years, with rollover.

Rules (公安机关办理行政案件程序规定 art. 35, 民法典 art. 201-203, 行政处罚法 art. 85):
the start day is not counted; a period of days runs in calendar days, and when its
last day is a rest day (法定节假日 or weekend) it ends on the first working day after;
a period of months or years ends on the corresponding day of the last month, or that
month's last day where there is none, then rolls the same way; the 2/3/5/7-day
periods of the Administrative Penalty Law count working days only ("5wd"). An
adjusted working day (调休上班, a weekend worked in exchange) is a working day.

In a year whose holiday notice is not out (`HolidayTable.provisional`) the count is
provisional: a deadline owed by a party runs to its latest possible date, one owed by
the bureau to its earliest (`owed_by`), and the rule says so.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from casework import clock
from casework.errors import InvalidInput
from casework.legal_calendar.provisional import BUREAU, PARTY, check_owed_by
from casework.legal_calendar.table import HolidayTable, is_default_working_day

UNITS = ("d", "wd", "m", "y")
# Generous bounds that still stop a typo from walking a century of days.
MAX_AMOUNT = {"d": 3660, "wd": 1000, "m": 240, "y": 20}
_ALIASES = {"d": "d", "日": "d", "天": "d", "wd": "wd", "工作日": "wd", "个工作日": "wd",
            "m": "m", "月": "m", "个月": "m", "y": "y", "年": "y"}
_PATTERN = re.compile(r"^\s*(\d{1,5})\s*([a-z]+|[\u4e00-\u9fff]+)\s*$")


@dataclass(frozen=True)
class LegalPeriod:
    """A legal period: `amount` of `unit` (d calendar days, wd working days, m months, y years)."""

    amount: int
    unit: str

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise InvalidInput(f"期间单位无效：{self.unit!r}（可用 d、wd、m、y） / "
                               f"unknown period unit {self.unit!r} (use d, wd, m or y)")
        if not 1 <= self.amount <= MAX_AMOUNT[self.unit]:
            raise InvalidInput(f"期间长度须在 1 至 {MAX_AMOUNT[self.unit]} 之间：{self} / "
                               f"period amount must be 1..{MAX_AMOUNT[self.unit]}: {self}")

    @classmethod
    def parse(cls, text: str | LegalPeriod) -> LegalPeriod:
        """Parse "30d", "5wd", "6m", "1y" (also "30日", "5工作日", "6个月", "1年")."""
        if isinstance(text, LegalPeriod):
            return text
        match = _PATTERN.match(str(text).lower())
        unit = _ALIASES.get(match.group(2)) if match else None
        if match is None or unit is None:
            raise InvalidInput(f"无法识别的期间：{text!r}（例：30d、5wd、6m、1y） / "
                               f"cannot read period {text!r} (e.g. 30d, 5wd, 6m, 1y)")
        return cls(int(match.group(1)), unit)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    @property
    def label_zh(self) -> str:
        return {"d": f"{self.amount}日（日历日）", "wd": f"{self.amount}个工作日",
                "m": f"{self.amount}个月", "y": f"{self.amount}年"}[self.unit]

    @property
    def label_en(self) -> str:
        plural = "" if self.amount == 1 else "s"
        return {"d": f"{self.amount} calendar day{plural}",
                "wd": f"{self.amount} working day{plural}",
                "m": f"{self.amount} month{plural}", "y": f"{self.amount} year{plural}"}[self.unit]


@dataclass(frozen=True)
class Deadline:
    """The last day of a period and the rule that produced it (Chinese / English)."""

    day: date
    rule: str
    start: date
    period: LegalPeriod
    nominal: date  # the last day before any rollover
    owed_by: str = PARTY
    provisional_years: tuple[int, ...] = ()  # notices not out that the count went through
    other_day: date | None = None  # the date were it owed by the other side

    @property
    def rolled(self) -> bool:
        return self.day != self.nominal

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    @property
    def end_utc(self) -> datetime:
        return deadline_end_utc(self.day)


def deadline_end_utc(day: date) -> datetime:
    """The instant a deadline day ends: 24:00 Asia/Shanghai on `day`, in UTC."""
    return clock.end_of_local_day_utc(day)


def add_months(start: date, months: int) -> date:
    """The corresponding day `months` later, or that month's last day where there is none."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_working_days(start: date, count: int, table: HolidayTable,
                     owed_by: str = PARTY) -> date:
    """The `count`-th working day after `start` (start day not counted)."""
    return _working_days(start, count, table, owed_by)[0]


def add_period(start: date, period: LegalPeriod | str, table: HolidayTable,
               owed_by: str = PARTY) -> Deadline:
    """The deadline of `period` running from `start` under `table`, for whoever owes it."""
    period = LegalPeriod.parse(period)
    found = _add(start, period, table, check_owed_by(owed_by))
    years = _unpublished(table, start, found.day)
    if not years:
        return found
    other = _add(start, period, table, BUREAU if owed_by == PARTY else PARTY).day
    return _mark_provisional(found, years, other)


def _unpublished(table: HolidayTable, start: date, end: date) -> tuple[int, ...]:
    if not table.provisional:
        return ()
    first, last = table.notice_year(start + timedelta(days=1)), table.notice_year(end)
    return tuple(y for y in range(first, last + 1) if y not in table.years)


def _mark_provisional(found: Deadline, years: tuple[int, ...], other: date) -> Deadline:
    notice = "、".join(map(str, years))
    if found.owed_by == PARTY:
        zh = "按对当事人最有利的可能（最晚）日期计算"
        en = "counted to the latest possible date, in the party's favour"
    else:
        zh = "按机关须履行的最早可能日期计算"
        en = "counted to the earliest possible date the bureau may owe"
    span_zh = f"；公布后可能为 {other.isoformat()}" if other != found.day else "；公布后日期不变"
    span_en = f"; once published it may be {other}" if other != found.day else (
        "; the date holds whatever the notice says")
    rule = (f"【暂定】{notice} 年放假安排尚未公布，依《全国年节及纪念日放假办法》确定的法定"
            f"节假日{zh}{span_zh}。{found.rule} / [provisional] the {notice} holiday notice "
            f"is not out: statutory holidays from the holiday law, {en}{span_en}.")
    return Deadline(found.day, rule, found.start, found.period, found.nominal, found.owed_by,
                    years, other)


def _add(start: date, period: LegalPeriod, table: HolidayTable, owed_by: str) -> Deadline:
    if period.unit == "wd":
        return _add_wd(start, period, table, owed_by)
    if period.unit == "d":
        nominal = start + timedelta(days=period.amount)
        head_zh, head_en = "", ""
    else:
        months = period.amount * (12 if period.unit == "y" else 1)
        nominal = add_months(start, months)
        head_zh, head_en = f"到期月对应日 {nominal.isoformat()}", f"corresponding day {nominal}"
        if nominal.day != start.day:
            head_zh = f"到期月无 {start.day} 日，以月末 {nominal.isoformat()} 为最后一日"
            head_en = f"no day {start.day} in the last month, so its last day {nominal}"
    return _roll(start, period, nominal, table, owed_by, (head_zh, head_en))


def _roll(start: date, period: LegalPeriod, nominal: date, table: HolidayTable, owed_by: str,
          head: tuple[str, str]) -> Deadline:
    head_zh, head_en = head
    prefix_zh = f"{period.label_zh}：起算日 {start.isoformat()} 不计入，" + (
        f"{head_zh}，" if head_zh else "")
    prefix_en = f"{period.label_en} (start day {start} not counted): " + (
        f"{head_en}; " if head_en else "")
    if table.is_working_day(nominal, owed_by):
        if table.is_adjusted_workday(nominal, owed_by):
            zh = f"{nominal.isoformat()} 为调休上班日，是工作日，不顺延"
            en = f"{nominal} is an adjusted working day (调休), so it does not roll"
        else:
            zh = f"届满日 {nominal.isoformat()} 为工作日"
            en = f"ends {nominal}, a working day"
        return Deadline(nominal, f"{prefix_zh}{zh} / {prefix_en}{en}", start, period, nominal,
                        owed_by)
    day = table.next_working_day(nominal, owed_by)
    why_zh, why_en = table.describe_rest(nominal)
    rule = (f"{prefix_zh}{why_zh}，顺延至 {day.isoformat()} / "
            f"{prefix_en}{why_en}; moved to the first working day after, {day}")
    return Deadline(day, rule, start, period, nominal, owed_by)


def _add_wd(start: date, period: LegalPeriod, table: HolidayTable, owed_by: str) -> Deadline:
    day, skipped, adjusted = _working_days(start, period.amount, table, owed_by)
    zh = (f"{period.label_zh}（行政处罚法第八十五条，不含法定节假日）：起算日 {start.isoformat()}"
          f" 不计入，跳过休息日 {len(skipped)} 天")
    en = (f"{period.label_en} (Administrative Penalty Law art. 85, holidays excluded; "
          f"start day {start} not counted): {len(skipped)} rest day(s) skipped")
    holidays = [d for d in skipped if is_default_working_day(d)]
    if holidays:
        span = f"{holidays[0].isoformat()}…{holidays[-1].isoformat()}"
        zh += f"（其间法定休假日 {span}）"
        en += f" (statutory holidays {span})"
    if adjusted:
        listed = "、".join(d.isoformat() for d in adjusted)
        maybe = any(table.is_provisional(d) for d in adjusted)  # a notice may still decide
        zh += f"，计入{'可能的' if maybe else ''}调休上班日 {listed}"
        en += (f", {'possible ' if maybe else ''}adjusted working day(s) "
               f"{', '.join(d.isoformat() for d in adjusted)} counted")
    rule = f"{zh}，届满日 {day.isoformat()} / {en}; ends {day}"
    return Deadline(day, rule, start, period, day, owed_by)


def _working_days(start: date, count: int, table: HolidayTable, owed_by: str = PARTY
                  ) -> tuple[date, list[date], list[date]]:
    if count < 1:
        raise InvalidInput(f"工作日数须至少为 1：{count} / working-day count must be >= 1: {count}")
    probe, counted, skipped, adjusted = start, 0, [], []
    while counted < count:
        probe += timedelta(days=1)
        if table.is_working_day(probe, owed_by):
            counted += 1
            if table.is_adjusted_workday(probe, owed_by):
                adjusted.append(probe)
        else:
            skipped.append(probe)
    return probe, skipped, adjusted

