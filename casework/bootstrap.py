"""The composition root: the one place that picks database, file store and clock."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from casework import clock as clock_module
from casework.audit import ANCHOR_INFO
from casework.config import Settings
from casework.engine.expressions.actions import DECLARED, Actions
from casework.engine.expressions.functions import make_functions
from casework.storage.db import make_engine, make_session_factory
from casework.storage.files import FileStore
from casework.integrity import AnchorOpener
from casework.legal_calendar import LegalCalendar, use_calendar
from casework.legal_calendar.active import SESSION_KEY
from casework.legal_calendar.store import calendar_for
from casework.services.processes.shipped import register_actions
from casework.storage.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session, sessionmaker


@dataclass
class Container:
    """Everything a door (web, CLI, flow) needs to call services."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    files: FileStore
    clock: clock_module.Clock
    calendar: LegalCalendar
    extras: dict = field(default_factory=dict)
    functions: Mapping = field(default_factory=make_functions)  # what diagram expressions may call
    actions: Actions = field(default_factory=Actions)  # what diagram service tasks may call

    def uow(self) -> UnitOfWork:
        # Actions of outer packages (the recorder's export) get the container itself.
        return UnitOfWork(self.session_factory, self.files,
                          {"container": self, "functions": self.functions, "actions": self.actions})


def bootstrap(settings: Settings | None = None, *, database_url: str | None = None,
              data_dir: str | Path | None = None,
              clock: clock_module.Clock | None = None) -> Container:
    settings = settings or Settings.from_env()
    if data_dir is not None:
        settings = replace(settings, data_dir=Path(data_dir))
    if database_url is not None:
        settings = replace(settings, database_url=database_url)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
    if clock is not None:
        clock_module.install(clock)
    register_actions()  # diagrams reach code only through registered actions
    session_factory = make_session_factory(engine)
    # Every session appends to the audit chain with the deployment's key (never in the db),
    # and carries the container's own holiday table, loaded on first use.
    calendar = calendar_for(session_factory)
    session_factory.configure(info={ANCHOR_INFO: AnchorOpener(settings.data_dir),
                                    SESSION_KEY: calendar})
    container = Container(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        files=FileStore(settings.data_dir / "files"),
        clock=clock_module.current(),
        calendar=calendar,
        # Diagram expressions call this container's calendar; service tasks its own action set,
        # taken once its action modules are loaded.
        functions=make_functions(deadline_iso=calendar.deadline_iso),
        actions=DECLARED.copy(),
    )
    # Hand the calendar to the script engine (diagram expressions call deadline_iso).
    use_calendar(calendar)
    return container
