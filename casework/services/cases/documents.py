"""Documents a case issues: build each kind's context from case data, issue and serve."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from casework import audit, clock, documents
from casework.models import Case, Document, Unit, Violation
from casework.legal_calendar import PARTY
from casework.services import deadlines
from casework.services import wording
from casework.services.cases import service_of_documents

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.storage.files import FileStore

REQUIREMENTS = {
    "not_filed": "按规定向公安机关办理公共安全视频图像信息系统备案",
    "no_signage": "在安装图像采集设备的公共场所设置明显标志",
    "obstructed": "清除对图像采集设备的遮挡，恢复正常采集",
    "short_retention": "将视频图像信息保存期限调整至不少于规定期限",
    "interruption": "恢复系统正常运行，保证连续录像",
    "not_built_mandatory": "按照规定建设公共安全视频图像信息系统",
    "used_before_acceptance": "停止使用未经验收合格的系统，依法组织验收",
}


def issue_for_case(session: Session, files: FileStore, case: Case, kind: str, data: dict,
                   actor: str):
    """Issue the document of `kind` for `case` and offer it for service (第三十六条).

    Service is not recorded here: the unit confirms receipt in its portal (with consent),
    or a clerk records direct or postal service (`service_of_documents`).
    """
    unit = case.unit
    context = BUILDERS[kind](session, case, unit, data)
    document = documents.issue(session, files, kind=kind, jurisdiction_id=case.jurisdiction_id,
                               unit_id=case.unit_id, case_ref=case.ref, context=context,
                               actor=actor)
    route = service_of_documents.offer(session, document, actor=actor)
    audit.record(session, actor, "case.document", f"case:{case.ref}",
                 {"kind": kind, "number": document.number, "service": route["status"]})
    return document


def _facts(text: str) -> str:
    """The templates open facts with 经查，; a clerk's draft often does too."""
    text = text.strip()
    for lead in ("经查，", "经查,", "经查：", "经查:", "经查"):
        if text.startswith(lead):
            return text[len(lead):].lstrip()
    return text


def _review(unit: Unit) -> dict:
    name = unit.jurisdiction.name
    return {"reconsideration_organ": f"{name}人民政府", "court": f"{name}有管辖权的人民法院"}


def _violation(session: Session, case: Case) -> Violation:
    return session.get(Violation, case.violation_id)


def _provisions(session: Session, violation: Violation) -> tuple[list, list]:
    rule = violation.rule
    violated = [wording.provision(rule.get("obligation") or rule)]
    applied = [wording.provision(rule.get("penalty") or rule)]
    return violated, applied


def _system(session: Session, case: Case, data: dict) -> dict:
    system = case.system
    return {"site": system.site if system else "", "purpose": system.purpose if system else "",
            "camera_count": int(data.get("camera_count", len(system.cameras) if system else 0))}


def _rectification_order(session, case, unit, data):
    violation = _violation(session, case)
    violated, applied = _provisions(session, violation)
    return {
        "facts": _facts(data.get("facts") or violation.facts), "violated": violated,
        "applied": applied,
        "requirements": REQUIREMENTS.get(violation.code, "依法改正违法行为"),
        "deadline": data["deadline_date"],
        "consequence": wording.consequence_text(violation.rule),
        "with_order": wording.with_order_text(violation.rule) or None,
    }


def _evidence(session, case: Case, data: dict) -> list[str]:
    """What the case file actually holds: the documents served and the records made."""
    served = session.execute(
        select(Document.number, Document.kind).where(Document.case_ref == case.ref,
                                                     Document.kind != "service_receipt")
        .order_by(Document.id)).all()
    items = [f"{documents.KINDS[kind].title_zh}（{number}）及送达回执" for number, kind in served]
    if data.get("findings"):
        items.append(f"复查记录：{data['findings']}")
    if data.get("description"):
        items.append(f"当事人整改报告：{data['description']}")
    return items or [f"立案材料（{case.ref}）"]


