"""The container a door (web, CLI, flow) calls services with; `bootstrap()` builds it.

A plain value in a low layer, so services can name its type without importing the
composition root.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping

from casework import clock as clock_module
from casework.config import Settings
from casework.engine.expressions.actions import Actions
from casework.engine.expressions.functions import make_functions
from casework.legal_calendar import LegalCalendar
from casework.storage.files import FileStore
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
    clock: clock_module.Clock  # the process clock it was built on (design decision 16)
    calendar: LegalCalendar  # this container's holiday table, loaded on first use
    extras: dict = field(default_factory=dict)
    functions: Mapping = field(default_factory=make_functions)  # what diagram expressions may call
    actions: Actions = field(default_factory=Actions)  # what diagram service tasks may call
    read_session_factory: sessionmaker[Session] | None = None  # storage.db.make_read_session_factory

    def uow(self) -> UnitOfWork:
        # Actions of outer packages (the recorder's export) get the container itself.
        return UnitOfWork(self.session_factory, self.files,
                          {"container": self, "functions": self.functions, "actions": self.actions})

    def dispose(self) -> None:
        """Close the pooled connections (before dropping the database, say); used again, the
        engine opens new ones."""
        self.engine.dispose()

    def read_uow(self) -> UnitOfWork:
        """A unit of work for a page that only reads: no transaction, and any write is refused
        (storage.db.ReadOnlyViolation)."""
        return UnitOfWork(self.read_session_factory or self.session_factory, self.files,
                          {"container": self, "functions": self.functions, "actions": self.actions})
