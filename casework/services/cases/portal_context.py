"""What the portal's case page shows beside the form: the period to answer a prior notice,
a filing's window, attachments and return, acceptance steps and trial run, a re-check's outcome.

Plain values read from the case, its process data and its documents.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from casework import clock
from casework.engine.model.deploy import default_forms_dir
from casework.engine.model.validation import load_form
from casework.models import Document
from casework.services.cases import filing_forms
from casework.services.cases import service_of_documents as sod
from casework.services.wording import instrument_title

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.models import Case, WorkItem

APL = "《中华人民共和国行政处罚法》"
ANSWER_FORMS = ("defence_statement", "penalty_response")
# The rectification's prior notice before a warning (a warning is a penalty, APL 第九条).
DEFENCE_ARTICLE = f"{APL}第四十四条、第四十五条"
NO_HEARING = (f"拟作出的处罚不属于{APL}第六十三条规定的听证范围，告知书未告知听证权利 / "
              "the notice offers no hearing: the intended penalty is not one APL art. 63 lists")


def cite(cited: dict) -> str:
    """《instrument》article, for a dict with source and article."""
    return f"{instrument_title(cited.get('source', ''))}{cited.get('article', '')}"


def answer_window(session: Session, case: Case, data: dict, item: WorkItem | None) -> dict | None:
    """The period to state a defence (and request a hearing) on a prior notice: open, answered,
    waiting for the notice's service, or closed with the reason; None where the case has none."""
    found = _penalty_period(case, data, item) if case.kind == "penalty" else (
        _defence_period(session, case, data, item) if case.kind == "rectification" else None)
    if found is None:
        return None
    due_at, answered, waiting = found.pop("due_at"), found.pop("answered"), found.pop("waiting")
    if answered:
        status = "answered"
    elif waiting:
        status = "waiting_service"
    elif item is None or (due_at is not None and due_at <= clock.now()):
        status = "closed"
    else:
        status = "open"
    found["status"] = status
    if status == "closed":
        what = "陈述、申辩及听证申请" if found["hearing"] else "陈述、申辩"
        found["reason"] = (f"{what}期限已于 {found['due_date']} 24:00 届满（{found['article']}），"
                           f"不能再提交 / the period ended on {found['due_date']} 24:00 "
                           f"({found['article']}); the form is closed")
    return found


def _penalty_period(case: Case, data: dict, item: WorkItem | None) -> dict | None:
    if "response_due_date" not in data:
        return None
    period = (data.get("periods") or {}).get("statement") or {}
    due_at = item.due_at if item is not None and item.form_key == "penalty_response" else None
    if due_at is None and data.get("response_due_at"):
        due_at = datetime.fromisoformat(data["response_due_at"])
    return {"due_date": data["response_due_date"], "due_at": due_at,
            "article": period.get("article") or f"{APL}第四十四条、第六十四条",
            "hearing": bool(data.get("hearing_right")), "notice": data.get("notice_number", ""),
            "answered": "hearing_requested" in data and item is None,
            # the process waits for the notice's service before the period runs (decision 24)
            "waiting": bool(data.get(sod.AWAITING)) and data.get("serving") == "penalty_notice",
            "statement": data.get("statement", ""), "hearing_requested": bool(data.get("hearing_requested"))}


def _defence_period(session: Session, case: Case, data: dict, item: WorkItem | None) -> dict | None:
    mine = item is not None and item.form_key == "defence_statement"
    notice = notice_of(session, case, "penalty_notice")
    if notice is None or (item is not None and not mine):
        return None
    basis = case.deadline_basis or {}
    due_at = item.due_at if mine else None
    due_date = (clock.to_local(due_at).date().isoformat() if due_at and due_at.year < 2999
                else basis.get("date", data.get("deadline_date", "")))
    return {"due_date": due_date, "due_at": due_at, "article": DEFENCE_ARTICLE,
            "rule": basis.get("rule", ""), "hearing": False, "notice": notice.number,
            "answered": "statement" in data and not mine, "statement": data.get("statement", ""),
            "waiting": mine and sod.waiting_for_service(case) is not None,  # a parked deadline
            "hearing_requested": False}


def context(session: Session, case: Case, data: dict, item: WorkItem | None) -> dict:
    """Kind-specific panels: `filing`, `acceptance`, `recheck`, a penalty's `hearing` (its date,
    place, notice and whether the notice's service keeps the date; None where they do not apply)."""
    return {"filing": _filing(session, case, data, item) if case.kind == "filing" else None,
            "acceptance": _acceptance(data) if case.kind == "acceptance" else None,
            "recheck": _recheck(case, data) if case.kind == "rectification" else None,
            "hearing": data.get("hearing") if case.kind == "penalty" else None}


def filing_needs(case: Case) -> dict | None:
    """The attachments the case's text asks for, on the day it opened."""
    system = case.system
    if system is None or case.subkind not in filing_forms.KINDS:
        return None
    return filing_forms.required(case.unit.jurisdiction.code, case.subkind,
                                     clock.to_local(case.opened_at).date(), bool(system.government_funded))


def _filing(session: Session, case: Case, data: dict, item: WorkItem | None) -> dict:
    returned = None
    if item is not None and data.get("accepted") is False:
        doc = notice_of(session, case, "filing_returned")
        returned = {"reasons": data.get("reasons", ""), "due_date": data.get("deadline_date", ""),
                    "document": doc.number if doc else ""}
    return {"window": {"due_date": data.get("deadline_date", ""), "article": data.get("article", ""),
                       "quote": data.get("quote", ""), "instrument": instrument_title(data.get("source", "")),
                       "late": bool(data.get("late"))},
            "needs": filing_needs(case), "returned": returned,
            "label": filing_forms.kind_label(case.subkind), "label_en": kind_label_en(case.subkind)}


def kind_label_en(kind: str) -> str:
    """A filing kind's name on English pages: its form's English title."""
    if kind not in filing_forms.KINDS:
        return kind
    title = load_form(f"filing_{kind}", default_forms_dir()).get("title")
    return (title.get("en") if isinstance(title, dict) else "") or filing_forms.kind_label(kind)


def _acceptance(data: dict) -> dict:
    steps = [{**s, "cited": cite(s)} for s in data.get("acceptance_steps") or ()]
    trial = next((s for s in steps if s.get("kind") == "trial_run"), None)
    trial_end = None
    if trial and data.get("completed_on") and data.get("deadline_date"):
        trial_end = data["deadline_date"]  # schedule_trial counted it from the report
    return {"steps": steps, "trial": trial, "trial_period": data.get("trial_run_period", ""),
            "trial_end": trial_end, "completed_on": data.get("completed_on", ""),
            "report": {k: data[k] for k in ("agency", "report_number", "conclusion", "report_file")
                       if k in data},
            "failed_reasons": data.get("reasons", "") if data.get("accepted") is False else ""}


def _recheck(case: Case, data: dict) -> dict:
    report = {k: data[k] for k in ("description", "photos") if k in data}
    outcome = None
    if "corrected" in data:
        outcome = {"corrected": bool(data["corrected"]), "findings": data.get("findings", ""),
                   "case_outcome": case.outcome}
    return {"report": report or None, "outcome": outcome,
            "deadline": data.get("deadline_date", "")}


def notice_of(session: Session, case: Case, kind: str) -> Document | None:
    return session.scalars(select(Document).where(Document.case_ref == case.ref, Document.kind == kind)
                           .order_by(Document.id.desc())).first()
