"""Tampering that keeps file and row consistent is still caught: the audit chain holds the hash."""
from __future__ import annotations

import hashlib

import pytest

from casework.documents import DocumentIntegrityError, download, issue_service_receipt, serve
from casework.models import Document

from tests.integration.tamper import guards_lifted
from tests.integration.test_documents_issue import ids, issue_one, pdf_text  # noqa: F401


def test_a_changed_db_hash_is_detected(container, ids):  # noqa: F811
    doc = issue_one(container, ids)
    with pytest.raises(Exception, match="cannot be changed"):  # the database refuses
        with container.uow() as uow:
            uow.session.get(Document, doc.id).sha256 = "0" * 64
            uow.commit()
    with guards_lifted(container.engine), container.uow() as uow:
        uow.session.get(Document, doc.id).sha256 = "0" * 64
        uow.commit()
    with container.uow() as uow:
        with pytest.raises(DocumentIntegrityError, match="SHA-256"):
            download(uow.session, container.files, doc.id)


def test_file_and_row_replaced_together_are_detected(container, ids):  # noqa: F811
    """Someone swaps the PDF and updates sha256/bytes to match: the audit event disagrees."""
    doc = issue_one(container, ids)
    forged = container.files.path(doc.file_key).read_bytes().replace(b"%PDF-1.7", b"%PDF-1.6")
    container.files.path(doc.file_key).write_bytes(forged)
    with guards_lifted(container.engine), container.uow() as uow:
        row = uow.session.get(Document, doc.id)
        row.sha256, row.bytes = hashlib.sha256(forged).hexdigest(), len(forged)
        uow.commit()
    with container.uow() as uow:
        with pytest.raises(DocumentIntegrityError, match="audit"):
            download(uow.session, container.files, doc.id)


def test_english_service_receipt_names_the_document_in_english(container, ids):  # noqa: F811
    doc = issue_one(container, ids, kind="penalty_decision")
    with container.uow() as uow:
        serve(uow.session, doc.id, actor="officer:zhang", method="direct")
        receipt = issue_service_receipt(uow.session, container.files, document_id=doc.id,
                                        actor="officer:zhang", method="direct",
                                        place="迎泽大街100号", servers=["张伟", "刘洋"],
                                        lang="en")
        uow.commit()
    with container.uow() as uow:
        text = pdf_text(download(uow.session, container.files, receipt.id))
    assert "AdministrativePenaltyDecision" in text and "张伟,刘洋" in text
    assert "行政处罚决定书" not in text
