"""Tampering that keeps file and row consistent is still caught: the audit chain holds the hash."""
from __future__ import annotations

import hashlib

import pytest

from casework.models import Document

from tests.integration.tamper import guards_lifted
from tests.helpers import assert_download_refused, issue_one, served_with_receipt


def test_a_changed_db_hash_is_detected(container, ids):
    doc = issue_one(container, ids)
    with pytest.raises(Exception, match="cannot be changed"):  # the database refuses
        with container.uow() as uow:
            uow.session.get(Document, doc.id).sha256 = "0" * 64
            uow.commit()
    with guards_lifted(container.engine), container.uow() as uow:
        uow.session.get(Document, doc.id).sha256 = "0" * 64
        uow.commit()
    assert_download_refused(container, doc.id, "SHA-256")


def test_file_and_row_replaced_together_are_detected(container, ids):
    """Someone swaps the PDF and updates sha256/bytes to match: the audit event disagrees."""
    doc = issue_one(container, ids)
    forged = container.files.path(doc.file_key).read_bytes().replace(b"%PDF-1.7", b"%PDF-1.6")
    container.files.path(doc.file_key).write_bytes(forged)
    with guards_lifted(container.engine), container.uow() as uow:
        row = uow.session.get(Document, doc.id)
        row.sha256, row.bytes = hashlib.sha256(forged).hexdigest(), len(forged)
        uow.commit()
    assert_download_refused(container, doc.id, "audit")


def test_english_service_receipt_names_the_document_in_english(container, ids):
    receipt, text = served_with_receipt(container, ids, place="迎泽大街100号", lang="en")
    assert "AdministrativePenaltyDecision" in text and "张伟,刘洋" in text
    assert "行政处罚决定书" not in text
