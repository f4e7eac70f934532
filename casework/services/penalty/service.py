"""What people do to penalty cases outside the diagram's tasks: a clerk opens one, a
reported reconsideration or suit changes one, the head sees the 90-day limits."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from casework import audit, clock, engine
from casework.errors import InvalidInput, NotFound
from casework.legal_calendar import BUREAU
from casework.models import AuditEvent, Case, Violation
from casework.services import scope
from casework.services.penalty import publication, terms
from casework.services.penalty.actions import open_penalty

if TYPE_CHECKING:
    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork

REVIEW_KINDS = ("reconsideration", "lawsuit")
OUTCOMES = ("pending", "upheld", "changed", "revoked")


def open_by_clerk(uow: UnitOfWork, *, actor: Actor, violation_id: int) -> str:
    """A clerk opens the penalty case for a recorded violation; the head approves 立案."""
    actor.require("clerk")
    with uow:
        violation = uow.session.get(Violation, violation_id)
        if violation is None:
            raise NotFound(f"违法行为不存在 / no such violation: {violation_id}")
        scope.unit(uow.session, actor, violation.unit_id)
        case = open_penalty(uow.session, violation=violation, actor=actor.name,
                            resources=uow.resources, origin="clerk", filing_approved=False)
        uow.commit()
        return case.ref


def report_review(uow: UnitOfWork, *, actor: Actor, case_ref: str, kind: str, outcome: str,
                  note: str = "") -> dict:
    """A reported reconsideration or lawsuit, and its outcome, change the case: while pending
    enforcement waits; a changed or revoked decision is withdrawn from publication, and a
    revoked one also ends the case's process (payment, 催告, their timers: `engine.cancel`)."""
    actor.require("clerk", "legal_reviewer")
    if kind not in REVIEW_KINDS or outcome not in OUTCOMES:
        raise InvalidInput(f"kind ∈ {REVIEW_KINDS}, outcome ∈ {OUTCOMES}")
    with uow:
        case = scope.case(uow.session, actor, case_ref)
        if case.kind != "penalty":
            raise InvalidInput(f"{case_ref} 不是行政处罚案件 / not a penalty case")
        label = {"reconsideration": "行政复议", "lawsuit": "行政诉讼"}[kind]
        result = {"case": case_ref, "kind": kind, "outcome": outcome}
        if outcome in ("changed", "revoked"):
            verdict = {"changed": "变更", "revoked": "撤销"}[outcome]
            reason = f"经{label}，原处罚决定被{verdict}。{note}".strip()
            if outcome == "revoked":  # first: the step locks the instance before other writes
                result["cancelled"] = _cancel_process(uow, case, reason, actor.name)
            row = publication.withdraw(uow.session, case_ref, reason, actor.name)
            result["withdraw_by"] = row.withdraw_by.isoformat()
            if outcome == "revoked":
                case.status, case.outcome, case.closed_at, case.due_at = (
                    "closed", f"{kind}_revoked", clock.now(), None)
        elif outcome == "pending":
            case.outcome = f"{kind}_pending"
        audit.record(uow.session, actor.name, "penalty.review_reported", f"case:{case_ref}",
                     {**result, "note": note})
        uow.commit()
        return result


def _cancel_process(uow: UnitOfWork, case: Case, reason: str, actor: str) -> bool:
    """A revoked decision leaves nothing to execute: payment, 催告 and their timers end."""
    if case.instance_id is None or engine.get_instance(uow.session, case.instance_id).status != "running":
        return False
    engine.cancel(uow.session, case.instance_id, reason=reason, actor=actor, resources=uow.resources)
    return True


def decision_limits(uow: UnitOfWork, *, actor: Actor) -> list[dict]:
    """Open penalty cases not yet decided: days left to the 90-day limit (APL 第六十条) and
    whether the head's warning (10 working days before) is due."""
    with uow:
        now = clock.now()
        cases = uow.session.execute(
            select(Case).where(Case.kind == "penalty", Case.status == "open",
                               actor.where(Case.unit_id, Case.jurisdiction_id))
            .order_by(Case.id)).scalars()
        rows = []
        for case in cases:
            data = engine.get_instance(uow.session, case.instance_id).data
            if data.get("decision_number") or not data.get("limit_date"):
                continue
            limit = date.fromisoformat(data["limit_date"])
            warn_at = clock.parse_iso(data["limit_warning_at"])
            rows.append({"case": case.ref, "limit": limit.isoformat(),
                         "days_left": (limit - clock.today_local()).days,
                         "warning": now >= warn_at, "article": terms.ARTICLES["decision_limit"]})
        return rows


def warn_heads(uow: UnitOfWork, *, actor: Actor) -> list[str]:
    """Record once per case the head's warning that the decision limit is 10 working days
    away; returns the cases warned now (the night shift runs it)."""
    warned = []
    for row in decision_limits(uow, actor=actor):
        if not row["warning"]:
            continue
        with uow:
            seen = uow.session.execute(
                select(AuditEvent.seq).where(AuditEvent.action == "penalty.limit_warning",
                                            AuditEvent.subject == f"case:{row['case']}")).first()
            if seen:
                continue
            audit.record(uow.session, actor.name, "penalty.limit_warning", f"case:{row['case']}",
                         {"limit": row["limit"], "days_left": row["days_left"],
                          "article": row["article"], "to": "bureau_head", "owed_by": BUREAU})
            uow.commit()
        warned.append(row["case"])
    return warned
