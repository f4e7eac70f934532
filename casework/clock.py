"""The one clock: UTC inside, Asia/Shanghai at the edges; tests travel with it."""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = timezone.utc


class Clock:
    """Wall-clock time in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class TravelClock(Clock):
    """A clock tests move by hand; it never advances by itself."""

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._now = as_utc(start) if start else datetime.now(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def travel_to(self, moment: datetime) -> None:
        with self._lock:
            self._now = as_utc(moment)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        step = delta if delta is not None else timedelta(**kwargs)
        self.travel_to(self.now() + step)
        return self.now()


_installed: Clock = Clock()


def install(clock: Clock) -> Clock:
    """Make `clock` the process-wide clock; returns the previous one."""
    global _installed
    previous, _installed = _installed, clock
    return previous


def current() -> Clock:
    return _installed


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return _installed.now()


def today_local() -> date:
    """Today's date in Asia/Shanghai: the day legal periods count from."""
    return now().astimezone(SHANGHAI).date()


def as_utc(moment: datetime) -> datetime:
    """Normalise to aware UTC; naive values are taken as UTC (how SQLite returns them)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(SHANGHAI)


def local_midnight_utc(day: date) -> datetime:
    """00:00 Asia/Shanghai on `day`, in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI).astimezone(UTC)


def end_of_local_day_utc(day: date) -> datetime:
    """24:00 Asia/Shanghai on `day` (a deadline day ends at its midnight), in UTC."""
    return local_midnight_utc(day + timedelta(days=1))


def format_local(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if moment is None else to_local(moment).strftime(fmt)


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 timestamp (as process data carries them) to aware UTC."""
    return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))


def format_deadline(moment: datetime | None) -> str:
    """A deadline ending at 24:00 local shows as that day (e.g. 2026-12-23 24:00)."""
    if moment is None:
        return ""
    return format_local_deadline(to_local(moment))


def format_local_deadline(local: datetime) -> str:
    """`format_deadline` of a moment already in local time."""
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return f"{(local - timedelta(days=1)).strftime('%Y-%m-%d')} 24:00"
    return local.strftime("%Y-%m-%d %H:%M")
