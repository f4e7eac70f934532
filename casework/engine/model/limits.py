"""Bounds on timer texts, checked before SpiffWorkflow computes anything from them.

The library steps through a duration a month at a time and overflows on far dates, so a
duration over a century, a cycle without a count (or of zero length) and an instant outside
1900-9000 are refused, at deploy for literals and when the timer starts for expressions.
"""
from __future__ import annotations

import re
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from casework.engine.errors import ExpressionFailed

MAX_DURATION_DAYS = 100 * 366  # the longest timer duration: a century
MAX_CYCLES = 1_000  # repetitions of a timeCycle
MIN_YEAR, MAX_YEAR = 1900, 9000  # instants a timer may name
_DAYS = {"years": 366, "months": 31, "weeks": 7, "days": 1, "hours": 1 / 24, "minutes": 1 / 1440,
         "seconds": 1 / 86400}
_COUNT = re.compile(r"^\d{1,7}$")


def _fail(zh: str, en: str) -> ExpressionFailed:
    return ExpressionFailed(f"{zh} / {en}")


def parse_duration(text: str) -> dict[str, float]:
    """An ISO 8601 duration as SpiffWorkflow's dict, refused when malformed or over a century."""
    raw = (text or "").strip()
    if len(raw) > 60:
        raise _fail(f"时长文字过长：{raw[:40]!r}", f"duration text too long: {raw[:40]!r}")
    try:
        parsed = TimerEventDefinition.parse_iso_duration(raw)
    except Exception:  # the library raises bare Exception for bad durations
        raise _fail(f"不是合法的 ISO 8601 时长：{raw!r}", f"not an ISO 8601 duration: {raw!r}") from None
    if not raw.upper().startswith("P") or not parsed:
        raise _fail(f"不是合法的 ISO 8601 时长：{raw!r}", f"not an ISO 8601 duration: {raw!r}")
    days = sum(float(value) * _DAYS[name] for name, value in parsed.items())
    if days > MAX_DURATION_DAYS:
        raise _fail(f"时长 {raw} 超过 100 年", f"duration {raw} is longer than 100 years")
    return parsed


def parse_cycle_text(text: str) -> tuple[int, str | None, dict[str, float]]:
    """`R<n>/<duration>` or `R<n>/<start>/<duration>`: (count, start text or None, duration)."""
    raw = (text or "").strip().upper().replace("--", "/")
    parts = raw.split("/")
    if not parts[0].startswith("R") or len(parts) not in (2, 3):
        raise _fail(f"不是合法的 ISO 8601 循环：{raw!r}", f"not an ISO 8601 cycle (R<n>/<duration>): {raw!r}")
    count = parts[0][1:]
    if not _COUNT.match(count):
        raise _fail(f"循环 {raw} 须写明次数（R<n>/…），不允许无限循环",
                    f"cycle {raw} must give its count (R<n>/...): unbounded cycles are not allowed")
    cycles = int(count)
    if not 1 <= cycles <= MAX_CYCLES:
        raise _fail(f"循环次数 {cycles} 须在 1 到 {MAX_CYCLES} 之间", f"cycle count {cycles} must be 1 to {MAX_CYCLES}")
    duration = parse_duration(parts[-1])
    if not any(float(v) > 0 for v in duration.values()):
        raise _fail(f"循环 {raw} 的间隔为零", f"cycle {raw} has a zero-length interval")
    start = parts[1] if len(parts) == 3 else None
    if start is not None:
        check_instant(parse_iso_instant(start))
    return cycles, start, duration


def parse_iso_instant(text: str) -> datetime:
    value = (text or "").strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(value)
    except (ValueError, OverflowError):
        raise _fail(f"无法识别的时间：{text!r}", f"not an ISO date-time: {text!r}") from None


def check_instant(value: datetime) -> datetime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise _fail(f"时间 {value.isoformat()} 超出 {MIN_YEAR}–{MAX_YEAR} 年",
                    f"instant {value.isoformat()} is outside the years {MIN_YEAR}-{MAX_YEAR}")
    return value
