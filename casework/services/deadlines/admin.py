"""Holiday notices in and provisional deadlines confirmed: `casework init` and `calendar set-year`."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Callable, Protocol

from casework.storage.holidays import SEED_ACTOR, require_schema, set_year
from casework.storage.holidays import seed_holidays as store_seed_holidays
from casework.services.deadlines.confirm import Moved, confirm_provisional

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from casework.legal_calendar import LegalCalendar
    from casework.storage.unit_of_work import UnitOfWork


class Container(Protocol):
    """What these steps use of a container (no import of the composition root)."""

    engine: Engine
    session_factory: sessionmaker[Session]
    calendar: LegalCalendar

    def uow(self) -> UnitOfWork: ...


def seed_holidays(container: Container, progress: Callable[[str], None] = print) -> str:
    """Seed chinesecalendar's years; when one arrives, confirm the provisional deadlines."""
    require_schema(container.engine)
    with container.uow() as uow:
        changed, summary = store_seed_holidays(uow.session, progress)
        uow.commit()
    if changed:
        moved = confirm_provisional(container.session_factory, container.calendar, SEED_ACTOR,
                                    f"chinesecalendar: years {', '.join(map(str, changed))}")
        if moved:
            for line in report_lines(moved):
                progress(line)
    return summary


def set_notice_year(container: Container, year: int, holidays: Iterable[date],
                    workdays: Iterable[date], source: str, actor: str) -> tuple[dict, list[Moved]]:
    """Enter a year's notice (audited), then confirm every open provisional deadline."""
    require_schema(container.engine)
    with container.uow() as uow:
        row = set_year(uow.session, year, holidays, workdays, source, actor)
        details = dict(row.details or {})
        uow.commit()
    moved = confirm_provisional(container.session_factory, container.calendar, actor,
                                f"{year}: {source}")
    return details, moved


def report_lines(moved: list[Moved]) -> list[str]:
    """One line per confirmed deadline: what moved, and why."""
    lines = []
    for item in moved:
        verb = "不变 / unchanged" if item.before == item.after else "移动 / moved"
        still = "（仍为暂定 / still provisional）" if item.still_provisional else ""
        lines.append(f"{item.case_ref}: {item.before} -> {item.after} {verb}{still}: {item.why}")
    moved_count = sum(1 for m in moved if m.before != m.after)
    lines.append(f"期限确认 / deadlines confirmed: {len(moved)} provisional, {moved_count} moved")
    return lines
