"""A small bureau for the web tests: users of every role, two jurisdictions, cases at stages."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from casework import clock, engine
from casework.models import Document, Jurisdiction, User
from casework.passwords import hash_password
from casework.install.seed import seed_reference_data
from casework.services.units import registration
from casework.services.processes import tasks
from casework.services.actor import Actor
from casework.services.units.credit_code import make
from casework.services.footage_access import request_access
from casework.services.cases.violations import report_violation
from recorder.dev.synthetic import Scene, make_h264
from recorder.dev.cameras import record_file

PASSWORD = "web-test-password"
STAFF = {"clerk": ["clerk"], "inspector": ["inspector"], "legal": ["legal_reviewer"],
         "head": ["bureau_head"], "manager": ["manager"], "scheduler": ["scheduler"],
         "auditor": ["auditor"], "admin": ["admin", "clerk"]}
ROLES = (None, *STAFF, "tyclerk", "unitA", "unitB")  # None: anonymous
CLERK = Actor("clerk", frozenset({"clerk"}))
LEGAL = Actor("legal", frozenset({"legal_reviewer"}))
OFFICER = Actor("inspector", frozenset({"inspector"}))
FACTS = "现场检查发现，该单位在安装图像采集设备的公共场所未设置明显标志。"


def build(container, tmp_path) -> dict:
    seed_reference_data(container, progress=lambda _m: None)
    digest = hash_password(PASSWORD)
    with container.uow() as uow:
        taiyuan = uow.session.execute(select(Jurisdiction.id).where(Jurisdiction.code == "taiyuan")).scalar_one()
        for name, roles in STAFF.items():
            uow.session.add(User(username=name, display_name=name, roles=roles, password_hash=digest,
                                 created_at=clock.now()))
        uow.session.add(User(username="tyclerk", display_name="太原办事员", roles=["clerk"],
                             jurisdiction_id=taiyuan, password_hash=digest, created_at=clock.now()))
        uow.commit()
    a = _unit(container, "taiyuan", 1, "太原测试商场")
    b = _unit(container, "changzhou", 2, "常州测试商场")
    with container.uow() as uow:
        for username, unit in (("unitA", a), ("unitB", b)):
            uow.session.add(User(username=username, display_name=username, roles=["unit"],
                                 unit_id=unit["unit_id"], password_hash=digest, created_at=clock.now()))
        uow.commit()
    draft_ref = report_violation(container.uow(), actor=CLERK, unit_id=a["unit_id"], code="no_signage",
                                 facts=FACTS, act_key="web-1")
    ordered_ref = report_violation(container.uow(), actor=CLERK, unit_id=b["unit_id"], code="no_signage",
                                   facts=FACTS, act_key="web-2")
    _do(container, ordered_ref, "rectification_draft", {"facts": FACTS, "correction_days": 7}, CLERK)
    _do(container, ordered_ref, "legal_review", {"approved": True, "comment": "事实清楚"}, LEGAL)
    camera_id = registration.register_camera(container.uow(), actor=a["unit"], system_id=a["system_id"],
                                             name="1号摄像机", location="一层东侧出入口",
                                             place_kind="public_area")
    start = clock.now()
    record_file(container, camera_id, str(make_h264(tmp_path / "c.ts", 8, Scene())), segment_seconds=2.0)
    clock.current().advance(minutes=5)
    footage_ref = request_access(container.uow(), actor=OFFICER, camera_id=camera_id, t0=start,
                                 t1=start + timedelta(seconds=6), purpose="治安案件取证",
                                 destination="派出所案件室",
                                 officers=[{"name": "李明", "badge": "140101"}, {"name": "王刚", "badge": "140102"}])
    with container.uow() as uow:
        document_b = uow.session.execute(select(Document.id).where(Document.case_ref == ordered_ref)
                                         .order_by(Document.id)).scalars().first()
    return {"a": a, "b": b, "draft_ref": draft_ref, "ordered_ref": ordered_ref, "footage_ref": footage_ref,
            "camera_id": camera_id, "document_b": document_b,
            "draft_task": _item(container, draft_ref, "rectification_draft"),
            "unit_a_task": _item(container, a["case_ref"], "acceptance_complete"),
            "unit_b_task": _item(container, b["case_ref"], "acceptance_complete"),
            "approval_task": _item(container, footage_ref, "access_approval")}


def _unit(container, jurisdiction: str, serial: int, name: str) -> dict:
    reg = registration.register_unit(
        container.uow(), actor=CLERK, credit_code_value=make(f"91140100MA0{serial:06d}"), name=name,
        address=f"{jurisdiction}市人民路{serial}号", legal_representative="张三",
        site_category="commercial", party_type="business", jurisdiction=jurisdiction,
        electronic_service_consent=True)
    reg["unit"] = Actor(f"unit-{reg['unit_id']}", frozenset({"unit"}), reg["unit_id"])
    return reg


def _item(container, case_ref: str, form_key: str) -> int:
    with container.uow() as uow:
        return next(w.id for w in engine.list_work_items(uow.session, case_ref=case_ref)
                    if w.form_key == form_key)


def _do(container, case_ref: str, form_key: str, data: dict, actor: Actor) -> None:
    tasks.complete_task(container.uow(), actor=actor, work_item_id=_item(container, case_ref, form_key),
                        data=data)
