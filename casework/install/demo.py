"""Demo data: staff and unit users, and units in several jurisdictions at different stages."""
from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Callable

from sqlalchemy import select

from casework import clock, engine
from casework.models import Case, Document, User
from casework.passwords import hash_password
from casework.services.processes import tasks
from casework.services.units import registration
from casework.services.actor import Actor
from casework.services.units.credit_code import make
from casework.services.cases import portal_case, service_of_documents
from casework.services.cases.violations import report_violation

if TYPE_CHECKING:
    from casework.container import Container

DEMO_PASSWORD = "casework-demo"
STAFF = (
    ("clerk", "王办事员", ["clerk"]),
    ("inspector", "李检查员", ["inspector"]),
    ("legal", "赵法制员", ["legal_reviewer"]),
    ("head", "陈局长", ["bureau_head"]),
    ("manager", "周流程管理员", ["manager"]),
    ("scheduler", "吴调度员", ["scheduler"]),
    ("auditor", "郑审计员", ["auditor"]),
    ("admin", "系统管理员", ["admin", "clerk"]),
)
UNITS = (  # jurisdiction, name, site category, stage reached
    ("taiyuan", "太原市迎泽购物中心有限公司", "commercial", "filing_open"),
    ("taiyuan", "太原市晋阳宾馆有限公司", "hotel", "order_served"),
    ("changzhou", "常州市天宁商业广场有限公司", "commercial", "acceptance_open"),
    ("inner_mongolia", "呼和浩特市青城酒店管理有限公司", "hotel", "trial_run"),
    ("anyang", "安阳市文峰商贸有限公司", "commercial", "violation_draft"),
    ("taiyuan", "太原市并州百货有限公司", "commercial", "filing_returned"),
)


def seed_demo_data(container: Container, progress: Callable[[str], None] = print) -> str:
    """Idempotent: does nothing when the demo units exist."""
    with container.uow() as uow:
        if uow.session.execute(select(User).where(User.username == "clerk")).scalar_one_or_none():
            return "demo data present"
        for username, name, roles in STAFF:
            uow.session.add(User(username=username, display_name=name, roles=roles,
                                 password_hash=hash_password(DEMO_PASSWORD),
                                 created_at=clock.now()))
        uow.commit()
    clerk = Actor("clerk", frozenset({"clerk"}))
    for index, (jurisdiction, name, category, stage) in enumerate(UNITS, start=1):
        reg = registration.register_unit(
            container.uow(), actor=clerk, credit_code_value=make(f"9114010073{index:07d}"),
            name=name, address=f"{name[:3]}示范路{index}号", legal_representative="张经理",
            site_category=category, party_type="business", jurisdiction=jurisdiction,
            electronic_service_consent=True)
        _add_unit_user(container, reg["unit_id"], f"unit{index}", name)
        _advance(container, reg, stage, clerk)
        progress(f"demo unit {name}: {stage}")
    return f"{len(UNITS)} demo units, users with password {DEMO_PASSWORD!r}"


def _add_unit_user(container: Container, unit_id: int, username: str, name: str) -> None:
    with container.uow() as uow:
        uow.session.add(User(username=username, display_name=name, roles=["unit"], unit_id=unit_id,
                             password_hash=hash_password(DEMO_PASSWORD), created_at=clock.now()))
        uow.commit()


def _do(container: Container, case_ref: str, form_key: str, data: dict, actor: Actor) -> None:
    for item in tasks.list_tasks(container.uow(), actor=actor, case_ref=case_ref):
        if item["form_key"] == form_key:
            tasks.complete_task(container.uow(), actor=actor, work_item_id=item["id"], data=data)
            return
    raise LookupError(f"{case_ref}: no open {form_key}")


def _case_data(container: Container, case_ref: str) -> dict:
    with container.uow() as uow:
        case = uow.session.execute(select(Case).where(Case.ref == case_ref)).scalar_one()
        return engine.get_instance(uow.session, case.instance_id).data


def _advance(container: Container, reg: dict, stage: str, clerk: Actor) -> None:
    unit = Actor(f"unit-{reg['unit_id']}", frozenset({"unit"}), reg["unit_id"])
    ref = reg["case_ref"]
    if stage == "acceptance_open" or ref is None:
        return
    _do(container, ref, "acceptance_complete", {"completed_on": clock.today_local().isoformat(),
                                                "camera_count": 24, "builder": "示范安防工程公司"}, unit)
    if stage == "trial_run":
        return
    if stage in ("filing_open", "filing_returned"):
        _do(container, ref, "acceptance_test_report", {"agency": "省安防产品质量检验站",
                                                       "report_number": "JC-DEMO-1", "conclusion": "pass"}, unit)
        _do(container, ref, "acceptance_review", {"accepted": True}, clerk)
        if stage == "filing_returned":
            _return_filing(container, reg["unit_id"], unit, clerk)
        return
    legal = Actor("legal", frozenset({"legal_reviewer"}))
    code = "no_signage"
    case_ref = report_violation(container.uow(), actor=clerk, unit_id=reg["unit_id"], code=code,
                                facts="现场检查发现，该单位在安装图像采集设备的公共场所未设置明显标志。",
                                act_key=f"demo-{reg['unit_id']}")
    if stage == "violation_draft":
        return
    days = _case_data(container, case_ref)["correction_days"]
    _do(container, case_ref, "rectification_draft",
        {"facts": "现场检查发现，该单位在安装图像采集设备的公共场所未设置明显标志。", "correction_days": days}, clerk)
    _do(container, case_ref, "legal_review", {"approved": True, "comment": "事实清楚，依据正确"}, legal)
    # 第三十六条: served when the unit confirms receipt in its portal (it consented).
    with container.uow() as uow:
        offered = list(uow.session.scalars(select(Document.id).where(
            Document.case_ref == case_ref, Document.served_at.is_(None),
            Document.kind != "service_receipt")))
    for document_id in offered:
        service_of_documents.confirm(container.uow(), actor=unit, document_id=document_id)


def _return_filing(container: Container, unit_id: int, unit: Actor, clerk: Actor) -> None:
    """The unit files (with the attachments its rulebook asks for) and the clerk returns the
    filing for correction (退回补正): the portal shows what to fix, the answers kept."""
    with container.uow() as uow:
        ref = uow.session.scalars(select(Case.ref).where(Case.unit_id == unit_id, Case.kind == "filing")).one()
    page = portal_case.case_page(container.uow(), actor=unit, ref=ref)
    attachments = {name: _stored(container, _sample_pdf(f"Casework demo: {name}"))
                   for name in page["form"]["schema"]["properties"]["attachments"].get("required", ())}
    today = clock.today_local().isoformat()
    portal_case.submit(container.uow(), actor=unit, ref=ref, item_id=page["task"]["id"], data={
        "site": "并州路示范店一层至三层", "camera_count": 36, "camera_types": "枪机、球机、半球",
        "retention_days": 30, "contact": "刘主管 13900000000", "in_use_on": today,
        "attachments": attachments})
    _do(container, ref, "filing_review", {"accepted": False, "correction_days": 15,
                                          "reasons": "合同书缺少双方盖章页；主要设备清单未列明存储设备容量。"}, clerk)


def _stored(container: Container, body: bytes) -> str:
    """An attachment stored as the portal stores an upload (by its SHA-256)."""
    digest = hashlib.sha256(body).hexdigest()
    container.files.put(f"attachments/{digest[:2]}/{digest}", body)
    return f"sha256:{digest}"


def _sample_pdf(text: str) -> bytes:
    """A one-page PDF showing `text` (ASCII): the stand-in for a scanned attachment."""
    content = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
               b" /Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
