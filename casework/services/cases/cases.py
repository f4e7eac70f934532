"""Opening, listing and showing cases; each case is driven by one process instance."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from casework import audit, clock, engine
from casework.errors import NotFound
from casework.models import Case, Document, Unit, VideoSystem, Violation
from casework.services import deadlines
from casework.services import rules
from casework.services import scope
from casework.services.cases.titles import stored_title

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork

FILING_CORRECTION_DAYS = 15  # the returned filing's default; the clerk's review may set another


def open_case(session: Session, *, kind: str, unit: Unit, actor: str, data: dict[str, Any],
              resources: dict, system: VideoSystem | None = None, subkind: str = "",
              violation: Violation | None = None) -> Case:
    """Create the case row under the jurisdiction's current rulebook and start its process."""
    on = clock.today_local()
    rulebook = rules.current_rulebook(session, unit.jurisdiction.code, on)
    national = rules.national_baseline(session, on)
    now = clock.now()
    case = Case(
        ref="pending", kind=kind, subkind=subkind, jurisdiction_id=unit.jurisdiction_id,
        unit_id=unit.id, system_id=system.id if system else None,
        rulebook_version_id=rulebook.id,
        national_rulebook_version_id=national.id if national else None,
        violation_id=violation.id if violation else None,
        status="open", opened_at=now, opened_by=actor,
        title=stored_title(kind, unit.name),
    )
    session.add(case)
    session.flush()
    case.ref = f"{unit.jurisdiction.code[:2].upper()}-{on.year}-{case.id:06d}"
    process_data = {
        "case_ref": case.ref, "unit_name": unit.name, "jurisdiction": unit.jurisdiction.code,
        **data,
    }
    instance = engine.start(
        session, kind, data=process_data, actor=actor, case_ref=case.ref, unit_id=unit.id,
        jurisdiction_id=unit.jurisdiction_id, resources=resources,
    )
    case.instance_id = instance.id
    audit.record(session, actor, "case.opened", f"case:{case.ref}",
                 {"kind": kind, "subkind": subkind, "unit": unit.credit_code,
                  "rulebook_version": rulebook.id,
                  "national_version": national.id if national else None})
    session.flush()
    return case


def open_filing_case(session: Session, unit: Unit, system: VideoSystem, kind: str, *, actor: str,
                     resources: dict, start: date | None = None, filed: bool = False) -> Case | None:
    """Open a filing case of `kind` whose window runs from `start` (default today).

    An event (a system accepted, put into use, changed, dismantled) opens one only where the
    window has a fixed period. The unit's own filing (`filed`) always opens one: a window that
    is 及时 (no fixed period) or already closed is due today, and a late one says so.
    """
    code, today = unit.jurisdiction.code, clock.today_local()
    on = start or today
    window = deadlines.filing_deadline(session, code, kind, on, government_funded=system.government_funded)
    rule = rules.filing_rule(code, kind, on, system.government_funded) if filed and window is None else None
    if window is None and rule is None:
        return None
    late = filed and window is not None and date.fromisoformat(window["deadline_date"]) < today
    cited = window or {"article": rule.article, "quote": rule.quote, "source": rule.source,
                       "rule": f"{rule.quote}（及时）"}
    due_today = window is None or late
    data = {"filing_kind": kind,
            "deadline_at": (clock.end_of_local_day_utc(today).isoformat() if due_today
                            else window["deadline_at"]),
            "deadline_date": today.isoformat() if window is None else window["deadline_date"],
            "window_rule": cited["rule"], "article": cited["article"], "quote": cited["quote"],
            "source": cited["source"], "correction_days": FILING_CORRECTION_DAYS, "late": late}
    case = open_case(session, kind="filing", unit=unit, system=system, actor=actor, subkind=kind,
                     resources=resources, data=data)
    if not due_today:
        deadlines.record_on_case(case, window["found"])
    return case


def get_case(session: Session, ref: str, actor: Actor | None = None) -> Case:
    """The case by reference; a unit user sees only its own cases (else 404, not 403)."""
    if actor is not None:
        return scope.case(session, actor, ref)
    case = session.execute(select(Case).where(Case.ref == ref)).scalar_one_or_none()
    if case is None:
        raise NotFound(f"案件不存在 / no such case: {ref}")
    return case


def list_cases(uow: UnitOfWork, *, actor: Actor, status: str | None = None,
               overdue: bool = False, kind: str | None = None, limit: int = 100) -> list[dict]:
    """Cases visible to `actor`, newest first; `overdue`: open and past their due time."""
    with uow:
        query = (select(Case).where(actor.where(Case.unit_id, Case.jurisdiction_id))
                 .order_by(Case.id.desc()).limit(limit))
        if status:
            query = query.where(Case.status == status)
        if kind:
            query = query.where(Case.kind == kind)
        if overdue:
            query = query.where(Case.status == "open", Case.due_at < clock.now())
        return [case_summary(c) for c in uow.session.execute(query).scalars()]


def show_case(uow: UnitOfWork, ref: str, *, actor: Actor) -> dict:
    """One case with its open tasks, violation and history."""
    with uow:
        case = get_case(uow.session, ref, actor)
        summary = case_summary(case)
        summary["tasks"] = [
            {"id": w.id, "name": w.title, "form_key": w.form_key, "role": w.role, "due_at": clock.format_deadline(w.due_at)}
            for w in engine.list_work_items(uow.session, case_ref=case.ref, limit=100)
        ]
        if case.violation_id:
            v = uow.session.get(Violation, case.violation_id)
            summary["violation"] = {
                "code": v.code, "article": v.article, "source": v.source, "status": v.status,
                "quote": v.quote, "fine": v.rule.get("fine"),
            }
        summary["documents"] = [
            {"id": d.id, "number": d.number, "kind": d.kind,
             "issued_at": clock.format_local(d.issued_at),
             "served_at": clock.format_local(d.served_at), "service": d.service_method}
            for d in scope.documents(uow.session, actor, uow.session.execute(
                select(Document).where(Document.case_ref == case.ref).order_by(Document.id)).scalars())
        ]
        if case.instance_id:
            inst = engine.get_instance(uow.session, case.instance_id)
            summary["process"] = {"status": inst.status, "revision": inst.revision}
        return summary


def case_summary(case: Case) -> dict:
    return {
        "ref": case.ref, "kind": case.kind, "subkind": case.subkind, "title": case.title,
        "status": case.status, "outcome": case.outcome, "unit_id": case.unit_id,
        "opened_at": clock.format_local(case.opened_at),
        "due_at": clock.format_deadline(case.due_at), "closed_at": clock.format_local(case.closed_at),
        # 暂定: the deadline reaches a year whose holiday notice is not out yet
        "deadline_provisional": bool(case.deadline_provisional and case.due_at),
        "deadline_rule": (case.deadline_basis or {}).get("rule", ""),
    }
