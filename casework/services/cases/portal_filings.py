"""Filings (备案) from the unit portal: which filings a system may make, and starting one.

A unit starts a filing of a kind for one of its systems; on submission the filing case opens
(`cases.open_filing_case`, as for the events `registration` records) and its first task is
completed in the same transaction, so a filing exists only once it was filed. Where a case of that kind is already
open and waiting for the unit (opened by acceptance, or returned for correction), that case
continues instead. Returned filings and the form itself: `portal_case`.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from casework import audit, clock, engine, rulebooks
from casework.errors import CaseworkError, Conflict, InvalidInput, RuleViolation
from casework.models import Case, VideoSystem
from casework.services import rules, scope
from casework.services.cases import filing_forms
from casework.services.cases.portal_case import check
from casework.services.cases.cases import open_filing_case
from casework.services.cases.portal import unit_of
from casework.services.cases.portal_context import kind_label_en
from casework.services.wording import instrument_title

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork

SUBMIT_FORM = "filing_submission"


def overview(uow: UnitOfWork, *, actor: Actor) -> dict:
    """The unit's filing cases (newest first) and, per system, the filings it may start."""
    unit_id = unit_of(actor)
    with uow:
        session = uow.session
        cases = [_case_row(session, c) for c in session.scalars(
            select(Case).where(Case.unit_id == unit_id, Case.kind == "filing").order_by(Case.id.desc()))]
        systems = []
        for system in session.scalars(select(VideoSystem).where(VideoSystem.unit_id == unit_id)
                                      .order_by(VideoSystem.id)):
            systems.append({"id": system.id, "site": system.site, "status": system.status,
                            "kinds": [k for k in (_offer(session, system, kind) for kind in
                                                  filing_forms.KINDS) if k]})
        return {"cases": cases, "systems": systems}


def new_form(uow: UnitOfWork, *, actor: Actor, system_id: int, kind: str) -> dict:
    """The form to start a filing of `kind` for the system, with its window and attachments."""
    unit_of(actor)
    with uow:
        system = scope.system(uow.session, actor, system_id)
        offer = _offer(uow.session, system, kind)
        if offer is None:
            raise RuleViolation(_not_offered(system, kind))
        needs = _needs(system, kind, clock.today_local())
        return {"system": {"id": system.id, "site": system.site, "status": system.status},
                "kind": kind, "offer": offer, "needs": needs,
                "form": filing_forms.form(kind, needs),
                "values": {"site": system.site, "camera_count": str(len(system.cameras))}}


def start(uow: UnitOfWork, *, actor: Actor, system_id: int, kind: str, data: dict) -> dict:
    """File: open the filing case (or continue the open one) and submit it, in one step."""
    unit_of(actor)
    with uow:
        session = uow.session
        system = scope.system(session, actor, system_id)
        if _offer(session, system, kind) is None:
            raise RuleViolation(_not_offered(system, kind))
        check(filing_forms.form(kind, _needs(system, kind, clock.today_local())), data)
        on = _event_day(kind, data)
        case = _waiting_case(session, system.id, kind)
        if case is None:
            if _open_case(session, system.id, kind) is not None:
                raise Conflict("此类备案已提交，正在审核 / this filing was submitted and is under review")
            case = open_filing_case(session, system.unit, system, kind, actor=actor.name,
                                    resources=uow.resources, start=on, filed=True)
        item = _submit_item(session, case.ref)
        payload = filing_forms.submission(kind, data, filing_forms.attachment_labels(kind))
        engine.complete(session, item.id, payload, actor=actor.name, roles=set(actor.roles),
                        unit_id=actor.unit_id, resources=uow.resources)
        _record_event(session, actor, system, kind, on, data)
        uow.commit()
        return {"case_ref": case.ref}