def _penalty_notice(session, case, unit, data):
    violation = _violation(session, case)
    violated, applied = _provisions(session, violation)
    return {
        "facts": f"{_facts(data.get('facts') or violation.facts)}{_after_order(data)}",
        "evidence": _evidence(session, case, data), "violated": violated, "applied": applied,
        "proposed_penalty": "警告", "statement_deadline": data["deadline_date"],
    }


def _after_order(data: dict) -> str:
    """A warning given with the order (责令改正，予以警告) follows no missed deadline."""
    return "" if data.get("warning_with_order") else "经责令限期改正，当事人逾期未改正。"


def _warning_decision(session, case, unit, data):
    violation = _violation(session, case)
    violated, applied = _provisions(session, violation)
    statement = data.get("statement")
    heard = (f"当事人提出陈述、申辩：{statement}。" if statement
             else "当事人在规定期限内未提出陈述、申辩。")
    return {
        "facts": f"{_facts(data.get('facts') or violation.facts)}{_after_order(data)}",
        "evidence": _evidence(session, case, data), "violated": violated, "applied": applied,
        "statement": f"{heard}经复核：{data['adoption']}",
        "review": _review(unit),
        "correction": f"限于本决定送达之日起{data['correction_days']}日内改正。",
    }


def _filing_basis(data: dict) -> list[dict]:
    return [wording.provision({"source": data["source"], "article": data["article"],
                             "quote": data["quote"]})]


def _submitted_on(data: dict):
    return clock.to_local(clock.parse_iso(data["submitted_at"])).date()


def _filing_receipt(session, case, unit, data):
    return {"system": _system(session, case, data), "submitted_on": _submitted_on(data),
            "basis": _filing_basis(data)}


def _filing_returned(session, case, unit, data):
    return {
        "system": _system(session, case, data), "submitted_on": _submitted_on(data),
        "missing": [data.get("reasons") or "备案材料不齐全"], "basis": _filing_basis(data),
        "deadline": data["deadline_date"],
        "consequence": "逾期不补正的，视为未备案，公安机关将依法责令限期改正。",
    }


def _acceptance_failed(session, case, unit, data):
    steps = data.get("acceptance_steps") or []
    basis = [wording.provision(s) for s in steps[:2]]
    return {
        "system": _system(session, case, data), "inspected_on": clock.today_local(),
        "findings": [data.get("reasons") or "系统检测或验收不合格"], "basis": basis,
        "requirements": "对不合格项目进行整改后重新检测、申请验收",
        "deadline": deadlines.deadline(session, clock.today_local(), "30d", PARTY)["date"],
        "consequence": "验收不合格的系统不得投入使用；擅自投入使用的，公安机关将依法处理。",
    }


def _evidence_request(session, case, unit, data):
    local = lambda iso: clock.to_local(clock.parse_iso(iso)).strftime("%Y-%m-%dT%H:%M")  # noqa: E731
    basis = [wording.provision({"source": data[f"{k}_source"], "article": data[f"{k}_article"],
                              "quote": data[f"{k}_quote"]})
             for k in ("access", "approval") if data.get(f"{k}_article")]
    return {
        "purpose": data["purpose"],
        "items": [{"location": f"{data['camera_location']} {data['camera_name']}",
                   "start": local(data["t0"]), "end": local(data["t1"]),
                   "description": f"原始录像，已依法保全并导出（清单校验值 {data['manifest_sha256'][:16]}…）"}],
        "basis": basis,
        "deadline": clock.today_local(),
        "officers": data["officers"],
        "consequence": "请保留原始录像，不得删改；拒不提供或者拖延提供的，本机关将依法处理。",
    }


BUILDERS = {
    "evidence_request": _evidence_request,
    "rectification_order": _rectification_order,
    "penalty_notice": _penalty_notice,
    "warning_decision": _warning_decision,
    "filing_receipt": _filing_receipt,
    "filing_returned": _filing_returned,
    "acceptance_failed": _acceptance_failed,
}
