"""The nightly batch: one bad request or one failed render costs only itself."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from casework.documents import Failed, IssueRequest, RenderJob, download, issue_batch, render_batch
from casework.documents import batch as batch_module
from casework.documents.samples import full_context, kind_context
from casework.models import Document, DocumentSequence

from tests.helpers import pdf_text


def test_a_failing_job_in_the_pool_does_not_lose_the_others():
    seen: list[tuple[int, int]] = []
    jobs = [RenderJob("rectification_order", full_context("rectification_order")),
            RenderJob("no_such_kind", {}),
            RenderJob("penalty_notice", full_context("penalty_notice"))]
    results = render_batch(jobs, processes=2, progress=lambda d, t: seen.append((d, t)))
    assert isinstance(results[1], Failed) and "no_such_kind" in results[1].error
    assert results[0][:5] == b"%PDF-" and results[2][:5] == b"%PDF-"
    assert sorted(seen) == [(1, 3), (2, 3), (3, 3)]


def _issue_orders(container, ids, contexts):
    """Issue one rectification order per context (case:0, case:1, ...) in one batch."""
    requests = [IssueRequest("rectification_order", ids[0], ids[1], f"case:{i}", context)
                for i, context in enumerate(contexts)]
    with container.uow() as uow:
        result = issue_batch(uow.session, container.files, requests, actor="batch", processes=1)
        uow.commit()
    return result


def test_an_invalid_request_is_reported_and_takes_no_number(container, ids):
    bad = kind_context("rectification_order")
    del bad["deadline"]
    result = _issue_orders(container, ids, [bad if i == 1 else kind_context("rectification_order")
                                            for i in range(3)])
    assert [f.index for f in result.failures] == [1]
    assert "rectification_order.deadline" in result.failures[0].error
    assert [d.seq for d in result.documents] == [1, 2]
    assert [d.case_ref for d in result.documents] == ["case:0", "case:2"]


def test_a_failed_render_closes_up_the_numbers(container, ids, monkeypatch):
    """The 2nd of 4 fails to render: the 3rd and 4th become 0002 and 0003, re-rendered."""
    real = batch_module._render_job

    def flaky(job):
        if job.context["number"].endswith("第0002号") and job.context.get("contact") is None:
            raise RuntimeError("font cache corrupted")
        return real(job)

    monkeypatch.setattr(batch_module, "_render_job", flaky)
    result = _issue_orders(container, ids, [{**kind_context("rectification_order"),
                                             "contact": None if i == 1 else "李明 0351-4567890"}
                                            for i in range(4)])
    assert [f.index for f in result.failures] == [1]
    assert "font cache corrupted" in result.failures[0].error
    assert [(d.case_ref, d.seq) for d in result.documents] == [
        ("case:0", 1), ("case:2", 2), ("case:3", 3)]
    with container.uow() as uow:
        assert uow.session.execute(select(DocumentSequence.last_seq)).scalar_one() == 3
        for doc in uow.session.execute(select(Document)).scalars():
            text = pdf_text(download(uow.session, container.files, doc.id))
            assert doc.number in text and doc.context["number"] == doc.number


@pytest.mark.parametrize("processes", [1, 2])
def test_every_request_failing_leaves_the_counter_untouched(container, ids, processes):
    requests = [IssueRequest("rectification_order", ids[0], ids[1], "case:x", {"facts": "x"})]
    with container.uow() as uow:
        result = issue_batch(uow.session, container.files, requests, actor="batch",
                             processes=processes)
        uow.commit()
    assert result.documents == [] and len(result.failures) == 1
