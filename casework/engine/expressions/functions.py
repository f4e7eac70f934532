"""The helpers expressions may call, as a value: `make_functions()` builds one set, the container
owns it and hands it to every step (nothing registers itself at import).

Each helper is bounded by its inputs before it runs (round(1, -10**9) would build 10**(10**9)).
Date helpers: ISO strings in, ISO strings out, on the travelable clock.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Callable

from casework import clock
from casework.engine.errors import ExpressionFailed
from casework.engine.expressions.evaluator import MAX_INT_BITS, Functions, bounded, format_bounded, reject

MAX_ROUND_DIGITS = 100  # round(x, n): |n| at most this


def _sum(values: Any, start: int | float = 0) -> int | float:
    """sum() over numbers only (list concatenation through sum is quadratic)."""
    if not isinstance(values, (list, tuple)) or not all(
            isinstance(v, (int, float)) for v in [*values, start]):
        raise reject("sum() takes a list of numbers only")
    return sum(values, start)


def _str(value: Any = "") -> str:
    return format_bounded(value)


def _round(number: Any, ndigits: Any = None) -> int | float:
    """round() with its digits bounded before it runs."""
    if not isinstance(number, (int, float)) or isinstance(number, bool):
        raise ExpressionFailed("round() takes a number")
    if ndigits is None:
        return round(number)
    if not isinstance(ndigits, int) or isinstance(ndigits, bool) or abs(ndigits) > MAX_ROUND_DIGITS:
        raise reject(f"round() digits must be an integer within ±{MAX_ROUND_DIGITS}")
    return round(number, ndigits)


def _float(value: Any = 0.0) -> float:
    if isinstance(value, str) and len(value) > 400:
        raise reject("float() of a text longer than 400 characters")
    return bounded(float(value))


def _int(value: Any = 0, *base: int) -> int:
    if isinstance(value, str) and len(value) > MAX_INT_BITS // 3:
        raise reject(f"int() of a text longer than {MAX_INT_BITS // 3} characters")
    return int(value, *base)


def _sorted(values: Any, *, reverse: bool = False) -> list:
    if not isinstance(values, (list, tuple, str, dict)):
        raise ExpressionFailed("sorted() takes a list")
    return sorted(values, reverse=bool(reverse))


def now_iso() -> str:
    """The current instant (the travelable clock) as an ISO UTC string."""
    return clock.now().replace(microsecond=0).isoformat()


def add_days_iso(start_iso: str, days: int | float) -> str:
    """`start_iso` plus calendar days (no holiday rollover), as an ISO UTC string."""
    if not isinstance(days, (int, float)) or abs(days) > 36_500:
        raise ValueError("days must be a number within 100 years")
    start = clock.as_utc(datetime.fromisoformat(str(start_iso)[:80]))
    return (start + timedelta(days=days)).isoformat()


def _no_calendar(start_iso: str, period: str) -> str:
    raise ExpressionFailed("deadline_iso 需要法定日历（由应用容器提供） / deadline_iso needs the legal calendar, "
                           "which the application container provides")


def make_functions(deadline_iso: Callable[[str, str], str] | None = None) -> Functions:
    """One read-only set of helpers; `deadline_iso(start_iso, period)` is the legal calendar's."""
    calendar = deadline_iso or _no_calendar

    def deadline(start_iso: str, period: str) -> str:
        """End of a legal period (working days, holiday rollover), ISO UTC."""
        if len(str(start_iso)) > 80 or len(str(period)) > 20:
            raise reject("deadline_iso() arguments too long")
        return calendar(str(start_iso), str(period))

    return MappingProxyType({
        "len": len, "min": min, "max": max, "abs": abs, "int": _int, "str": _str, "float": _float,
        "bool": bool, "round": _round, "sorted": _sorted, "sum": _sum,
        "now_iso": now_iso, "add_days_iso": add_days_iso, "deadline_iso": deadline,
    })


DEFAULT_FUNCTIONS = make_functions()  # for callers without a container (no legal calendar)
NAMES = frozenset(DEFAULT_FUNCTIONS)  # what deploy lets diagrams call
