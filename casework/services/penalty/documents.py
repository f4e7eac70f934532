"""The penalty case's documents: 告知书, 听证通知书, 听证笔录, 决定书 (fine or warning), 催告书.

They plug into the case document builders under their kinds, chosen for cases of kind
"penalty" (a rectification case keeps its own warning notice and decision)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from casework import clock
from casework.models import Document, Violation
from casework.services import wording
from casework.services.cases import documents as case_documents

PAYMENT_PLACE = "指定银行或者电子支付系统（见缴款通知）"


def _violation(session, case) -> Violation:
    return session.get(Violation, case.violation_id)


def _basis(violation: Violation, data: dict) -> tuple[list, list]:
    rule = violation.rule
    violated = [wording.provision(rule.get("obligation") or rule)]
    fine = rule.get("fine") if data.get("penalty_kind") == "fine" else None
    applied = [wording.provision(fine or rule.get("penalty") or rule)]
    return violated, applied


def _facts(data: dict, violation: Violation) -> str:
    findings = data.get("findings")
    text = case_documents._facts(data.get("facts") or violation.facts)
    return f"{text}{('经调查：' + findings) if findings else ''}"


def _evidence(session, case, data) -> list[str]:
    items = [f"证据材料：{e}" for e in data.get("evidence") or []]
    officers = data.get("officers") or []
    if officers:
        items.append(f"执法人员 {'、'.join(officers)} 调查记录")
    served = session.execute(
        select(Document.number, Document.kind).where(Document.case_ref == case.ref,
                                                     Document.kind != "service_receipt")
        .order_by(Document.id)).all()
    return items + [f"{number}及送达回执" for number, _kind in served] or [f"立案材料（{case.ref}）"]


def _kind_label(data) -> str:
    return "罚款" if data.get("penalty_kind") == "fine" else "警告"


def _notice(session, case, unit, data):
    violation = _violation(session, case)
    violated, applied = _basis(violation, data)
    amount = Decimal(int(data.get("amount") or 0)) if data.get("penalty_kind") == "fine" else None
    return {
        "facts": _facts(data, violation), "evidence": _evidence(session, case, data),
        "violated": violated, "applied": applied, "proposed_penalty": _kind_label(data),
        "statement_deadline": date.fromisoformat(data["response_due_date"]),
        "fine_amount": amount,
        "hearing_request_deadline": (date.fromisoformat(data["response_due_date"])
                                     if data.get("hearing_right") else None),
    }


def _hearing_notice(session, case, unit, data):
    violation = _violation(session, case)
    on = date.fromisoformat(data["hearing_on"])
    return {
        "penalty_notice_number": data["notice_number"],
        "matter": _matter(unit, violation, data),
        "hearing_at": clock.to_local(clock.local_midnight_utc(on)).replace(hour=9),
        "place": data["place"], "host": data["host"], "public": bool(data.get("public", True)),
    }


def _matter(unit, violation: Violation, data: dict) -> str:
    return (f"拟对{unit.name}{violation.rule.get('label', '违法行为')}处{_kind_label(data)}"
            f"{int(data.get('amount') or 0)}元")


def hearing_record(session, case, unit, data):
    """听证笔录 from the record task: what 公安程序规定 第一百五十一条 lists."""
    violation = _violation(session, case)
    on = date.fromisoformat(data["hearing_on"])
    proposed = f"拟处{_kind_label(data)}{int(data.get('amount') or 0)}元"
    return {
        "penalty_notice_number": data["notice_number"],
        "hearing_notice_number": data["hearing_notice_number"],
        "matter": _matter(unit, violation, data),
        "held_at": clock.to_local(clock.local_midnight_utc(on)).replace(hour=9),
        "place": data["place"], "public": bool(data.get("public", True)), "host": data["host"],
        "recorder": data["recorder"],
        "participants": [p for p in data.get("participants") or [] if p.strip()]
                        or [unit.legal_representative or unit.name],
        "investigator_statement": data.get("investigator_statement")
                                  or f"{_facts(data, violation)}依据{violation.article}，{proposed}。",
        "party_statement": data["record"], "outcome": data["outcome"],
        "debate": data.get("debate") or None, "final_statements": data.get("final_statements") or None,
        "party_signed": bool(data.get("party_signed", True)),
    }


def _statement(data) -> str:
    said = data.get("statement")
    heard = (f"当事人提出陈述、申辩：{said}。" if said else "当事人在规定期限内未提出陈述、申辩。")
    if data.get("adoption"):
        heard += f"经复核：{data['adoption']}"
    return heard if data.get("notice_number") else "适用简易程序，当场听取当事人陈述、申辩。"


def _decision(session, case, unit, data):
    violation = _violation(session, case)
    violated, applied = _basis(violation, data)
    context = {
        "facts": _facts(data, violation), "evidence": _evidence(session, case, data),
        "violated": violated, "applied": applied, "statement": _statement(data),
        "review": case_documents._review(unit),
    }
    if data.get("penalty_kind") != "fine":
        return {**context, "correction": "依法改正违法行为。"}
    return {**context, "fine_amount": Decimal(int(data["final_amount"])),
            "payment_place": PAYMENT_PLACE, "penalty_kind": "罚款",
            "prior_notice_number": data.get("notice_number") or None,
            "hearing": _hearing_said(data)}


def _hearing_said(data) -> str | None:
    """听证情况 in the decision: held, with its record; or terminated, with the ground
    (公安程序规定 第一百四十九条); nothing where no hearing was requested."""
    found = data.get("hearing") or {}
    end = found.get("termination")
    if found.get("status") == "held" and found.get("record"):
        return f"本机关于{data['hearing_on']}举行听证，制作听证笔录（{found['record']}）。"
    if found.get("status") == "terminated" and end:
        return f"听证于{end['on']}终止：{end['label']}（{end['article']}）。"
    return None


def _reminder(session, case, unit, data):
    return {
        "decision_number": data["decision_number"],
        "decision_date": date.fromisoformat(data["decided_on"]),
        "served_on": date.fromisoformat(data.get("decision_served_on") or data["decided_on"]),
        "fine_amount": Decimal(int(data["final_amount"])),
        "surcharge_amount": Decimal(data["surcharge"]["amount"]),
        "surcharge_as_of": date.fromisoformat(data["surcharge"]["as_of"]),
        "deadline": date.fromisoformat(data["enforce_date"]),
        "payment_place": PAYMENT_PLACE,
    }


def _for_penalty_cases(kind: str, builder):
    previous = case_documents.BUILDERS.get(kind)

    def build(session, case, unit, data):
        if case.kind == "penalty" or previous is None:
            return builder(session, case, unit, data)
        return previous(session, case, unit, data)
    return build


def register_builders() -> None:
    """Make the penalty case's builders available to `issue_for_case` (idempotent)."""
    for kind, builder in (("penalty_notice", _notice), ("hearing_notice", _hearing_notice),
                          ("penalty_decision", _decision), ("warning_decision", _decision),
                          ("payment_reminder", _reminder)):
        if getattr(case_documents.BUILDERS.get(kind), "penalty", False):
            continue
        wrapped = _for_penalty_cases(kind, builder)
        wrapped.penalty = True
        case_documents.BUILDERS[kind] = wrapped


def as_of(moment: datetime) -> date:
    return clock.to_local(moment).date()
