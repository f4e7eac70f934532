"""Drives units through the lifecycle services as the people involved would."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from casework import engine
from casework.models import Case, Document, Violation
from casework.install.seed import seed_reference_data
from casework.services.cases import cases, service_of_documents
from casework.services.processes import sweeps, tasks
from casework.services.units import registration
from casework.services.actor import Actor
from casework.services.units.credit_code import make

CLERK = Actor("clerk1", frozenset({"clerk"}))
LEGAL = Actor("legal1", frozenset({"legal_reviewer"}))
INSPECTOR = Actor("inspector1", frozenset({"inspector"}))


class Driver:
    def __init__(self, container, clock) -> None:
        self.container, self.clock = container, clock
        self._serial = 0
        seed_reference_data(container, progress=lambda _msg: None)

    def uow(self):
        return self.container.uow()

    def register(self, jurisdiction: str, category: str = "commercial",
                 party_type: str = "business", consent: bool = True) -> dict:
        self._serial += 1
        code = make(f"91140100MA0{self._serial:06d}")
        result = registration.register_unit(
            self.uow(), actor=CLERK, credit_code_value=code, name=f"测试商场{self._serial}号",
            address=f"{jurisdiction}市人民路{self._serial}号", legal_representative="张三",
            site_category=category, party_type=party_type, jurisdiction=jurisdiction,
            electronic_service_consent=consent)
        result["unit"] = Actor(f"unit{result['unit_id']}", frozenset({"unit"}), result["unit_id"])
        return result

    def confirm_all(self, case_ref: str, unit: Actor) -> list[str]:
        """The unit confirms receipt of what is offered to it; the clerk posts the rest."""
        numbers = []
        for doc in self.documents(case_ref):
            with self.uow() as uow:
                status = service_of_documents.state(uow.session, uow.session.merge(doc))["status"]
            if status == "awaiting_receipt":
                numbers.append(service_of_documents.confirm(
                    self.uow(), actor=unit, document_id=doc.id)["receipt_number"])
            elif status == "clerk":
                numbers.append(service_of_documents.record(
                    self.uow(), actor=CLERK, document_id=doc.id, method="post",
                    place="单位注册地址")["receipt_number"])
        return numbers

    def task(self, case_ref: str, form_key: str | None = None):
        with self.uow() as uow:
            items = engine.list_work_items(uow.session, case_ref=case_ref, limit=20)
            if form_key:
                items = [w for w in items if w.form_key == form_key]
            assert items, f"no open task {form_key} on {case_ref}"
            return items[0]

    def open_forms(self, case_ref: str) -> list[str]:
        with self.uow() as uow:
            return [w.form_key for w in engine.list_work_items(uow.session, case_ref=case_ref)]

    def complete(self, case_ref: str, form_key: str, data: dict, actor: Actor) -> dict:
        item = self.task(case_ref, form_key)
        return tasks.complete_task(self.uow(), actor=actor, work_item_id=item.id, data=data)

    def case(self, ref: str) -> Case:
        with self.uow() as uow:
            return uow.session.execute(select(Case).where(Case.ref == ref)).scalar_one()

    def cases_of(self, unit_id: int, kind: str) -> list[Case]:
        with self.uow() as uow:
            return list(uow.session.execute(
                select(Case).where(Case.unit_id == unit_id, Case.kind == kind).order_by(Case.id)
            ).scalars())

    def violation(self, case: Case) -> Violation:
        with self.uow() as uow:
            return uow.session.get(Violation, case.violation_id)

    def documents(self, case_ref: str, receipts: bool = False) -> list[Document]:
        """The case's documents, without their proofs of service unless asked."""
        with self.uow() as uow:
            query = select(Document).where(Document.case_ref == case_ref).order_by(Document.id)
            if not receipts:
                query = query.where(Document.kind != "service_receipt")
            return list(uow.session.execute(query).scalars())

    def travel(self, days: int = 0, **kwargs) -> None:
        self.clock.advance(timedelta(days=days, **kwargs))

    def sweep(self) -> int:
        return sweeps.sweep_deadlines(self.container)

    def show(self, ref: str, actor: Actor = CLERK) -> dict:
        return cases.show_case(self.uow(), ref, actor=actor)

    # Whole steps -----------------------------------------------------------------
    def pass_acceptance(self, reg: dict) -> str:
        ref, unit = reg["case_ref"], reg["unit"]
        self.complete(ref, "acceptance_complete",
                      {"completed_on": self.clock.now().date().isoformat(), "camera_count": 12,
                       "builder": "某安防工程公司"}, unit)
        return ref

    def upload_and_accept(self, ref: str, unit: Actor, accepted: bool = True) -> None:
        self.complete(ref, "acceptance_test_report",
                      {"agency": "省安全技术防范产品质量检验站", "report_number": "JC-2026-001",
                       "conclusion": "pass" if accepted else "fail"}, unit)
        self.complete(ref, "acceptance_review",
                      {"accepted": accepted, "reasons": "" if accepted else "存储时长不足"}, CLERK)

    def file(self, ref: str, unit: Actor) -> None:
        self.complete(ref, "filing_submission",
                      {"materials": ["系统建设方案", "验收报告"], "camera_count": 12,
                       "contact": "李四 13800000000"}, unit)

    def order(self, ref: str, days: int | None = None) -> None:
        self.complete(ref, "rectification_draft",
                      {"facts": "经查，该单位未按规定办理备案。",
                       "correction_days": days or self.case_data(ref)["correction_days"]}, CLERK)
        self.complete(ref, "legal_review", {"approved": True, "comment": "同意"}, LEGAL)

    def case_data(self, ref: str) -> dict:
        with self.uow() as uow:
            case = uow.session.execute(select(Case).where(Case.ref == ref)).scalar_one()
            return engine.get_instance(uow.session, case.instance_id).data
