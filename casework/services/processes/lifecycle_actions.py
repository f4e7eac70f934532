"""Engine actions the lifecycle diagrams call: the only way those diagrams reach code."""
from __future__ import annotations

import re

from sqlalchemy import select

from casework import audit, clock
from casework.engine import action
from casework.errors import InvalidInput
from casework.models import Case, Violation
from casework.legal_calendar import PARTY
from casework.services import deadlines
from casework.services import rules
from casework.services.cases.cases import open_filing_case
from casework.services.cases.documents import issue_for_case
from casework.services.cases.violations import open_violation

SYSTEM_STATUSES = ("accepted", "failed_acceptance", "in_use", "dismantled")
INSPECTION_ITEMS = {  # checklist item -> violation code when it fails
    "signage": "no_signage",
    "operation": "interruption",
    "retention": "short_retention",
    "registers": "access_rules_broken",
    "duty_monitoring": "interruption",
    "privacy_places": "privacy_place",
    "obstruction": "obstructed",
    "filing": "not_filed",
}


def _case(ctx) -> Case:
    return ctx.session.execute(select(Case).where(Case.ref == ctx.instance.case_ref)).scalar_one()


@action("set_deadline", inputs={"period": str, "owed_by": str},
        outputs={"deadline_at": str, "deadline_date": str}, optional={"owed_by"})
def set_deadline(ctx, period: str, owed_by: str = PARTY) -> dict:
    """Compute a legal deadline from today (Asia/Shanghai) and make it the case's due time.

    `owed_by`: "party" (the unit's act: its latest possible date while the year's holiday
    notice is not out) or "bureau" (the bureau's act: its earliest possible date).
    """
    data = ctx.data
    # Correction periods (whole days) must lie within the rulebook's bounds.
    if re.fullmatch(r"\d+d", period) and "correction_days_min" in data:
        days = int(period[:-1])
        low, high = data["correction_days_min"], data["correction_days_max"]
        if not low <= days <= high:
            raise InvalidInput(f"改正期限应在 {low}–{high} 日之间 / the period must be {low}-{high} days")
    deadline = deadlines.deadline(ctx.session, clock.today_local(), period, owed_by)
    case = _case(ctx)
    deadlines.record_on_case(case, deadline)
    audit.record(ctx.session, ctx.actor, "case.deadline_set", f"case:{case.ref}",
                 {"period": period, "deadline": deadline["date"], "rule": deadline["rule"],
                  "owed_by": owed_by, "provisional": deadline["provisional"]})
    return {"deadline_at": deadline["end_utc"].isoformat(), "deadline_date": deadline["date"]}


@action("issue_case_document", inputs={"kind": str},
        outputs={"document_id": int, "document_number": str})
def issue_case_document(ctx, kind: str) -> dict:
    """Render and store the case's document of `kind`, offered for service (第三十六条)."""
    document = issue_for_case(ctx.session, ctx.resources["files"], _case(ctx), kind,
                              ctx.data, ctx.actor)
    return {"document_id": document.id, "document_number": document.number}


@action("close_case", inputs={"outcome": str}, outputs={})
def close_case(ctx, outcome: str) -> dict:
    case = _case(ctx)
    case.status, case.outcome, case.closed_at, case.due_at = "closed", outcome, clock.now(), None
    if case.violation_id and outcome in ("corrected", "not_corrected"):
        # not_corrected: no sanction is left to the bureau (the article fines nothing more).
        violation = ctx.session.get(Violation, case.violation_id)
        violation.status, violation.closed_at = outcome, clock.now()
    audit.record(ctx.session, ctx.actor, "case.closed", f"case:{case.ref}", {"outcome": outcome})
    return {}


@action("refer_to_penalty", inputs={}, outputs={"fine_min": int, "fine_max": int})
def refer_to_penalty(ctx) -> dict:
    """Not corrected: the violation goes to the penalty procedure with the cited fine range."""
    case = _case(ctx)
    violation = ctx.session.get(Violation, case.violation_id)
    violation.status = "penalty"
    case.outcome = "referred_to_penalty"
    fine = violation.rule.get("fine") or {"min": 0, "max": 0}
    audit.record(ctx.session, ctx.actor, "violation.referred", f"violation:{violation.id}",
                 {"article": fine.get("article", violation.article), "fine": fine})
    return {"fine_min": int(fine["min"]), "fine_max": int(fine["max"])}


@action("set_system_status", inputs={"status": str}, outputs={})
def set_system_status(ctx, status: str) -> dict:
    if status not in SYSTEM_STATUSES:
        raise InvalidInput(f"unknown system status: {status}")
    case = _case(ctx)
    system = case.system
    previous, system.status = system.status, status
    audit.record(ctx.session, ctx.actor, "system.status", f"system:{system.id}",
                 {"from": previous, "to": status, "case": case.ref})
    return {}


@action("open_filing", inputs={"filing_kind": str}, outputs={"filing_case_ref": str})
def open_filing(ctx, filing_kind: str) -> dict:
    """After acceptance: open the filing whose window runs from acceptance (else wait for use)."""
    case = _case(ctx)
    unit = case.unit
    system = case.system
    runs_from = rules.filing_runs_from(unit.jurisdiction.code, filing_kind,
                                       clock.today_local(), system.government_funded)
    if runs_from != "acceptance_passed":
        return {"filing_case_ref": ""}
    filing = open_filing_case(ctx.session, unit, system, filing_kind, actor=ctx.actor,
                              resources=ctx.resources)
    return {"filing_case_ref": filing.ref if filing else ""}


@action("open_violation", inputs={"code": str}, outputs={"violation_case_ref": str})
def open_violation_action(ctx, code: str) -> dict:
    """A missed window: open the violation for this case's act."""
    case = _case(ctx)
    unit = case.unit
    system = case.system
    facts = f"未在规定期限内（{ctx.data.get('deadline_date', '')} 前）办理备案（{case.ref}）。"
    opened = open_violation(ctx.session, unit=unit, system=system, code=code, facts=facts,
                            origin="deadline", act_key=f"case:{case.ref}", actor=ctx.actor,
                            resources=ctx.resources)
    return {"violation_case_ref": opened.ref}


@action("open_inspection_violations", inputs={},
        outputs={"violation_case_refs": list, "failed_without_provision": list})
def open_inspection_violations(ctx) -> dict:
    """Each failed checklist item opens a violation (once per inspection and item).

    A failed item whose act no applicable text sanctions is listed, not dropped.
    """
    case = _case(ctx)
    unit = case.unit
    system = case.system
    opened, unsanctioned = [], []
    for item, passed in sorted((ctx.data.get("items") or {}).items()):
        code = INSPECTION_ITEMS.get(item)
        if passed or code is None:
            continue
        if not rules.has_violation(unit.jurisdiction.code, code, clock.today_local()):
            unsanctioned.append(item)
            continue
        facts = f"监督检查（{case.ref}）发现：{item} 不合格。{ctx.data.get('notes', '')}"
        result = open_violation(ctx.session, unit=unit, system=system, code=code, facts=facts,
                                origin="inspection", act_key=f"inspection:{case.ref}:{item}",
                                actor=ctx.actor, resources=ctx.resources)
        opened.append(result.ref)
    return {"violation_case_refs": opened, "failed_without_provision": unsanctioned}
