"""Demo step: one served document of every kind for the first demo unit, with receipts."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from sqlalchemy import func, select

from datetime import date

from casework import clock
from casework.documents.formatting import to_decimal
from casework.documents.contexts.legal_checks import max_surcharge
from casework.storage.holidays import calendar_of
from casework.documents.batch import issue_batch
from casework.documents.kinds import KINDS
from casework.documents.samples import kind_context
from casework.documents.service import IssueRequest, issue_service_receipt, serve
from casework.models.documents import Document
from casework.models.registry import Unit

if TYPE_CHECKING:
    from casework.container import Container

SERVED_ON_THE_SPOT = ("rectification_order", "warning_decision", "penalty_notice",
                      "hearing_notice", "penalty_decision", "payment_reminder",
                      "filing_returned", "acceptance_failed", "evidence_request")


def seed_demo_documents(container: Container, progress: Callable[[str], None] = print) -> str:
    """Idempotent: does nothing once the sample documents exist, or while there is no unit."""
    with container.uow() as uow:
        session = uow.session
        samples = select(func.count()).select_from(Document).where(Document.case_ref == "demo:documents")
        if session.execute(samples).scalar_one():
            return "documents: already seeded"
        unit = session.execute(select(Unit).order_by(Unit.id).limit(1)).scalar_one_or_none()
        if unit is None:
            return "documents: no demo unit yet"
        today = clock.today_local()
        table = calendar_of(session).table()
        table = table if table.years else None  # no holiday years seeded: calendar days
        requests = [IssueRequest(kind, unit.jurisdiction_id, unit.id, "demo:documents",
                                 _lawful(kind_context(kind, today), table))
                    for kind in KINDS if kind != "service_receipt"]
        batch = issue_batch(session, container.files, requests, actor="demo", processes=1,
                            progress=lambda d, t: progress(f"documents: rendered {d}/{t}")
                            if d == t else None)
        if batch.failures:
            raise RuntimeError(f"demo documents failed: {batch.failures}")
        docs = batch.documents
        served = 0
        for doc in docs:
            if doc.kind in SERVED_ON_THE_SPOT:
                serve(session, doc.id, actor="demo", method="direct")
                issue_service_receipt(session, container.files, document_id=doc.id,
                                      actor="demo", method="direct", place=unit.address,
                                      servers=["张伟", "刘洋"])
                served += 1
        uow.commit()
    return f"documents: {len(docs) + served} issued, {served} served with receipts"


def _lawful(context: dict, table) -> dict:
    """Sample dates moved to today: keep a reminder's surcharge within what the law allows."""
    if "surcharge_amount" in context:
        most = max_surcharge(to_decimal(context["fine_amount"], "fine_amount"),
                             date.fromisoformat(context["served_on"]),
                             date.fromisoformat(context["surcharge_as_of"]), table)
        context["surcharge_amount"] = str(min(most, to_decimal(context["surcharge_amount"], "x")))
    return context
