"""Issue 14's escalation defects: sanctions that come with the order, referred cases that
close, and an article with no fine that never reaches the penalty procedure."""
from __future__ import annotations

from datetime import date

import pytest

from casework import clock as clock_module
from casework.services.cases import cases
from casework.services.units import registration
from tests.integration.lifecycle.lifecycle_driver import CLERK, Driver

from tests.integration.lifecycle.test_lifecycle_scenarios import (
    accept_and_start_filing, pdf_text, tengchong_inspection_finding, tengchong_obstruction_order)



def _past_deadline(driver, ref: str) -> None:
    last = date.fromisoformat(driver.case_data(ref)["deadline_date"])
    driver.travel(days=(last - clock_module.today_local()).days + 1)


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


def test_inner_mongolia_fine_proceeds_with_the_order_and_the_order_says_so(driver):
    reg = driver.register("inner_mongolia")
    result = registration.report_in_use(driver.uow(), actor=reg["unit"], system_id=reg["system_id"],
                                        on=clock_module.today_local())
    rect = driver.case(result["violation_case"])
    assert driver.violation(rect).rule["fine"]["when"] == "with_order"
    driver.order(rect.ref)
    [order] = driver.documents(rect.ref)
    text = pdf_text(driver, order)
    assert "责令改正的同时并处5000元以上10000元以下罚款" in text
    assert "逾期不改正的，公安机关将依法处理" in text and "逾期不改正的，将依据" not in text
    # the fine proceeds now, not after a missed deadline: a penalty case awaits 立案审批
    [penalty] = driver.cases_of(reg["unit_id"], "penalty")
    assert penalty.violation_id == rect.violation_id
    assert driver.open_forms(penalty.ref) == ["penalty_handoff"]
    assert driver.case_data(penalty.ref)["rectification_ref"] == rect.ref
    assert driver.open_forms(rect.ref) == ["rectification_report"]
    # not corrected afterwards: the fine already proceeded; nothing is referred a second time
    _past_deadline(driver, rect.ref)
    driver.sweep()
    closed = driver.case(rect.ref)
    assert (closed.status, closed.outcome) == ("closed", "not_corrected")
    assert len(driver.cases_of(reg["unit_id"], "penalty")) == 1


def test_referred_case_closes_after_the_hand_off_is_approved(driver):
    reg, _filing = accept_and_start_filing(driver, "taiyuan")
    driver.travel(days=40)
    driver.sweep()
    [rect] = driver.cases_of(reg["unit_id"], "rectification")
    driver.order(rect.ref)
    driver.travel(days=60)
    driver.sweep()
    assert driver.open_forms(rect.ref) == ["penalty_handoff"]
    driver.complete(rect.ref, "penalty_handoff", {"approved": True, "comment": "同意立案"}, CLERK)
    closed = driver.case(rect.ref)
    assert (closed.status, closed.outcome, closed.due_at) == ("closed", "referred_to_penalty", None)
    overdue = cases.list_cases(driver.uow(), actor=CLERK, overdue=True)
    assert rect.ref not in [c["ref"] for c in overdue]
    [penalty] = driver.cases_of(reg["unit_id"], "penalty")
    assert driver.open_forms(penalty.ref) == ["penalty_investigation"]  # 立案 already approved
    assert driver.violation(rect).status == "penalty"


def test_article_without_a_fine_never_reaches_the_penalty_procedure(driver, clock):
    reg, rect = tengchong_inspection_finding(driver, clock, "signage", "未设置标志")
    assert driver.violation(rect).code == "no_signage" and not driver.violation(rect).rule["fine"]
    driver.order(rect.ref)
    _past_deadline(driver, rect.ref)
    driver.sweep()
    assert "penalty_handoff" not in driver.open_forms(rect.ref)
    closed = driver.case(rect.ref)
    assert (closed.status, closed.outcome) == ("closed", "not_corrected")
    assert driver.cases_of(reg["unit_id"], "penalty") == []


def test_tengchong_warning_proceeds_with_the_order(driver, clock):
    """腾冲 第三十一条 责令改正，予以警告: notice of the warning right after the order, no missed deadline."""
    reg, rect = tengchong_obstruction_order(driver, clock)  # asserts the notice follows the order
    notice = driver.documents(rect.ref)[1]
    assert notice.kind == "penalty_notice" and "逾期未改正" not in pdf_text(driver, notice)
