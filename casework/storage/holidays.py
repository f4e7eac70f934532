"""Database side of the legal calendar: seed, load and set years; takes sessions, not a container."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Callable

from sqlalchemy import delete, inspect, select
from sqlalchemy.exc import OperationalError

from casework import audit, clock
from casework.errors import CaseworkError, InvalidInput
from casework.legal_calendar.active import SESSION_KEY, CalendarNotLoaded, LegalCalendar
from casework.legal_calendar.package import SEED_SOURCE, YearData, package_version, package_years
from casework.legal_calendar.table import HolidayTable, is_default_working_day
from casework.models.registry import CalendarYear, HolidayDay

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session, sessionmaker

    Factory = sessionmaker[Session]

SEED_ACTOR = "system:seed"


def seed_holidays(session: Session, progress: Callable[[str], None] = print
                  ) -> tuple[list[int], str]:
    """Load chinesecalendar's years (the caller commits): (years changed, summary).

    Idempotent; a year an administrator set is left alone.
    """
    data = package_years()
    version = package_version()
    existing = {row.year: row for row in session.scalars(select(CalendarYear))}
    changed = []
    for year, year_data in data.items():
        row = existing.get(year)
        if row is not None and row.source != SEED_SOURCE:
            continue  # set by an administrator: theirs wins
        if row is not None and (row.details or {}).get("digest") == year_data.digest:
            continue
        _replace_year(session, year_data, SEED_SOURCE, {"package": version})
        changed.append(year)
    if changed:
        audit.record(session, SEED_ACTOR, "calendar.seeded", "calendar",
                     {"years": changed, "package": version})
    span = f"{min(data)}–{max(data)}" if data else "none"
    if changed:
        progress(f"holidays: loaded {len(changed)} year(s) from {version}")
        return changed, f"holidays {span} ({len(changed)} loaded)"
    return changed, f"holidays {span} (up to date)"


def load_table(session: Session) -> HolidayTable:
    """The holiday table as stored, provisional after the last year published."""
    years = frozenset(session.scalars(select(CalendarYear.year)))
    overrides, names = {}, {}
    for row in session.scalars(select(HolidayDay)):
        overrides[row.day] = row.is_working_day
        if row.name:
            names[row.day] = row.name
    return HolidayTable(overrides=overrides, years=years, names=names, provisional=True)


def require_schema(bind: Engine) -> None:
    """CalendarNotLoaded (run `casework init`) when the holiday tables do not exist yet."""
    try:
        if not inspect(bind).has_table(CalendarYear.__tablename__):
            raise CalendarNotLoaded()
    except OperationalError as exc:
        raise _unreadable(exc) from exc


def _unreadable(exc: OperationalError) -> CaseworkError:
    first = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
    return CaseworkError(f"无法读取数据库 / cannot read the database: {first}")


def read_table(session_factory: Factory) -> HolidayTable:
    """`load_table` in its own session; CalendarNotLoaded if the database has no years."""
    require_schema(session_factory.kw["bind"])
    try:
        with session_factory() as session:
            table = load_table(session)
    except OperationalError as exc:
        raise _unreadable(exc) from exc
    if not table.years:
        raise CalendarNotLoaded()
    return table


def calendar_for(session_factory: Factory) -> LegalCalendar:
    """A calendar loading from this database on first use (what a container owns)."""
    return LegalCalendar(lambda: read_table(session_factory))


def calendar_of(session: Session) -> LegalCalendar:
    """The calendar of the container that made `session`, else one over this session's table.

    A calendar not loaded yet (or stale) loads through `session` itself: no second
    connection while the caller's transaction may hold a write lock.
    """
    found = session.info.get(SESSION_KEY)
    if found is None:
        found = LegalCalendar(table=load_table(session))
        session.info[SESSION_KEY] = found
    elif found.needs_load():
        found.install(load_table(session))
    return found


def set_year(session: Session, year: int, holidays: Iterable[date], workdays: Iterable[date],
             source: str, actor: str, names: Mapping[date, str] | None = None) -> CalendarYear:
    """Replace one year's holiday arrangement (e.g. from the State Council notice); audited.

    `holidays`: the rest days of the notice (weekend days among them are accepted and not
    stored, being rest days anyway); `workdays`: the 调休 weekend days worked. The caller's
    unit of work commits; afterwards `LegalCalendar.refresh()` the container's calendar.
    """
    holidays, workdays = sorted(set(holidays)), sorted(set(workdays))
    source = (source or "").strip()
    if not 1949 <= int(year) <= 2200:
        raise InvalidInput(f"年份无效：{year} / invalid year: {year}")
    if not source or len(source) > 60:
        raise InvalidInput("请注明来源（如国务院办公厅通知文号，最多 60 字） / "
                           "give the source (e.g. the State Council notice number, ≤60 chars)")
    stray = [d for d in holidays + workdays if d.year != year]
    if stray:
        raise InvalidInput(f"日期不在 {year} 年内：{', '.join(map(str, stray))} / "
                           f"dates outside {year}: {', '.join(map(str, stray))}")
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise InvalidInput(f"同一天既是休假日又是上班日：{', '.join(map(str, both))} / "
                           f"days both holiday and workday: {', '.join(map(str, both))}")
    weekday_work = [d for d in workdays if is_default_working_day(d)]
    if weekday_work:
        raise InvalidInput(
            f"调休上班日应为周六或周日：{', '.join(map(str, weekday_work))} / "
            f"adjusted working days must be weekend days: {', '.join(map(str, weekday_work))}")
    weekday_rest = tuple(d for d in holidays if is_default_working_day(d))
    if not weekday_rest:
        raise InvalidInput(f"{year} 年没有落在工作日的休假日，请检查 / "
                           f"no holiday of {year} falls on a weekday: check the list")
    data = YearData(year, weekday_rest, tuple(workdays), dict(names or {}))
    previous = _summary(session, year)
    row = _replace_year(session, data, source, {"set_by": actor})
    audit.record(session, actor, "calendar.year_set", f"calendar_year:{year}", {
        "source": source,
        "holidays": [d.isoformat() for d in data.holidays],
        "workdays": [d.isoformat() for d in data.workdays],
        "weekend_holidays_not_stored": len(holidays) - len(weekday_rest),
        "previous": previous,
    })
    return row


def _summary(session: Session, year: int) -> dict | None:
    row = session.get(CalendarYear, year)
    if row is None:
        return None
    days = session.scalars(select(HolidayDay).where(
        HolidayDay.day >= date(year, 1, 1), HolidayDay.day <= date(year, 12, 31))).all()
    return {"source": row.source,
            "holidays": [d.day.isoformat() for d in days if not d.is_working_day],
            "workdays": [d.day.isoformat() for d in days if d.is_working_day]}


def _replace_year(session: Session, data: YearData, source: str, details: dict) -> CalendarYear:
    year = data.year
    session.execute(delete(HolidayDay).where(
        HolidayDay.day >= date(year, 1, 1), HolidayDay.day <= date(year, 12, 31)))
    session.add_all(
        [HolidayDay(day=d, is_working_day=False, name=data.names.get(d, "")[:60], source=source)
         for d in data.holidays]
        + [HolidayDay(day=d, is_working_day=True, name=data.names.get(d, "")[:60], source=source)
           for d in data.workdays])
    row = session.get(CalendarYear, year)
    if row is None:
        row = CalendarYear(year=year, source=source, loaded_at=clock.now())
        session.add(row)
    row.source, row.loaded_at = source, clock.now()
    row.details = {**details, "digest": data.digest,
                   "holidays": len(data.holidays), "workdays": len(data.workdays)}
    session.flush()
    return row
