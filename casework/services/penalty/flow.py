"""Engine actions of bpmn/penalty.bpmn after 立案: proposal, notice, decision, payment (the
hearing: `hearing`).

Issuing a document here starts the wait for its service (`serving`); the periods that run
from service are counted there."""
from __future__ import annotations

from datetime import date


from casework import audit, clock
from casework.engine import action
from casework.errors import RuleViolation
from casework.legal_calendar import BUREAU, PARTY
from casework.models import Case, Document, Violation
from casework.services.cases.documents import issue_for_case
from casework.services.penalty import documents as penalty_documents
from casework.services.penalty import publication, serving, terms
from casework.services.penalty.serving import period

penalty_documents.register_builders()


def _periods(ctx, **new) -> dict:
    return dict(ctx.data.get("periods") or {}, **new)


def _issue(ctx, case: Case, kind: str, extra: dict) -> Document:
    return issue_for_case(ctx.session, ctx.resources["files"], case, kind, {**ctx.data, **extra},
                          ctx.actor)


@action("penalty_check_proposal", inputs={},
        outputs={"no_penalty": bool, "no_penalty_reason": str, "simplified": bool,
                 "hearing_right": bool, "discretion": dict, "proposed_amount": int, "task_notes": dict})
def penalty_check_proposal(ctx) -> dict:
    """The proposal inside the cited band; 第三十三条 excuses; hearing right; simplified route."""
    case = serving.case_of(ctx)
    data, jurisdiction = ctx.data, case.jurisdiction.code
    violation = ctx.session.get(Violation, case.violation_id)
    kind, amount = data["penalty_kind"], int(data.get("amount") or 0)
    reason = terms.no_penalty(bool(data.get("first_violation")), bool(data.get("minor")),
                              bool(data.get("corrected_in_time")), bool(data.get("harm")))
    if kind == "none" and not reason:
        raise RuleViolation("不予处罚须符合《行政处罚法》第三十三条 / no penalty needs APL art. 33")
    discretion: dict = {}
    if kind == "fine":
        fine = violation.rule.get("fine")
        terms.check_amount(amount, fine)
        low, high = terms.discretion_range(jurisdiction, fine, data.get("tier") or "ordinary")
        table = terms.discretion_table(jurisdiction)
        discretion = {"tier": data.get("tier") or "ordinary", "low": low, "high": high,
                      "within": low <= amount <= high, "source": table["source"],
                      "article": table["article"], "casework_default": bool(table.get("casework_default"))}
    elif kind == "warning" and not violation.rule.get("warning_first"):
        raise RuleViolation(f"{violation.article}未规定警告 / the cited article provides no warning")
    simplified = kind != "none" and terms.simplified(jurisdiction, case.unit.party_type, kind, amount)
    hearing = terms.hearing_right(jurisdiction, case.unit.party_type, kind, amount)
    audit.record(ctx.session, ctx.actor, "penalty.proposed", f"case:{case.ref}",
                 {"kind": kind, "amount": amount, "simplified": simplified, "hearing": hearing,
                  "discretion": discretion, "no_penalty": reason})
    if kind == "none":
        violation.status = "no_penalty"
    notes = dict(data.get("task_notes") or {})
    if discretion:  # the legal reviewer sees the tier applied and whether the amount keeps to it
        notes["penalty_legal_review"] = [terms.tier_note(discretion, amount)]
    return {"no_penalty": kind == "none", "no_penalty_reason": reason, "simplified": simplified,
            "hearing_right": hearing, "discretion": discretion, "proposed_amount": amount,
            "task_notes": notes}


@action("penalty_notify", inputs={},
        outputs={"notice_number": str, "response_due_date": str, "awaiting_service": str,
                 "serving": str, "service_route": str, "receipt_by_at": str, "service_due_at": str})
def penalty_notify(ctx) -> dict:
    """告知 (第四十四条). The notice states the day the 5 working days would end if served
    today; the period itself runs from service (`serving.penalty_served`)."""
    case = serving.case_of(ctx)
    stated = period(ctx.session, clock.today_local(), terms.STATEMENT_PERIOD, PARTY, "statement")
    document = _issue(ctx, case, "penalty_notice", {"response_due_date": stated["date"]})
    audit.record(ctx.session, ctx.actor, "penalty.noticed", f"case:{case.ref}",
                 {"number": document.number, "if_served_today": stated["date"]})
    return {"notice_number": document.number, "response_due_date": stated["date"],
            **serving.awaiting(ctx.session, document, "penalty_notice")}


@action("penalty_check_final", inputs={}, outputs={"final_amount": int})
def penalty_check_final(ctx) -> dict:
    """After review: the final fine stays in the band and never above the proposal (第四十五条)."""
    data = ctx.data
    proposed = int(data.get("proposed_amount") or 0)
    final = int(data["final_amount"]) if data.get("final_amount") else proposed
    if data["penalty_kind"] == "fine" and data.get("approved"):
        violation = ctx.session.get(Violation, serving.case_of(ctx).violation_id)
        terms.check_amount(final, violation.rule.get("fine"))
        terms.not_raised(proposed, final)
    return {"final_amount": final}


