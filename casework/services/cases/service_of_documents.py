"""Service of documents (送达) under 公安机关办理行政案件程序规定 第三十六条.

A document is not served when it is issued. With the unit's consent it is offered in the
unit's portal and served when the unit confirms receipt (收悉), the means 第三十六条 allows
("能够确认其收悉的方式"); without consent, or when not confirmed within
`CONFIRM_WITHIN`, it is a clerk's work item to serve it directly or by post.

Periods that run from service (陈述申辩, hearing request, the correction a warning orders,
payment) wait for it: the diagram computes them with the action `set_service_deadline`,
which keeps the process timer parked (`PARKED_AT`) until `serve` records the moment;
then the period is counted from the service date and the process's deadline_at and timers
are re-derived in the same transaction (`deadlines.steps.revise_instance_deadline`).

Processes call: `set_service_deadline` (action) before or after issuing the document;
everything else is driven by `confirm_receipt` (the unit) and `record_service` (the clerk).
A process with several periods that run from service (the penalty procedure) instead waits
for the service itself: its data names the document under `AWAITING`, and serving that
document delivers the message `SERVED_MESSAGE` to it in the same transaction.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from casework import audit, clock, documents
from casework.documents import service as document_service
from casework.engine import action, send_message
from casework.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from casework.legal_calendar import PARTY
from casework.models import Case, Document, ProcessInstance, WorkItem
from casework.services import deadlines
from casework.services.deadlines.service_window import (  # noqa: F401 (the service rule's names)
    CONFIRM_SOURCE, CONFIRM_WITHIN, RECEIPT, RECORDS, confirm_deadline, state, visible_to_unit)
from casework.services.deadlines.steps import revise_instance_deadline

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.services.actor import Actor
    from casework.storage.files import FileStore
    from casework.storage.unit_of_work import UnitOfWork

# A timer waiting for a period that has not begun (the document is not yet served).
PARKED_DATE = date(2999, 12, 31)
# The data key naming the document a process waits to see served, and the message it gets.
AWAITING = "awaiting_service"
SERVED_MESSAGE = "document_served"
CLERK_METHODS = ("direct", "left", "post", "entrusted", "public_notice")
# Forms of the work items through which a process serves the document it awaits (AWAITING):
# such a document is listed once, as that work item, not again among the documents to serve.
SERVICE_FORMS = ("penalty_service",)


def offer(session: Session, doc: Document, *, actor: str) -> dict:
    """At issue: offer the document for electronic receipt, or hand it to the clerk."""
    found = state(session, doc)
    audit.record(session, actor, "document.service_offered", f"document:{doc.id}",
                 {"number": doc.number, "route": found["status"],
                  "confirm_by": found["confirm_by"]})
    return found


def confirm_receipt(session: Session, files: FileStore, document_id: int, *, unit_id: int,
                    actor: str, resources: dict | None = None) -> Document:
    """The unit confirms receipt (收悉) in its portal: the document is served now."""
    doc = session.get(Document, document_id)
    if doc is None or doc.unit_id != unit_id or doc.kind == RECEIPT:
        raise NotFound(f"文书不存在 / no document {document_id}")
    found = state(session, doc)
    if found["status"] == "served":
        raise Conflict(f"文书{doc.number}已送达 / document {doc.number} was already served")
    if found["status"] != "awaiting_receipt":
        raise Conflict("确认期限已过，公安机关将直接或邮寄送达 / the time to confirm receipt "
                       "has passed; the bureau will serve the document directly or by post")
    return serve(session, files, doc, actor=actor, method="electronic", place="单位门户",
                 servers=[actor], resources=resources)


def record_service(session: Session, files: FileStore, document_id: int, *, actor: str,
                   method: str, place: str, servers: list[str] | None = None,
                   resources: dict | None = None, notify: bool = True) -> Document:
    """A clerk records direct, postal or other service (第三十六条's other means)."""
    doc = session.get(Document, document_id)
    if doc is None or doc.kind == RECEIPT:
        raise NotFound(f"文书不存在 / no document {document_id}")
    if method not in CLERK_METHODS:
        raise InvalidInput(f"送达方式应为 {', '.join(CLERK_METHODS)} / method must be one of "
                           f"{', '.join(CLERK_METHODS)}")
    if not place.strip():
        raise InvalidInput("请填写送达地点 / the place of service is required")
    return serve(session, files, doc, actor=actor, method=method, place=place.strip(),
                 servers=servers or [actor], resources=resources, notify=notify)


def serve(session: Session, files: FileStore, doc: Document, *, actor: str, method: str,
          place: str, servers: list[str], resources: dict | None = None,
          notify: bool = True) -> Document:
    """Record the moment, issue the 送达回执 and start the periods that run from service; a
    process waiting for this document hears of it (`notify=False` inside that process's step)."""
    documents.serve(session, doc.id, actor=actor, method=method)
    receipt = documents.issue_service_receipt(session, files, document_id=doc.id, actor=actor,
                                              method=method, place=place, servers=servers)
    audit.record(session, actor, "case.document_served", f"case:{doc.case_ref}",
                 {"number": doc.number, "service": method, "receipt": receipt.number,
                  "served_at": doc.served_at.isoformat()})
    start_periods(session, doc, actor=actor)
    if notify:
        notify_process(session, doc, actor=actor, resources=resources)
    return receipt


def notify_process(session: Session, doc: Document, *, actor: str,
                   resources: dict | None = None) -> bool:
    """The case's running process that waits for `doc` (its data names it under AWAITING) gets
    SERVED_MESSAGE with the moment and method of service; False when none waits."""
    case = session.execute(select(Case).where(Case.ref == doc.case_ref)).scalar_one_or_none()
    if case is None or case.instance_id is None:
        return False
    instance = session.get(ProcessInstance, case.instance_id)
    if instance is None or instance.status != "running" or (instance.data or {}).get(AWAITING) != doc.number:
        return False
    send_message(session, instance.id, SERVED_MESSAGE,
                 {"served_number": doc.number, "served_at": doc.served_at.isoformat(),
                  "service_method": doc.service_method or ""}, actor=actor, resources=resources)
    return True


def receipt_of(session: Session, doc: Document) -> Document | None:
    """The 送达回执 issued for `doc`, if served."""
    for receipt in session.scalars(select(Document).where(
            Document.case_ref == doc.case_ref, Document.kind == RECEIPT,
            Document.unit_id == doc.unit_id).order_by(Document.id)):
        if (receipt.context or {}).get("served_number") == doc.number:
            return receipt
    return None


def clerk_items(session: Session, jurisdiction_ids: set[int] | None = None) -> list[dict]:
    """Documents the clerk must serve directly or by post (no consent, or not confirmed)."""
    query = select(Document).where(Document.served_at.is_(None), Document.kind.not_in((RECEIPT, *RECORDS)),
                                   Document.case_ref.is_not(None)).order_by(Document.id)
    if jurisdiction_ids is not None:
        query = query.where(Document.jurisdiction_id.in_(jurisdiction_ids))
    items, own = [], served_by_work_item(session)
    for doc in session.scalars(query):
        if doc.number in own or document_service.superseded_by(session, doc.id) is not None:
            continue
        found = state(session, doc)
        if found["status"] == "clerk":
            items.append({"document_id": doc.id, "number": doc.number, "kind": doc.kind,
                          "case_ref": doc.case_ref, "unit_id": doc.unit_id, **found})
    return items


def served_by_work_item(session: Session) -> set[str]:
    """Numbers of the documents a process serves through its own open work item."""
    awaited = ProcessInstance.data[AWAITING].as_string()
    query = (select(awaited).join(WorkItem, WorkItem.instance_id == ProcessInstance.id)
             .where(WorkItem.form_key.in_(SERVICE_FORMS)))
    return {number for number in session.scalars(query) if number}


# --- periods that run from service -------------------------------------------------------

def park(case: Case, found: dict, document_kind: str) -> dict:
    """Remember a period that starts when the next `document_kind` of the case is served."""
    case.due_at = None
    case.deadline_provisional = False  # nothing to confirm until the period has begun
    case.deadline_basis = {k: found[k] for k in ("start", "period", "owed_by", "date", "rule")}
    case.deadline_basis.update({"from_service": document_kind, "parked": PARKED_DATE.isoformat()})
    return {"deadline_at": clock.end_of_local_day_utc(PARKED_DATE).isoformat(),
            "deadline_date": PARKED_DATE.isoformat()}


def waiting_for_service(case: Case) -> str | None:
    """The document kind whose service the case's period waits for, or None."""
    basis = case.deadline_basis or {}
    return basis.get("from_service") if basis.get("parked") else None


def start_periods(session: Session, doc: Document, *, actor: str) -> dict | None:
    """`doc` was served: a period of its case that waits for this kind begins today."""
    case = session.execute(select(Case).where(Case.ref == doc.case_ref)).scalar_one_or_none()
    if case is None or waiting_for_service(case) != doc.kind:
        return None
    basis = dict(case.deadline_basis)
    served_on = clock.to_local(doc.served_at).date()
    found = deadlines.deadline(session, served_on, basis["period"], basis.get("owed_by", PARTY))
    stated = basis["date"]
    deadlines.record_on_case(case, found)
    case.deadline_basis = {**case.deadline_basis, "served_document": doc.number,
                           "served_on": served_on.isoformat(), "stated": stated}
    if case.instance_id is not None:
        # The process holds deadline_date = the date if served at issue, deadline_at parked.
        revise_instance_deadline(session, case.instance_id, stated, found["end_utc"],
                                 date.fromisoformat(found["date"]), actor)
    audit.record(session, actor, "case.period_started", f"case:{case.ref}", {
        "document": doc.number, "served_on": served_on.isoformat(), "period": basis["period"],
        "deadline": found["date"], "rule": found["rule"]})
    return found


@action("set_service_deadline", inputs={"period": str, "document_kind": str, "owed_by": str},
        outputs={"deadline_at": str, "deadline_date": str}, optional={"owed_by"})
def set_service_deadline(ctx, period: str, document_kind: str, owed_by: str = PARTY) -> dict:
    """A period that runs from service of the case's next `document_kind`.

    deadline_date is the date the period would end on if the document were served today
    (what the document may state); deadline_at stays parked until service.
    """
    case = ctx.session.execute(select(Case).where(Case.ref == ctx.instance.case_ref)).scalar_one()
    found = deadlines.deadline(ctx.session, clock.today_local(), period, owed_by)
    parked = park(case, found, document_kind)
    audit.record(ctx.session, ctx.actor, "case.deadline_set", f"case:{case.ref}",
                 {"period": period, "runs_from": f"service:{document_kind}",
                  "if_served_today": found["date"], "owed_by": owed_by})
    return {"deadline_at": parked["deadline_at"], "deadline_date": found["date"]}


def served_moment(doc: Document) -> datetime | None:
    """When `doc` was served (None until then): the start of its periods."""
    return doc.served_at


# --- unit-of-work faces (the portal, the clerk's page, the CLI) ----------------------------

def confirm(uow: UnitOfWork, *, actor: Actor, document_id: int) -> dict:
    """The unit user confirms receipt; another unit's document does not exist (404)."""
    if not actor.is_unit_user:
        raise PermissionDenied("只有受送达单位可以确认收悉 / only the served unit confirms receipt")
    with uow:
        doc = uow.session.get(Document, document_id)
        if (doc is not None and doc.unit_id == actor.unit_id and doc.served_at is not None
                and doc.service_method == "electronic"):
            # A double click or a retried request: the receipt already exists, nothing new.
            receipt = receipt_of(uow.session, doc)
            return {"receipt_id": receipt.id, "receipt_number": receipt.number, "again": True}
        receipt = confirm_receipt(uow.session, uow.files, document_id, unit_id=actor.unit_id,
                                  actor=actor.name, resources=uow.resources)
        result = {"receipt_id": receipt.id, "receipt_number": receipt.number}
        uow.commit()
    return result


def record(uow: UnitOfWork, *, actor: Actor, document_id: int, method: str, place: str) -> dict:
    """A clerk records direct or postal service of a document in the clerk's scope."""
    actor.require("clerk", "admin")
    with uow:
        doc = uow.session.get(Document, document_id)
        if doc is None or not actor.may_see(doc.unit_id, doc.jurisdiction_id):
            raise NotFound(f"文书不存在 / no document {document_id}")
        receipt = record_service(uow.session, uow.files, document_id, actor=actor.name,
                                 method=method, place=place, resources=uow.resources)
        result = {"receipt_id": receipt.id, "receipt_number": receipt.number}
        uow.commit()
    return result


def clerk_queue(uow: UnitOfWork, *, actor: Actor) -> list[dict]:
    """The clerk's work items: documents to serve directly or by post, in the clerk's scope."""
    actor.require("clerk", "admin")
    with uow:
        allowed = actor.jurisdictions
        return clerk_items(uow.session, None if allowed is None else set(allowed))
