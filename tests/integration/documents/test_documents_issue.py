"""Issuing, numbering, serving and downloading documents against a real database."""
from __future__ import annotations

import hashlib
import threading

import pytest
from sqlalchemy import select

from casework import audit, clock
from casework.documents import (
    IssueRequest,
    download,
    issue,
    issue_batch,
    serve,
)
from casework.documents.samples import kind_context
from casework.errors import Conflict, InvalidInput
from casework.models import Document, DocumentSequence
from tests.helpers import assert_download_refused, issue_one, pdf_text, served_with_receipt


def test_issue_stores_once_and_download_returns_those_bytes(container, ids):
    doc = issue_one(container, ids)
    assert doc.number == "太公(视)限改字〔2026〕第0001号"
    assert (doc.year, doc.seq, doc.kind, doc.lang) == (2026, 1, "rectification_order", "zh")
    assert doc.file_key.startswith("documents/2026/") and doc.file_key.endswith(".pdf")
    assert doc.context["party"]["name"] == "太原市迎泽区晋阳商贸有限公司"
    assert doc.context["number"] == doc.number
    with container.uow() as uow:
        data = download(uow.session, container.files, doc.id, actor="unit:1")
        uow.commit()
    assert hashlib.sha256(data).hexdigest() == doc.sha256 and len(data) == doc.bytes
    assert data == container.files.get(doc.file_key)
    text = pdf_text(data)
    assert doc.number in text and "二〇二六年三月二日" in text and "91140106MA0KX1234Q" in text
    with container.uow() as uow:
        actions = uow.session.execute(
            select(audit.AuditEvent.action).order_by(audit.AuditEvent.seq)).scalars().all()
        assert actions == ["document.issued", "document.downloaded"]
        assert audit.verify(uow.session).ok


def test_numbers_run_per_organ_kind_and_year(container, ids):
    a = issue_one(container, ids)
    b = issue_one(container, ids)
    c = issue_one(container, ids, kind="filing_receipt")
    assert [a.seq, b.seq, c.seq] == [1, 2, 1]
    assert b.number == "太公(视)限改字〔2026〕第0002号"
    assert c.number == "太公(视)备回字〔2026〕第0001号"
    container.clock.travel_to(container.clock.now().replace(year=2027))
    d = issue_one(container, ids)
    assert d.number == "太公(视)限改字〔2027〕第0001号"


def test_a_rolled_back_issue_leaves_no_gap(container, ids):
    issue_one(container, ids, commit=False)  # rolled back on exit
    doc = issue_one(container, ids)
    assert doc.seq == 1


def test_invalid_context_is_refused_before_a_number_is_taken(container, ids):
    ctx = kind_context("penalty_decision")
    del ctx["payment_place"]
    with container.uow() as uow:
        with pytest.raises(InvalidInput, match="penalty_decision.payment_place"):
            issue(uow.session, container.files, kind="penalty_decision", jurisdiction_id=ids[0],
                  unit_id=ids[1], case_ref=None, context=ctx, actor="officer:zhang")
        assert uow.session.execute(select(DocumentSequence)).first() is None


def test_tampered_or_missing_file_is_detected(container, ids):
    doc = issue_one(container, ids)
    path = container.files.path(doc.file_key)
    original = path.read_bytes()
    middle = len(original) // 2
    path.write_bytes(original[:middle] + bytes([original[middle] ^ 1]) + original[middle + 1:])
    assert_download_refused(container, doc.id, "SHA-256")
    path.unlink()
    assert_download_refused(container, doc.id, "missing")


def test_serve_once(container, ids):
    doc = issue_one(container, ids)
    with container.uow() as uow:
        with pytest.raises(InvalidInput, match="service method"):
            serve(uow.session, doc.id, actor="officer:zhang", method="pigeon")
        served = serve(uow.session, doc.id, actor="officer:zhang", method="direct")
        uow.commit()
        assert served.served_at == clock.now() and served.service_method == "direct"
    with container.uow() as uow:
        with pytest.raises(Conflict, match="already served"):
            serve(uow.session, doc.id, actor="officer:li", method="post")


