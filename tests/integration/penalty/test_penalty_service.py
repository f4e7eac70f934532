"""Issue 14: the penalty's documents are served before their periods run (第三十六条 of the police
procedure, APL 第六十一条), and a revoked decision ends what hangs on it."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casework import clock as clock_module
from casework.engine import get_instance
from casework.errors import Conflict
from casework.legal_calendar import PARTY
from casework.models import AuditEvent
from casework.services import case_view, deadlines, queues
from casework.services.cases import service_of_documents
from casework.services.penalty import publication, service
from casework.services.units import registration
from tests.integration.lifecycle.lifecycle_driver import CLERK, LEGAL, Driver
from tests.integration.penalty.test_penalty_procedure import (approve, inner_mongolia_case, investigate,
                                                               propose, serve)


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


def _decided(driver, reg, ref) -> None:
    """Noticed, served, no statement, reviewed and approved: the decision is issued today."""
    investigate(driver, ref)
    propose(driver, ref, "fine", 6000)
    serve(driver, ref, reg)
    driver.complete(ref, "penalty_response", {"statement": "", "hearing_requested": False}, reg["unit"])
    approve(driver, ref)
    assert driver.documents(ref)[-1].kind == "penalty_decision"


def _expected(driver, start: date, period: str) -> str:
    with driver.uow() as uow:
        return deadlines.deadline(uow.session, start, period, PARTY)["date"]


def test_payment_deadline_moves_with_a_later_receipt(driver):
    reg, ref = inner_mongolia_case(driver)
    _decided(driver, reg, ref)
    decided_on = clock_module.today_local()
    assert driver.open_forms(ref) == []  # nothing to pay before the decision is served
    assert "payment" not in driver.case_data(ref)["periods"]
    driver.travel(days=2)  # the unit confirms receipt two days later, inside its window
    serve(driver, ref, reg)
    served_on = decided_on + timedelta(days=2)
    data = driver.case_data(ref)
    assert data["decision_served_on"] == served_on.isoformat()
    assert data["payment_due_date"] == _expected(driver, served_on, "15d")
    assert data["payment_due_date"] > _expected(driver, decided_on, "15d")
    assert data["periods"]["reconsideration"]["date"] == _expected(driver, served_on, "60d")
    pay = driver.task(ref, "penalty_payment")
    assert clock_module.to_local(pay.due_at - timedelta(seconds=1)).date().isoformat() == data["payment_due_date"]
    shown = {p["name"]: p for p in case_view.case_page(driver.uow(), ref, actor=CLERK)["legal_periods"]}
    assert shown["缴纳罚款期限"]["date"] == data["payment_due_date"]


def test_unconfirmed_decision_is_the_clerks_to_serve_within_seven_working_days(driver):
    reg, ref = inner_mongolia_case(driver)
    _decided(driver, reg, ref)
    period = driver.case_data(ref)["periods"]["service"]
    assert "第六十一条" in period["article"] and "第三十六条" in period["article"]
    assert period["owed_by"] == "bureau" and period["period"] == "7wd"
    decision = driver.documents(ref)[-1]
    with driver.uow() as uow:
        window = service_of_documents.state(uow.session, uow.session.merge(decision))["confirm_by"]
    driver.travel(days=(date.fromisoformat(window) - clock_module.today_local()).days + 1)
    driver.sweep()
    assert driver.open_forms(ref) == ["penalty_service"]
    item = driver.task(ref, "penalty_service")
    assert item.role == "clerk" and item.due_at.isoformat() == period["at"]
    with pytest.raises(Conflict, match="确认期限已过"):
        service_of_documents.confirm(driver.uow(), actor=reg["unit"], document_id=decision.id)
    driver.complete(ref, "penalty_service", {"service_method": "post", "service_place": "单位注册地址",
                                             "service_servers": ["王五", "赵六"]}, CLERK)
    served_on = clock_module.today_local()
    data = driver.case_data(ref)
    assert data["periods"]["service"]["served_on"] == served_on.isoformat()
    assert data["payment_due_date"] == _expected(driver, served_on, "15d")
    assert driver.open_forms(ref) == ["penalty_payment"]
    receipts = [d for d in driver.documents(ref, receipts=True) if d.kind == "service_receipt"]
    assert receipts[-1].context["served_number"] == decision.number
    assert receipts[-1].context["method"] == "post"
    shown = {p["name"]: p for p in case_view.case_page(driver.uow(), ref, actor=CLERK)["legal_periods"]}
    assert shown["决定书送达期限"]["article"] == period["article"]


def test_without_consent_the_clerk_serves_the_notice_at_once(driver):
    reg = driver.register("inner_mongolia", consent=False)
    result = registration.report_in_use(driver.uow(), actor=reg["unit"], system_id=reg["system_id"],
                                        on=clock_module.today_local())
    rect = result["violation_case"]
    driver.complete(rect, "rectification_draft", {"facts": "经查，该系统未经验收即投入使用。",
                                                  "correction_days": driver.case_data(rect)["correction_days"]},
                    CLERK)
    driver.complete(rect, "legal_review", {"approved": True, "comment": "同意"},
                    LEGAL)
    [penalty] = driver.cases_of(reg["unit_id"], "penalty")
    investigate(driver, penalty.ref)
    propose(driver, penalty.ref, "fine", 6000)
    assert driver.open_forms(penalty.ref) == ["penalty_service"]
    driver.complete(penalty.ref, "penalty_service", {"service_method": "direct", "service_place": "单位办公室"},
                    CLERK)
    data = driver.case_data(penalty.ref)
    assert data["response_due_date"] == _expected(driver, clock_module.today_local(), "5wd")
    assert driver.open_forms(penalty.ref) == ["penalty_response"]


def test_service_recorded_elsewhere_ends_the_clerks_work_item(driver):
    """The clerk serves from the documents page instead: the process hears of it."""
    reg, ref = inner_mongolia_case(driver)
    investigate(driver, ref)
    propose(driver, ref, "fine", 6000)
    driver.travel(days=7)
    driver.sweep()
    assert driver.open_forms(ref) == ["penalty_service"]
    notice = driver.documents(ref)[-1]
    service_of_documents.record(driver.uow(), actor=CLERK, document_id=notice.id, method="left",
                                place="单位前台")
    assert driver.open_forms(ref) == ["penalty_response"]
    assert driver.case_data(ref)["response_due_date"] == _expected(driver, clock_module.today_local(), "5wd")


def test_the_receipt_window_passed_without_a_sweep_fires_before_the_service(driver):
    """penalty.bpmn `receipt_window_over` on `await_service`: due by the clock, it fires first."""
    reg, ref = inner_mongolia_case(driver)
    investigate(driver, ref)
    propose(driver, ref, "fine", 6000)
    driver.travel(days=7)  # no sweep ran
    notice = driver.documents(ref)[-1]
    service_of_documents.record(driver.uow(), actor=CLERK, document_id=notice.id, method="post",
                                place="单位注册地址")
    assert driver.open_forms(ref) == ["penalty_response"]
    with driver.uow() as uow:
        case = driver.case(ref)
        message = uow.session.scalars(select(AuditEvent).where(
            AuditEvent.subject == f"instance:{case.instance_id}", AuditEvent.action == "engine.message")).one()
    assert message.data["timers"] and message.data["message"] == "document_served"


def test_a_revoked_decision_cancels_payment_and_withdraws_publication(driver):
    reg, ref = inner_mongolia_case(driver)
    _decided(driver, reg, ref)
    serve(driver, ref, reg)
    assert driver.open_forms(ref) == ["penalty_payment"]
    result = service.report_review(driver.uow(), actor=CLERK, case_ref=ref, kind="lawsuit",
                                   outcome="revoked", note="认定事实不清")
    assert result["cancelled"] is True and result["withdraw_by"]
    assert driver.open_forms(ref) == []
    case = driver.case(ref)
    assert (case.status, case.outcome) == ("closed", "lawsuit_revoked")
    with driver.uow() as uow:
        instance = get_instance(uow.session, case.instance_id)
        assert instance.status == "cancelled"
        assert "撤销" in instance.data["cancellation"]["reason"]
        assert "pay" in instance.data["cancellation"]["open_tasks"]
        assert instance.data["final_amount"] == 6000  # the case's data is kept
        [row] = publication.search(uow.session, "")["items"]
    assert row["status"] == "withdrawn" and "撤销" in row["withdrawal_reason"]
    driver.travel(days=60)
    assert driver.sweep() == 0  # no payment deadline left to miss: no 催告书
    assert [d.kind for d in driver.documents(ref)][-1] == "penalty_decision"
    again = service.report_review(driver.uow(), actor=CLERK, case_ref=ref, kind="lawsuit",
                                  outcome="revoked", note="重复报告")
    assert again["cancelled"] is False  # nothing left to cancel; the report is still recorded


def test_a_document_the_process_serves_is_listed_once_as_its_work_item(driver):
    """Regression: the decision awaiting the clerk's service was both the queue's work item and
    a row of the documents to serve; it is the work item only, and never listed nowhere."""
    reg, ref = inner_mongolia_case(driver)
    _decided(driver, reg, ref)
    decision = driver.documents(ref)[-1]
    with driver.uow() as uow:
        window = service_of_documents.state(uow.session, uow.session.merge(decision))["confirm_by"]
    driver.travel(days=(date.fromisoformat(window) - clock_module.today_local()).days + 1)

    def listed() -> tuple[list[str], list[str]]:
        rows = queues.queue(driver.uow(), actor=CLERK, view="all", filters={"case": ref})["rows"]
        to_serve = [i["number"] for i in service_of_documents.clerk_queue(driver.uow(), actor=CLERK)]
        return [r["form_key"] for r in rows], to_serve

    # the window has passed but no sweep has fired its timer yet: the documents list has it
    work, to_serve = listed()
    assert work == [] and decision.number in to_serve
    driver.sweep()
    work, to_serve = listed()
    assert work == ["penalty_service"] and decision.number not in to_serve
    page = case_view.case_page(driver.uow(), ref, actor=CLERK)
    assert [t["form_key"] for t in page["tasks"]] == ["penalty_service"]
    driver.complete(ref, "penalty_service", {"service_method": "direct", "service_place": "单位办公室"}, CLERK)
    work, to_serve = listed()
    assert "penalty_service" not in work and decision.number not in to_serve
