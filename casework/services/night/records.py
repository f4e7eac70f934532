"""Night checks of the records: issued documents against their hashes, and the audit chain.

Documents are rendered inside the step that issues them, so no render queue waits for
the night; the notice batch checks what was issued since the last batch (stored bytes
against the SHA-256 the audit chain recorded) and lists documents not yet served.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from casework import audit, documents
from casework.errors import CaseworkError
from casework.models import Document
from casework.models.night import NightRun

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.container import Container

RECEIPT = "service_receipt"


def last_checked_document(session: Session) -> int:
    """The highest document id a finished notice batch covered (0: none yet)."""
    runs = session.scalars(select(NightRun.params).where(
        NightRun.flow == "notice_batch", NightRun.state == "done")).all()
    return max([int(p.get("upto", 0)) for p in runs] or [0])


def plan_documents(after_id: int, upto_id: int):
    """A plan: ids of documents issued after the last batch, up to the planned high-water mark."""
    def plan(session: Session) -> list[int]:
        return list(session.scalars(select(Document.id).where(
            Document.id > after_id, Document.id <= upto_id).order_by(Document.id)))
    return plan


def newest_document(session: Session) -> int:
    return session.scalar(select(func.max(Document.id))) or 0


def check_documents(container: Container, ids: list[int], actor: str) -> dict:
    """Each document's stored bytes against its recorded hash; unserved notices counted."""
    intact, broken, unserved = 0, [], 0
    with container.uow() as uow:
        for doc_id in ids:
            try:
                documents.download(uow.session, container.files, doc_id)
                intact += 1
            except CaseworkError as exc:
                broken.append(doc_id)
                audit.record(uow.session, actor, "document.check_failed", f"document:{doc_id}",
                             {"error": str(exc)[:300]})
        if broken:
            uow.commit()
        unserved = uow.session.scalar(select(func.count()).select_from(Document).where(
            Document.id.in_(ids), Document.kind != RECEIPT, Document.served_at.is_(None))) if ids else 0
    return {"documents_checked": len(ids), "intact": intact, "broken": len(broken), "unserved": unserved or 0}


def verify_audit(container: Container) -> dict:
    """Recompute the audit chain; name the first broken link."""
    with container.uow() as uow:
        result = audit.verify(uow.session)
    return {"audit_checked": result.checked, "audit_ok": int(result.ok),
            "audit_first_broken": result.first_broken_seq or 0, "audit_reason": result.reason}
