"""What the holiday law fixes before the yearly notice, as data (全国年节及纪念日放假办法).

Each revision lists the festivals of 第二条: an anchor (a solar date, a lunar date or the
清明 solar term), the statutory rest days as offsets from it, and two windows around it
that a yearly notice of 国务院办公厅 may rearrange: weekdays in `rest_window` may become
rest days (补假 under 第六条, bridge days of 调休), weekend days in `work_window` may become
working days (调休上班). Outside those windows a notice changes nothing. The windows are
the widest seen in the notices 2014–2026 (see the backtest, `bench/calendar.py`) plus a
margin: 调休 under 第七条 keeps working stretches to about six days, so a worked weekend
lies within about two weeks of its holiday.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Festival:
    """One holiday of 第二条 and the days a notice may rearrange around it."""

    key: str
    name_zh: str
    anchor: str  # "solar:MM-DD", "lunar:MM-DD" or "term:清明"
    statutory: tuple[int, ...]  # offsets from the anchor: days off by law
    rest_window: tuple[int, int]  # weekdays a notice may make rest days
    work_window: tuple[int, int]  # weekend days a notice may make working days


@dataclass(frozen=True)
class HolidayLaw:
    """One revision of the law: in force from `in_force`, for the festivals of that year on."""

    name: str
    citation: str
    in_force: date
    festivals: tuple[Festival, ...]


def _festivals(spring: tuple[int, ...], labour: tuple[int, ...]) -> tuple[Festival, ...]:
    return (
        Festival("new_year", "元旦", "solar:01-01", (0,), (-2, 3), (-4, 4)),
        Festival("spring", "春节", "lunar:01-01", spring, (-3, 8), (-8, 12)),
        Festival("qingming", "清明节", "term:清明", (0,), (-2, 3), (-4, 4)),
        Festival("labour", "劳动节", "solar:05-01", labour, (-2, 5), (-10, 11)),
        Festival("dragon_boat", "端午节", "lunar:05-05", (0,), (-2, 3), (-4, 4)),
        Festival("mid_autumn", "中秋节", "lunar:08-15", (0,), (-2, 3), (-6, 6)),
        Festival("national", "国庆节", "solar:10-01", (0, 1, 2), (-2, 8), (-12, 12)),
    )


REVISIONS = (
    HolidayLaw(
        "全国年节及纪念日放假办法（2013年修订）",
        "国务院令第644号，第二条（春节：正月初一至初三；劳动节：5月1日）、第六条（补假）",
        date(2014, 1, 1), _festivals(spring=(0, 1, 2), labour=(0,))),
    HolidayLaw(
        "全国年节及纪念日放假办法（2024年修订）",
        "国务院令第795号，第二条（春节：除夕、正月初一至初三；劳动节：5月1日、2日）、"
        "第六条（补假）、第七条（调休，连续工作一般不超过6天）",
        date(2025, 1, 1), _festivals(spring=(-1, 0, 1, 2), labour=(0, 1))),
)

# One-off holidays decided outside the yearly notice; no law foresees them.
AD_HOC = {
    date(2015, 9, 3): "国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知",
    date(2015, 9, 4): "国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知",
    date(2015, 9, 6): "国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知",
}


def law_for(year: int) -> HolidayLaw | None:
    """The revision in force for the festivals of `year`, or None before 2014."""
    found = None
    for law in REVISIONS:
        if date(year, 1, 1) >= law.in_force:
            found = law
    return found
