"""Gapless document numbers: one locked counter row per jurisdiction, kind and year.

The counter is bumped in the caller's transaction, the same one that inserts the
Document; a rolled-back issue therefore rolls back its number too (no gap), and
a second issuer waits on the row lock (PostgreSQL: SELECT ... FOR UPDATE; SQLite:
the engine's BEGIN IMMEDIATE serialises writers) so no number is handed out twice.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from casework.models.documents import DocumentSequence

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def allocate(session: Session, *, jurisdiction_id: int, kind: str, year: int,
             count: int = 1) -> int:
    """Reserve `count` consecutive numbers; returns the first. Holds the row lock."""
    if count < 1:
        raise ValueError("count must be at least 1")
    _ensure_row(session, jurisdiction_id, kind, year)
    row = session.execute(
        select(DocumentSequence)
        .where(DocumentSequence.jurisdiction_id == jurisdiction_id,
               DocumentSequence.kind == kind, DocumentSequence.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    first = row.last_seq + 1
    row.last_seq += count
    session.flush()
    return first


def _ensure_row(session: Session, jurisdiction_id: int, kind: str, year: int) -> None:
    """Create the counter if missing without failing when another issuer races us."""
    values = dict(jurisdiction_id=jurisdiction_id, kind=kind, year=year, last_seq=0)
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        session.execute(insert(DocumentSequence).values(**values).on_conflict_do_nothing())
        return
    if session.get(DocumentSequence, (jurisdiction_id, kind, year)) is None:
        try:
            with session.begin_nested():
                session.add(DocumentSequence(**values))
        except IntegrityError:
            pass
