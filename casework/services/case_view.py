"""Everything the case page shows, read through the one scope rule."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from casework import clock, engine
from casework.models import AuditEvent, Document, ModelVersion, ProcessInstance, Violation
from casework.services.penalty import terms as penalty_terms
from casework.services import queues
from casework.services import scope
from casework.services.cases.cases import case_summary

if TYPE_CHECKING:
    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork

TIMELINE_LIMIT = 500


def case_page(uow: UnitOfWork, ref: str, *, actor: Actor) -> dict:
    with uow:
        session = uow.session
        case = scope.case(session, actor, ref)
        page = case_summary(case)
        unit = case.unit
        page["unit"] = {"id": unit.id, "name": unit.name, "credit_code": unit.credit_code,
                        "address": unit.address, "legal_representative": unit.legal_representative,
                        "party_type": unit.party_type, "jurisdiction": unit.jurisdiction.name}
        page["systems"] = [{
            "id": s.id, "site": s.site, "purpose": s.purpose, "status": s.status,
            "this_case": s.id == case.system_id,
            "cameras": [{"id": c.id, "name": c.name, "location": c.location, "place_kind": c.place_kind,
                         "enabled": c.enabled, "retention_days": c.retention_days} for c in s.cameras],
        } for s in unit.systems]
        instance = session.get(ProcessInstance, case.instance_id) if case.instance_id else None
        data = instance.data if instance else {}
        items = engine.list_work_items(session, case_ref=case.ref, limit=100)
        bases = queues.deadline_bases(uow, [instance.id]) if instance else {}
        basis = bases.get(instance.id, {}) if instance else {}
        now = clock.now()
        page["deadlines"] = [queues.row(w, basis, now) for w in items if w.due_at is not None]
        if case.due_at is not None:
            title = queues.instrument_title(basis.get("source", ""))
            page["case_deadline"] = {"due_at": clock.format_deadline(case.due_at),
                                     "article": basis.get("article", ""), "instrument": title,
                                     "provisional": basis.get("provisional", False)}
        page["tasks"] = [queues.row(w, basis, now) for w in items]
        if case.violation_id:
            v = session.get(Violation, case.violation_id)
            page["violation"] = {"code": v.code, "article": v.article, "source": v.source,
                                 "instrument": queues.instrument_title(v.source), "quote": v.quote,
                                 "facts": v.facts, "status": v.status}
        every = list(session.execute(select(Document).where(Document.case_ref == case.ref)
                                     .order_by(Document.id)).scalars())
        shown = scope.documents(session, actor, every)
        hidden = {d.number for d in every} - {d.number for d in shown}  # not yet served on the unit
        page["documents"] = [
            {"id": d.id, "number": d.number, "kind": d.kind, "sha256": d.sha256, "bytes": d.bytes,
             "issued_at": clock.format_local(d.issued_at), "served_at": clock.format_local(d.served_at)}
            for d in shown]
        subjects = [f"case:{case.ref}"]
        if instance:
            subjects.append(f"instance:{instance.id}")
        if case.violation_id:
            subjects.append(f"violation:{case.violation_id}")
        subjects += [f"document:{d['id']}" for d in page["documents"]]
        events = session.execute(select(AuditEvent).where(AuditEvent.subject.in_(subjects))
                                 .order_by(AuditEvent.seq).limit(TIMELINE_LIMIT)).scalars()
        page["timeline"] = [{"seq": e.seq, "at": clock.format_local(e.at), "actor": e.actor,
                             "action": e.action, "subject": e.subject, "data": e.data} for e in events
                            if (e.data or {}).get("number") not in hidden]
        # current and done elements (flows, events and gateways too) from the engine's state
        page["diagram"] = {**(engine.marks(session, instance.id) if instance else {"current": [], "done": []}),
                           "process_status": instance.status if instance else ""}
        page["process_data"] = {k: data.get(k) for k in ("deadline_date", "article", "source") if k in data}
        # a penalty case's periods (issue 14), each from the legal calendar with its article
        page["legal_periods"] = penalty_terms.periods_for_screen(data.get("periods") or {})
        # its hearing: date, notice, postponements, suspensions (第一百四十八条), termination (第一百四十九条)
        page["hearing"] = data.get("hearing") if case.kind == "penalty" else None
        return page


def diagram_xml(uow: UnitOfWork, ref: str, *, actor: Actor) -> str:
    """The BPMN XML of the model version the case's process runs on."""
    with uow:
        case = scope.case(uow.session, actor, ref)
        instance = uow.session.get(ProcessInstance, case.instance_id) if case.instance_id else None
        if instance is None:
            return ""
        return uow.session.get(ModelVersion, instance.model_version_id).bpmn_xml


