"""The unit of work: the only place that commits."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from casework.storage.files import FileStore


class UnitOfWork:
    """A SQLAlchemy session used as `with uow: ...; uow.commit()`; rolls back otherwise."""

    session: Session

    def __init__(self, session_factory: sessionmaker[Session], files: FileStore | None = None,
                 extra_resources: dict | None = None) -> None:
        self._session_factory = session_factory
        self._depth = 0
        self.files = files  # where documents and exports are stored
        self._extra = extra_resources or {}

    def __enter__(self) -> UnitOfWork:
        if self._depth == 0:
            self.session = self._session_factory()
        self._depth += 1
        return self

    def __exit__(self, *exc) -> None:
        self._depth -= 1
        if self._depth == 0:
            # close() rolls back anything uncommitted; unlike rollback() it leaves loaded
            # objects readable (detached) for the caller.
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def flush(self) -> None:
        self.session.flush()

    @property
    def resources(self) -> dict:
        """What engine actions may use besides the session."""
        return {"files": self.files, **self._extra}
