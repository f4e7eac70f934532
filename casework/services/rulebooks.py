"""Rulebook reference data in the database: jurisdictions and immutable rulebook versions."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from sqlalchemy import select

from casework import audit, clock
from casework.models.registry import Jurisdiction, RulebookVersion
from casework.rulebooks import list_codes, load_rulebook, to_dict
from casework.rulebooks.model import UnknownRulebook

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.container import Container

ACTOR = "system:seed"


def upsert_rulebooks(session: Session) -> tuple[int, int]:
    """Upsert a Jurisdiction per rulebook and a RulebookVersion per new content SHA-256.

    Returns (jurisdictions changed or added, versions added). Idempotent.
    """
    touched = added = 0
    for code in list_codes():
        book = load_rulebook(code)
        row = session.execute(select(Jurisdiction).where(Jurisdiction.code == code)).scalar_one_or_none()
        values = {"name": book.name, "organ_name": book.organ_name, "doc_prefix": book.doc_prefix}
        if row is None:
            row = Jurisdiction(code=code, **values)
            session.add(row)
            session.flush()
            touched += 1
            audit.record(session, ACTOR, "jurisdiction.created", f"jurisdiction:{code}", values)
        elif any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            touched += 1
            audit.record(session, ACTOR, "jurisdiction.updated", f"jurisdiction:{code}", values)
        exists = session.execute(select(RulebookVersion.id).where(
            RulebookVersion.jurisdiction_id == row.id,
            RulebookVersion.sha256 == book.sha256)).scalar_one_or_none()
        if exists is None:
            session.add(RulebookVersion(
                jurisdiction_id=row.id, sha256=book.sha256, valid_from=book.valid_from,
                valid_until=book.valid_until, content=to_dict(book), loaded_at=clock.now()))
            session.flush()
            added += 1
            audit.record(session, ACTOR, "rulebook_version.loaded", f"jurisdiction:{code}",
                         {"sha256": book.sha256})
    return touched, added


def seed_rulebooks(container: Container, progress: Callable[[str], None] = print) -> str:
    """Reference step: load every shipped rulebook into the database (idempotent)."""
    with container.uow() as uow:
        touched, added = upsert_rulebooks(uow.session)
        uow.commit()
    summary = f"rulebooks: {len(list_codes())} jurisdictions ({touched} changed), {added} new versions"
    progress(summary)
    return summary


def current_version(session: Session, code: str) -> RulebookVersion:
    """The stored version matching the shipped rulebook `code` (latest loaded if it differs)."""
    book = load_rulebook(code)
    rows = session.execute(
        select(RulebookVersion).join(Jurisdiction)
        .where(Jurisdiction.code == code)
        .order_by(RulebookVersion.loaded_at.desc(), RulebookVersion.id.desc())
    ).scalars().all()
    for row in rows:
        if row.sha256 == book.sha256:
            return row
    if rows:
        return rows[0]
    raise UnknownRulebook(f"数据库中没有规则库 {code!r}，请先运行 casework init"
                          f" / rulebook {code!r} not seeded: run `casework init`")