@action("penalty_decide", inputs={"procedure": str},
        outputs={"final_amount": int, "decision_number": str, "decided_on": str, "decided": bool,
                 "periods": dict, "awaiting_service": str, "serving": str, "service_route": str,
                 "receipt_by_at": str, "service_due_at": str})
def penalty_decide(ctx, procedure: str) -> dict:
    """决定 (第五十九条). Simplified: handed over on the spot; otherwise served within 7
    working days (APL 第六十一条, 公安程序规定 第三十六条) — the bureau's deadline, the clerk's
    work item when electronic receipt is not confirmed. Payment and review run from service."""
    case = serving.case_of(ctx)
    data = ctx.data
    violation = ctx.session.get(Violation, case.violation_id)
    proposed = int(data.get("proposed_amount") or 0)
    final = int(data["final_amount"]) if data.get("final_amount") else proposed
    if data["penalty_kind"] == "fine":
        terms.check_amount(final, violation.rule.get("fine"))
        terms.not_raised(proposed, final)
    kind = "penalty_decision" if data["penalty_kind"] == "fine" else "warning_decision"
    document = _issue(ctx, case, kind, {"final_amount": final})
    today = clock.today_local()
    service = period(ctx.session, today, terms.SERVICE_PERIOD, BUREAU, "service")
    periods = _periods(ctx, service=service, publication=period(
        ctx.session, today, terms.PUBLICATION_PERIOD, BUREAU, "publication"))
    if procedure == "simplified":
        serving.serve_on_the_spot(ctx, document)
    case.due_at = None
    violation.status = "decided"
    publication.publish(ctx.session, case, violation, document, {**data, "final_amount": final},
                        procedure, ctx.actor)
    audit.record(ctx.session, ctx.actor, "penalty.decided", f"case:{case.ref}",
                 {"number": document.number, "kind": data["penalty_kind"], "amount": final,
                  "procedure": procedure, "serve_by": service["date"]})
    return {"final_amount": final, "decision_number": document.number,
            "decided_on": today.isoformat(), "decided": True, "periods": periods,
            **serving.awaiting(ctx.session, document, kind, service["at"])}


@action("penalty_remind", inputs={},
        outputs={"surcharge": dict, "enforce_date": str, "reminder_number": str,
                 "awaiting_service": str, "serving": str, "service_route": str,
                 "receipt_by_at": str, "service_due_at": str})
def penalty_remind(ctx) -> dict:
    """Unpaid: 催告书 with the surcharge so far. The court may be asked 10 working days after
    its service (行政强制法 第五十四条), counted when it is served (`serving.penalty_served`)."""
    case = serving.case_of(ctx)
    data = ctx.data
    today = clock.today_local()
    due = date.fromisoformat(data["payment_due_date"])
    charge = terms.surcharge(int(data["final_amount"]), due, today)
    surcharge = {"days": charge["days"], "amount": str(charge["amount"]), "as_of": today.isoformat(),
                 "capped": charge["capped"], "article": charge["article"]}
    stated = period(ctx.session, today, terms.REMINDER_PERIOD, PARTY, "reminder")
    document = _issue(ctx, case, "payment_reminder",
                      {"surcharge": surcharge, "enforce_date": stated["date"]})
    audit.record(ctx.session, ctx.actor, "penalty.reminded", f"case:{case.ref}",
                 {"number": document.number, "surcharge": surcharge, "if_served_today": stated["date"]})
    return {"surcharge": surcharge, "enforce_date": stated["date"], "reminder_number": document.number,
            **serving.awaiting(ctx.session, document, "payment_reminder")}


@action("penalty_paid", inputs={}, outputs={"surcharge": dict, "amount_due": str})
def penalty_paid(ctx) -> dict:
    """Payment recorded with the surcharge owed up to the day paid (capped at the fine)."""
    case = serving.case_of(ctx)
    data = ctx.data
    paid_on = date.fromisoformat(data["paid_on"])
    charge = terms.surcharge(int(data["final_amount"]), date.fromisoformat(data["payment_due_date"]),
                             paid_on)
    surcharge = {"days": charge["days"], "amount": str(charge["amount"]), "as_of": paid_on.isoformat(),
                 "capped": charge["capped"], "article": charge["article"]}
    violation = ctx.session.get(Violation, case.violation_id)
    violation.status = "executed"
    audit.record(ctx.session, ctx.actor, "penalty.paid", f"case:{case.ref}",
                 {"receipt": data.get("receipt"), "surcharge": surcharge})
    return {"surcharge": surcharge, "amount_due": str(charge["total"])}
