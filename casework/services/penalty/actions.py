"""Engine actions of the penalty procedure (bpmn/penalty.bpmn) and its hand-off from
bpmn/rectification.bpmn. Every period goes through the legal calendar with its article."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from casework import audit, clock
from casework.engine import action
from casework.errors import Conflict, RuleViolation
from casework.legal_calendar import BUREAU
from casework.models import Case, Unit, VideoSystem, Violation
from casework.services import deadlines, wording
from casework.storage.holidays import calendar_of

from casework.services.cases.cases import open_case
from casework.services.penalty import flow, hearing, hearing_outcome, postponement, serving, terms  # noqa: F401  (they register actions)


def _period(session, start, period: str, owed_by: str, article: str) -> dict:
    found = deadlines.deadline(session, start, period, owed_by)
    return {"date": found["date"], "at": found["end_utc"].isoformat(), "period": period,
            "owed_by": owed_by, "article": article, "provisional": found["provisional"],
            "rule": found["rule"]}


def penalty_case_of(session, violation_id: int) -> Case | None:
    return session.execute(select(Case).where(Case.kind == "penalty",
                                              Case.violation_id == violation_id)).scalar_one_or_none()


def open_penalty(session, *, violation: Violation, actor: str, resources: dict, origin: str,
                 filing_approved: bool, rectification_ref: str = "") -> Case:
    """立案: the penalty case for `violation`; the same act is never punished twice (APL 第二十九条)."""
    existing = penalty_case_of(session, violation.id)
    if existing is not None:
        raise Conflict(f"同一违法行为已进入处罚程序（{existing.ref}），不得重复处罚（{terms.APL}第二十九条）"
                       f" / this act already has penalty case {existing.ref}")
    fine = violation.rule.get("fine")
    if not fine and not violation.rule.get("warning_first"):
        raise RuleViolation(f"{violation.article}未规定罚款或警告，不进入行政处罚程序 / "
                            "the cited article provides no penalty")
    unit = session.get(Unit, violation.unit_id)
    system = session.get(VideoSystem, violation.system_id) if violation.system_id else None
    data = {
        "violation_id": violation.id, "violation_code": violation.code, "facts": violation.facts,
        "article": violation.article, "source": violation.source, "origin": origin,
        "rectification_ref": rectification_ref, "filing_approved": filing_approved,
        "party_type": unit.party_type, "fine_min": int(fine["min"]) if fine else 0,
        "fine_max": int(fine["max"]) if fine else 0, "fine_when": fine["when"] if fine else "",
        "found_on": violation.found_on.isoformat(),
    }
    case = open_case(session, kind="penalty", unit=unit, system=system, actor=actor,
                     data=data, resources=resources, subkind=violation.code, violation=violation)
    violation.status = "penalty"
    audit.record(session, actor, "penalty.opened", f"case:{case.ref}",
                 {"violation": violation.id, "origin": origin, "rectification": rectification_ref})
    return case


@action("open_penalty_case", inputs={"origin": str}, outputs={"penalty_case_ref": str})
def open_penalty_case(ctx, origin: str) -> dict:
    """From the rectification case: the fine that comes with the order, or the approved hand-off."""
    case = serving.case_of(ctx)
    violation = ctx.session.get(Violation, case.violation_id)
    opened = open_penalty(ctx.session, violation=violation, actor=ctx.actor, resources=ctx.resources,
                          origin=origin, filing_approved=origin == "handoff",
                          rectification_ref=case.ref)
    return {"penalty_case_ref": opened.ref}


@action("penalty_register", inputs={}, outputs={"time_barred": bool, "limit_date": str,
                                                "limit_at": str, "limit_warning_at": str,
                                                "decided": bool, "periods": dict, "task_notes": dict})
def penalty_register(ctx) -> dict:
    """立案 recorded: the 90-day decision limit (bureau's act), the two-year limitation, and
    what the proposal page shows (band, discretion tiers and their source), kept with the case."""
    case = serving.case_of(ctx)
    violation = ctx.session.get(Violation, case.violation_id)
    fine = violation.rule.get("fine")
    guidance = terms.proposal_guidance(case.jurisdiction.code, fine, wording.instrument_title(
        (fine or {}).get("source") or violation.source))
    today = clock.today_local()
    found_on = date.fromisoformat(ctx.data["found_on"]) if ctx.data.get("found_on") else today
    act_on = date.fromisoformat(ctx.data["act_on"]) if ctx.data.get("act_on") else found_on
    barred = terms.time_barred(act_on, found_on)
    limit = _period(ctx.session, today, terms.DECISION_LIMIT, BUREAU, terms.ARTICLES["decision_limit"])
    found = deadlines.deadline(ctx.session, today, terms.DECISION_LIMIT, BUREAU)
    deadlines.record_on_case(case, found)
    warn = _warning_day(ctx.session, date.fromisoformat(limit["date"]))
    periods = dict(ctx.data.get("periods") or {}, decision_limit=limit)
    audit.record(ctx.session, ctx.actor, "penalty.registered", f"case:{case.ref}",
                 {"limit": limit["date"], "warning": warn, "time_barred": barred})
    notes = dict(ctx.data.get("task_notes") or {}, penalty_proposal=guidance)
    return {"time_barred": barred, "limit_date": limit["date"], "limit_at": limit["at"],
            "limit_warning_at": warn, "decided": False, "periods": periods, "task_notes": notes}


def _warning_day(session, limit_day: date) -> str:
    """The start of the working day 10 working days before the limit (the head's warning)."""
    calendar = calendar_of(session)
    day = limit_day
    for _ in range(10):
        day -= timedelta(days=1)
        while not calendar.is_working_day(day, BUREAU):
            day -= timedelta(days=1)
    return clock.local_midnight_utc(day).isoformat()
