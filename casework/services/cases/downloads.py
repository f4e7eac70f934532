"""Reading a case's served documents: exactly the stored bytes, hash-verified."""
from __future__ import annotations

from typing import TYPE_CHECKING

from casework import audit, documents
from casework.errors import NotFound
from casework.services import scope

if TYPE_CHECKING:
    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork


def download_document(uow: UnitOfWork, *, actor: Actor, document_id: int) -> tuple[str, bytes]:
    """(number, PDF bytes) of a document `actor` may see; a unit sees only its own."""
    with uow:
        doc = scope.document(uow.session, actor, document_id)  # a unit: its own, once served
        if doc.case_ref is None:
            raise NotFound(f"文书不存在 / no such document: {document_id}")
        data = documents.download(uow.session, uow.files, doc.id)
        audit.record(uow.session, actor.name, "document.downloaded", f"document:{doc.id}",
                     {"number": doc.number})
        uow.commit()
        return doc.number, data
