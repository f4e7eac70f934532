"""What the unit portal shows a unit user: its obligations and its documents.

Every query is the unit's own (`actor.unit_id`); anything else does not exist (404).
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from casework import clock, documents, engine, rulebooks
from casework.documents import kinds
from casework.errors import CaseworkError, NotFound, PermissionDenied
from casework.models import Case, Document, ProcessInstance, Unit, VideoSystem
from casework.services.cases import service_of_documents as sod
from casework.services.cases import titles
from casework.services.wording import instrument_title

if TYPE_CHECKING:
    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork

RECEIPT = sod.RECEIPT


def unit_of(actor: Actor) -> int:
    if not actor.is_unit_user:
        raise PermissionDenied("单位门户仅供受监管单位使用 / the portal is for regulated units")
    return actor.unit_id


def _days_left(day: date | None) -> int | None:
    return None if day is None else (day - clock.today_local()).days


def home(uow: UnitOfWork, *, actor: Actor, lang: str = "zh") -> dict:
    """Open obligations (overdue first, then by deadline) and the latest documents; a task's
    English title (`lang` "en") from the form of the model version its process runs."""
    unit_id = unit_of(actor)
    with uow:
        session = uow.session
        obligations = []
        items = engine.list_work_items(session, role="unit", unit_id=unit_id, limit=100)
        refs = sorted({item.case_ref for item in items if item.case_ref})
        cases = {c.ref: c for c in session.scalars(select(Case).where(Case.ref.in_(refs)))} if refs else {}
        rows = [{"id": item.id, "name": item.title, "form_key": item.form_key} for item in items]
        english = (titles.titles_in(session, rows, lang) if lang != "zh"
                   else [titles.task_title(item.title, item.form_key, "en") for item in items])
        for item, title_en in zip(items, english):
            case = cases.get(item.case_ref)
            basis = (case.deadline_basis or {}) if case else {}
            waiting = case is not None and sod.waiting_for_service(case) is not None
            # A deadline ends at 24:00 local: its last day is the second before.
            day = (None if waiting or item.due_at is None
                   else clock.to_local(item.due_at - timedelta(seconds=1)).date())
            obligations.append({
                "kind": "task", "title": item.title, "case_ref": item.case_ref,
                "title_en": title_en,
                "work_item_id": item.id, "form_key": item.form_key, "deadline": day,
                "days_left": _days_left(day), "rule": basis.get("rule", ""),
                "provisional": bool(case and case.deadline_provisional),
                "from_service": waiting})
        docs = documents_of(session, unit_id)
        for doc in docs:
            if doc["status"] == "awaiting_receipt":
                day = date.fromisoformat(doc["confirm_by"])
                obligations.append({
                    "kind": "receipt", "title": f"确认收悉：{doc['title']}（{doc['number']}）",
                    "title_en": f"Confirm receipt: {doc['title_en']} ({doc['number']})",
                    "case_ref": doc["case_ref"], "document_id": doc["id"], "deadline": day,
                    "days_left": _days_left(day), "rule": sod.CONFIRM_SOURCE,
                    "provisional": False, "from_service": False})
        for o in obligations:
            o["overdue"] = o["days_left"] is not None and o["days_left"] < 0
        obligations.sort(key=lambda o: (not o["overdue"], o["deadline"] or date.max))
        return {"obligations": obligations, "documents": docs[:5],
                "overdue": [o for o in obligations if o["overdue"]]}


def documents_of(session, unit_id: int) -> list[dict]:
    rows = []
    query = select(Document).where(Document.unit_id == unit_id, Document.kind != RECEIPT,
                                   Document.case_ref.is_not(None)).order_by(Document.id.desc())
    for doc in session.scalars(query):
        found = sod.state(session, doc)
        if found["status"] == "clerk" and doc.served_at is None:
            continue  # without consent, shown once the clerk records service
        receipt = sod.receipt_of(session, doc) if doc.served_at else None
        rows.append({"id": doc.id, "number": doc.number, "kind": doc.kind,
                     "title": kinds.KINDS[doc.kind].title("zh"), "title_en": kinds.KINDS[doc.kind].title("en"),
                     "case_ref": doc.case_ref,
                     "sha256": doc.sha256, "issued_at": clock.format_local(doc.issued_at),
                     "served_at": clock.format_local(doc.served_at) if doc.served_at else None,
                     "method": doc.service_method, "status": found["status"],
                     "confirm_by": found["confirm_by"],
                     "receipt": ({"id": receipt.id, "number": receipt.number, "sha256": receipt.sha256}
                                 if receipt else None)})
    return rows


def list_documents(uow: UnitOfWork, *, actor: Actor) -> list[dict]:
    unit_id = unit_of(actor)
    with uow:
        return documents_of(uow.session, unit_id)


def download(uow: UnitOfWork, *, actor: Actor, document_id: int) -> tuple[Document, bytes]:
    """The exact bytes served (hash-verified); each download audited."""
    unit_id = unit_of(actor)
    with uow:
        doc = uow.session.get(Document, document_id)
        if doc is None or doc.unit_id != unit_id or doc.case_ref is None:
            raise NotFound(f"文书不存在 / no document {document_id}")
        if doc.kind == RECEIPT:
            visible = True
        else:
            visible = sod.visible_to_unit(uow.session, doc)
        if not visible:
            raise NotFound(f"文书不存在 / no document {document_id}")
        data = documents.download(uow.session, uow.files, doc.id, actor=actor.name)
        uow.commit()
        return doc, data


ATTACHMENT_TYPES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg",
                    b"\x89PNG": "image/png"}


def attachment(uow: UnitOfWork, *, actor: Actor, digest: str) -> tuple[str, bytes]:
    """(content type, bytes) of an attachment the unit itself submitted; else 404.

    Only the types the forms accept are ever served (PDF, JPEG, PNG, by content), so a
    browser is never handed something it would run.
    """
    unit_id = unit_of(actor)
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise NotFound("附件不存在 / no such attachment")
    with uow:
        token = f"sha256:{digest}"
        owned = any(token in json.dumps(data, ensure_ascii=False) for data in uow.session.scalars(
            select(ProcessInstance.data).where(ProcessInstance.unit_id == unit_id)))
        if not owned:
            raise NotFound("附件不存在 / no such attachment")
        try:
            body = uow.files.get(f"attachments/{digest[:2]}/{digest}")
        except FileNotFoundError:
            raise NotFound("附件不存在 / no such attachment") from None
    if hashlib.sha256(body).hexdigest() != digest:
        raise NotFound("附件已损坏 / the attachment no longer matches its SHA-256")
    for magic, mimetype in ATTACHMENT_TYPES.items():
        if body.startswith(magic):
            return mimetype, body
    raise NotFound("附件类型不受支持 / unsupported attachment type")


def systems(uow: UnitOfWork, *, actor: Actor) -> list[dict]:
    """The unit's systems: status, filing and acceptance cases, cameras and retention."""
    unit_id = unit_of(actor)
    with uow:
        session = uow.session
        unit = session.get(Unit, unit_id)
        try:
            retention = rulebooks.effective(unit.jurisdiction.code, clock.today_local()).retention
        except CaseworkError:  # an expired or unknown rulebook: nothing in force to cite
            retention = None
        rows = []
        for system in session.scalars(select(VideoSystem).where(VideoSystem.unit_id == unit_id)
                                      .order_by(VideoSystem.id)):
            cases = {}
            for case in session.scalars(select(Case).where(
                    Case.system_id == system.id, Case.kind.in_(("filing", "acceptance")))
                    .order_by(Case.id)):
                cases[case.kind] = {"ref": case.ref, "status": case.status,
                                    "outcome": case.outcome, "subkind": case.subkind}
            cameras = [{
                "name": c.name, "location": c.location, "enabled": c.enabled,
                "retention_days": c.retention_days or (retention.min_days if retention else None),
                "retention_article": (f"{instrument_title(retention.source)}{retention.article}" if retention else ""),
            } for c in system.cameras]
            rows.append({"id": system.id, "site": system.site, "purpose": system.purpose,
                         "status": system.status, "filing": cases.get("filing"),
                         "acceptance": cases.get("acceptance"), "cameras": cameras})
        return rows