def test_correction_gets_a_new_number_naming_the_old_one(container, ids):
    old = issue_one(container, ids)
    new = issue_one(container, ids, supersedes_id=old.id)
    assert new.number == "太公(视)限改字〔2026〕第0002号" and new.supersedes_id == old.id
    with container.uow() as uow:
        text = pdf_text(download(uow.session, container.files, new.id))
        assert "本文书系对太公(视)限改字〔2026〕第0001号的更正" in text
        with pytest.raises(Conflict, match="superseded"):
            serve(uow.session, old.id, actor="officer:zhang", method="direct")
    with pytest.raises(Conflict, match="already superseded"):
        issue_one(container, ids, supersedes_id=old.id)
    with pytest.raises(InvalidInput, match="same kind"):
        issue_one(container, ids, kind="filing_receipt", supersedes_id=new.id)


def test_service_receipt_goes_with_the_served_document(container, ids):
    receipt, text = served_with_receipt(container, ids, place="山西省太原市迎泽区迎泽大街100号")
    assert receipt.number == "太公(视)送回字〔2026〕第0001号"
    assert "太公(视)罚决字〔2026〕第0001号" in text and "行政处罚决定书" in text
    assert "直接送达" in text and "张伟、刘洋" in text


def test_concurrent_issuing_is_unique_and_gapless(container, ids):
    """Eight issuers at once, every third rolls back: the committed numbers are 1..n."""
    errors: list[BaseException] = []
    committed: list[int] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        try:
            with container.uow() as uow:
                doc = issue(uow.session, container.files, kind="rectification_order",
                            jurisdiction_id=ids[0], unit_id=ids[1], case_ref=f"case:{i}",
                            context=kind_context("rectification_order"), actor=f"officer:{i}")
                if i % 3 == 2:
                    return  # rolled back: its number must be handed out again
                uow.commit()
                with lock:
                    committed.append(doc.seq)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with container.uow() as uow:
        seqs = sorted(uow.session.execute(select(Document.seq)).scalars())
        numbers = uow.session.execute(select(Document.number)).scalars().all()
        last = uow.session.execute(select(DocumentSequence.last_seq)).scalar_one()
    assert seqs == sorted(committed) == list(range(1, len(committed) + 1))
    assert len(set(numbers)) == len(numbers) and last == len(seqs)


def test_batch_numbers_in_the_parent_and_renders_in_a_pool(container, ids):
    seen: list[tuple[int, int]] = []
    requests = [IssueRequest(kind, ids[0], ids[1], f"case:{i}", kind_context(kind))
                for i, kind in enumerate(["rectification_order"] * 3 + ["penalty_notice"])]
    with container.uow() as uow:
        batch = issue_batch(uow.session, container.files, requests, actor="batch",
                            processes=2, progress=lambda d, t: seen.append((d, t)))
        uow.commit()
    docs = batch.documents
    assert batch.failures == []
    assert [d.number for d in docs] == [
        "太公(视)限改字〔2026〕第0001号", "太公(视)限改字〔2026〕第0002号",
        "太公(视)限改字〔2026〕第0003号", "太公(视)罚告字〔2026〕第0001号"]
    assert seen[-1] == (4, 4) and len(seen) == 4
    with container.uow() as uow:
        for doc in docs:
            data = download(uow.session, container.files, doc.id)
            assert doc.number in pdf_text(data)


def test_demo_step_issues_served_documents_once(container, ids):
    from casework.documents.demo import seed_demo_documents

    assert "issued" in seed_demo_documents(container, progress=lambda _: None)
    assert seed_demo_documents(container, progress=lambda _: None) == "documents: already seeded"
    with container.uow() as uow:
        docs = uow.session.execute(select(Document)).scalars().all()
        served = [d for d in docs if d.served_at is not None]
        receipts = [d for d in docs if d.kind == "service_receipt"]
        assert len(served) == len(receipts) == 9
        for doc in docs:
            download(uow.session, container.files, doc.id)
