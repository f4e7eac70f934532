"""A unit's case in the portal: what it is, the one form it must fill now, and what came of it.

The form of the unit's open work item is the deployed one (or, for a filing, the form of its
kind with the attachments its text asks for: `filing_forms`), prefilled with what the
case already holds, so a returned filing keeps its answers. A statement and defence or a
hearing request is accepted only inside its period (`answer_window`); after it the form is
closed and a submission is refused with the reason and the article.
"""
from __future__ import annotations

import copy
from datetime import datetime
from typing import TYPE_CHECKING, Any

from casework import clock, engine
from casework.engine.model.forms import form_validator
from casework.errors import Conflict, InvalidInput, RuleViolation
from casework.models.engine import ModelVersion, ProcessInstance, WorkItem
from casework.services import scope
from casework.services.cases import filing_forms, portal, portal_context

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.models import Case
    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork


def case_page(uow: UnitOfWork, *, actor: Actor, ref: str) -> dict:
    """The case as its unit sees it, with the form of its open task (if any) prefilled."""
    unit_id = portal.unit_of(actor)
    with uow:
        session = uow.session
        case = scope.case(session, actor, ref)
        data = _data(session, case)
        item = _unit_item(session, case)
        form = _form(session, case, item, data) if item else None
        page = {"case": _summary(case), "task": _task(item), "form": form,
                "values": prefill(form, data) if form else {},
                "documents": [d for d in portal.documents_of(session, unit_id) if d["case_ref"] == ref],
                "answer": portal_context.answer_window(session, case, data, item),
                **portal_context.context(session, case, data, item)}
        if case.kind == "filing" and page["values"].get("materials"):
            labels = set(filing_forms.attachment_labels(case.subkind).values())
            page["values"]["materials"] = "\n".join(
                m for m in page["values"]["materials"].splitlines() if m not in labels)
        return page


def submit(uow: UnitOfWork, *, actor: Actor, ref: str, item_id: int, data: dict) -> dict:
    """Complete the unit's open task on the case; closed periods and hearings not offered refuse."""
    portal.unit_of(actor)
    with uow:
        session = uow.session
        case = scope.case(session, actor, ref)
        state = _data(session, case)
        item = session.get(WorkItem, item_id)
        mine = item is not None and item.case_ref == case.ref and item.role == "unit"
        window = portal_context.answer_window(session, case, state, item if mine else None)
        if window and window["status"] == "closed":
            raise RuleViolation(window["reason"])
        if not mine:
            raise Conflict(f"该事项已办结或不存在 / task {item_id} is done or does not exist")
        if item.form_key == "penalty_response" and data.get("hearing_requested") and not state.get("hearing_right"):
            raise RuleViolation(portal_context.NO_HEARING)
        check(_form(session, case, item, state), data)
        if case.kind == "filing" and case.subkind in filing_forms.KINDS:
            data = filing_forms.submission(case.subkind, data,
                                               filing_forms.attachment_labels(case.subkind))
        engine.complete(session, item.id, data, actor=actor.name, roles=set(actor.roles),
                        unit_id=actor.unit_id, resources=uow.resources)
        uow.commit()
        return {"case_ref": case.ref, "form_key": item.form_key}


def check(form: dict, data: dict) -> None:
    """The page's schema, checked again here: a post that skipped the page is refused too."""
    errors = sorted(form_validator(form.get("schema", {})).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        where = ".".join(str(p) for p in errors[0].absolute_path) or "(form)"
        raise InvalidInput(f"字段 {where} 不合要求：{errors[0].message} / field {where}: {errors[0].message}")


def prefill(form: dict, data: dict) -> dict[str, Any]:
    """Raw form values (as the page shows them) from what the case holds."""
    out: dict[str, Any] = {}
    _prefill(form.get("schema", {}), data, out, "")
    return out


def _prefill(schema: dict, data: dict, out: dict, prefix: str) -> None:
    for name, prop in schema.get("properties", {}).items():
        if name not in data or data[name] is None:
            continue
        value, path = data[name], f"{prefix}{name}"
        if prop.get("type") == "object" and isinstance(value, dict):
            _prefill(prop, value, out, f"{path}.")
        elif prop.get("format") == "attachment" or prop.get("items", {}).get("format") == "attachment":
            out[path] = value if isinstance(value, list) else [value]
        elif isinstance(value, bool):
            out[path] = "true" if value else "false"
        elif isinstance(value, list):
            out[path] = "\n".join(str(v) for v in value)
        else:
            out[path] = str(value)


def _data(session: Session, case: Case) -> dict:
    if case.instance_id is None:
        return {}
    instance = session.get(ProcessInstance, case.instance_id)
    return dict(instance.data or {}) if instance else {}


def _unit_item(session: Session, case: Case) -> WorkItem | None:
    items = engine.list_work_items(session, case_ref=case.ref, role="unit", unit_id=case.unit_id)
    return items[0] if items else None


def _form(session: Session, case: Case, item: WorkItem, data: dict) -> dict:
    """The form the page renders and the server checks for this task."""
    if item.form_key == "filing_submission" and case.subkind in filing_forms.KINDS:
        return filing_forms.form(case.subkind, portal_context.filing_needs(case))
    instance = session.get(ProcessInstance, item.instance_id)
    version = session.get(ModelVersion, instance.model_version_id)
    form = copy.deepcopy((version.forms or {}).get(item.form_key or "", {}))
    if item.form_key == "acceptance_test_report":
        test = next((s for s in data.get("acceptance_steps") or () if s.get("kind") == "certified_test"), None)
        if test and "report_file" in form.get("schema", {}).get("properties", {}):
            prop = form["schema"]["properties"]["report_file"]
            prop["title"] = f"{prop['title']}（{portal_context.cite(test)}）"
            form["schema"]["required"] = sorted({*form["schema"].get("required", ()), "report_file"})
    return form


def _task(item: WorkItem | None) -> dict | None:
    if item is None:
        return None
    return {"id": item.id, "title": item.title, "form_key": item.form_key,
            "due": clock.format_deadline(item.due_at) if not _parked(item.due_at) else ""}


def _parked(due: datetime | None) -> bool:
    return due is not None and due.year >= 2999


def _summary(case: Case) -> dict:
    return {"ref": case.ref, "kind": case.kind, "subkind": case.subkind, "title": case.title,
            "status": case.status, "outcome": case.outcome,
            "opened_at": clock.format_local(case.opened_at),
            "closed_at": clock.format_local(case.closed_at) if case.closed_at else "",
            "system": case.system.site if case.system else ""}

