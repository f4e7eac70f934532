"""Incidents: steps refused for going over their budget, kept for the manager after the rollback.

The step's own transaction is rolled back first (on SQLite that releases the write lock, on
PostgreSQL the row lock), then the incident is written in a transaction of its own, so the
instance stays exactly as it was and the manager still sees what happened.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from casework import audit, clock
from casework.engine.errors import BudgetExceeded
from casework.models.engine import Incident
from casework.storage.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def after_rollback(session: Session, write: Callable[[Session], None]) -> None:
    """Roll the caller's transaction back, then run `write` in a new transaction and commit it."""
    session.rollback()
    # Same bind and the same session info (the container's audit key, calendar, ...).
    factory = sessionmaker(bind=session.get_bind(), expire_on_commit=False, info=dict(session.info))
    with UnitOfWork(factory) as uow:
        write(uow.session)
        uow.commit()


def add_incident(session: Session, *, key: str, instance_id: int | None, error: BudgetExceeded,
                 actor: str) -> Incident:
    incident = Incident(instance_id=instance_id, key=key, element=(error.element_id or "?")[:120],
                        limit=error.limit[:40], message=str(error)[:4000], actor=actor[:100],
                        created_at=clock.now())
    session.add(incident)
    session.flush()
    audit.record(session, actor, "engine.incident", f"instance:{instance_id}" if instance_id else f"model:{key}",
                 {"incident": incident.id, "key": key, "element": incident.element, "limit": incident.limit})
    return incident


def record_incident(session: Session, *, key: str, instance_id: int | None, error: BudgetExceeded,
                    actor: str) -> None:
    """Discard the step, keep the incident."""
    after_rollback(session, lambda side: add_incident(side, key=key, instance_id=instance_id,
                                                      error=error, actor=actor))


def list_incidents(session: Session, *, key: str | None = None, instance_id: int | None = None,
                   limit: int = 50) -> list[Incident]:
    """Newest first."""
    query = select(Incident).order_by(Incident.id.desc()).limit(limit)
    if key:
        query = query.where(Incident.key == key)
    if instance_id is not None:
        query = query.where(Incident.instance_id == instance_id)
    return list(session.scalars(query))