def _offer(session: Session, system: VideoSystem, kind: str) -> dict | None:
    """The kind's window for this system (article, period) if the unit may file it now."""
    if not _eligible(system, kind):
        return None
    code = system.unit.jurisdiction.code
    try:
        rulebooks.effective(code, clock.today_local())
    except CaseworkError:  # an expired rulebook opens nothing new
        return None
    rule = rules.filing_rule(code, kind, clock.today_local(), system.government_funded)
    if rule is None:
        return None
    waiting = _waiting_case(session, system.id, kind)
    return {"kind": kind, "label": filing_forms.kind_label(kind), "label_en": kind_label_en(kind),
            "period": rule.period, "article": rule.article, "quote": rule.quote,
            "instrument": instrument_title(rule.source), "to": rule.to,
            "case_ref": waiting.ref if waiting else None,
            "event_field": filing_forms.EVENT_FIELD[kind]}


def _eligible(system: VideoSystem, kind: str) -> bool:
    if system.status == "dismantled":
        return False
    if kind == "pre_existing":
        return bool(system.pre_existing)
    usable = system.pre_existing or system.status in ("accepted", "in_use")
    return usable and (kind != "after_acceptance" or not system.pre_existing)


def _needs(system: VideoSystem, kind: str, on: date) -> dict | None:
    return filing_forms.required(system.unit.jurisdiction.code, kind, on,
                                     bool(system.government_funded))


def _not_offered(system: VideoSystem, kind: str) -> str:
    return (f"系统 {system.site} 现在不能办理此类备案（{kind}），或没有规定要求 / "
            f"no {kind} filing applies to this system now")


def _event_day(kind: str, data: dict) -> date:
    field = filing_forms.EVENT_FIELD.get(kind)
    raw = data.get(field) if field else None
    on = date.fromisoformat(raw) if raw else clock.today_local()
    if on > clock.today_local():
        raise InvalidInput(f"日期不能晚于今天 / {field} cannot be in the future")
    if kind == "camera_change" and not (data.get("cameras_added") or data.get("cameras_removed")):
        raise InvalidInput("请填写增加或拆除的设备数量 / give the number of cameras added or removed")
    return on


def _filing_cases(session: Session, system_id: int, kind: str):
    return session.scalars(select(Case).where(Case.system_id == system_id, Case.kind == "filing",
                                              Case.subkind == kind, Case.status == "open")
                           .order_by(Case.id.desc()))


def _open_case(session: Session, system_id: int, kind: str) -> Case | None:
    return next(iter(_filing_cases(session, system_id, kind)), None)


def _waiting_case(session: Session, system_id: int, kind: str) -> Case | None:
    """The open case of this kind whose submission the process waits for."""
    for case in _filing_cases(session, system_id, kind):
        if _submit_item(session, case.ref, missing_ok=True) is not None:
            return case
    return None


def _submit_item(session: Session, ref: str, missing_ok: bool = False):
    items = [w for w in engine.list_work_items(session, case_ref=ref, role="unit")
             if w.form_key == SUBMIT_FORM]
    if not items and not missing_ok:
        raise Conflict(f"备案 {ref} 当前无需提交 / filing {ref} is not waiting for a submission")
    return items[0] if items else None


def _record_event(session: Session, actor: Actor, system: VideoSystem, kind: str, on: date,
                  data: dict) -> None:
    """What the filing reports about the system itself (as registration's report_* do)."""
    if kind == "after_dismantling":
        system.status = "dismantled"
        audit.record(session, actor.name, "system.dismantled", f"system:{system.id}",
                     {"on": on.isoformat()})
    elif kind == "camera_change":
        audit.record(session, actor.name, "system.cameras_changed", f"system:{system.id}",
                     {"on": on.isoformat(), "added": data.get("cameras_added", 0),
                      "removed": data.get("cameras_removed", 0)})


def _case_row(session: Session, case: Case) -> dict:
    waiting = _submit_item(session, case.ref, missing_ok=True)
    return {"ref": case.ref, "kind": case.subkind, "status": case.status, "outcome": case.outcome,
            "label": filing_forms.kind_label(case.subkind), "label_en": kind_label_en(case.subkind),
            "due": clock.format_deadline(case.due_at), "waiting": waiting is not None,
            "site": case.system.site if case.system else ""}
