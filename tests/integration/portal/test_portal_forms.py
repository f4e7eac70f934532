"""Issue 13: the portal's forms through the services — filings (returned, resubmitted, started
by the unit), acceptance with its test report and trial run, defence and hearing inside their
period, and the re-check's outcome."""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

import pytest

from casework import clock as clock_module
from casework.errors import Conflict, InvalidInput, RuleViolation
from casework.models import VideoSystem
from casework.services.cases import filing_forms, portal_case, portal_filings
from casework.services.cases.violations import report_violation
from tests.integration.lifecycle.lifecycle_driver import CLERK, INSPECTOR, Driver
from tests.integration.penalty.test_penalty_procedure import (inner_mongolia_case, investigate,
                                                              propose, tengchong_case)

FILING = {"site": "太原市人民路1号一层", "camera_count": 12, "camera_types": "枪机、球机",
          "retention_days": 30, "contact": "李四 13800000000", "in_use_on": "2026-03-02"}


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


def stored(driver, body: bytes) -> str:
    """An attachment as the portal stores it (content-addressed)."""
    digest = hashlib.sha256(body).hexdigest()
    with driver.uow() as uow:
        uow.files.put(f"attachments/{digest[:2]}/{digest}", body)
    return f"sha256:{digest}"


def accepted_taiyuan(driver) -> tuple[dict, str]:
    """A Taiyuan unit whose system passed acceptance: its filing window runs (第十六条第一款)."""
    reg = driver.register("taiyuan")
    driver.pass_acceptance(reg)
    driver.upload_and_accept(reg["case_ref"], reg["unit"])
    [filing] = driver.cases_of(reg["unit_id"], "filing")
    return reg, filing.ref


def test_returned_filing_shows_the_reasons_keeps_the_answers_and_continues_the_case(driver):
    reg, ref = accepted_taiyuan(driver)
    unit = reg["unit"]
    page = portal_case.case_page(driver.uow(), actor=unit, ref=ref)
    assert page["task"]["form_key"] == "filing_submission"
    group = page["form"]["schema"]["properties"]["attachments"]
    assert set(group["required"]) == {"design_plan", "contract", "acceptance_documents", "equipment_list"}
    assert page["filing"]["needs"]["article"] == "第十六条第一款"
    assert "第十六条第一款" in group["properties"]["contract"]["title"]
    with pytest.raises(InvalidInput, match="attachments"):
        portal_case.submit(driver.uow(), actor=unit, ref=ref, item_id=page["task"]["id"], data=FILING)
    files = {name: stored(driver, b"%PDF-1.4 " + name.encode()) for name in group["required"]}
    portal_case.submit(driver.uow(), actor=unit, ref=ref, item_id=page["task"]["id"],
                       data={**FILING, "attachments": files, "materials": ["消防验收意见"]})
    data = driver.case_data(ref)
    assert data["materials"][-1] == "消防验收意见" and "合同书" in data["materials"]
    driver.complete(ref, "filing_review", {"accepted": False, "reasons": "合同书缺少盖章页",
                                           "correction_days": 10}, CLERK)
    page = portal_case.case_page(driver.uow(), actor=unit, ref=ref)
    assert page["filing"]["returned"]["reasons"] == "合同书缺少盖章页"
    assert page["filing"]["returned"]["document"]
    assert page["values"]["contact"] == FILING["contact"]
    assert page["values"]["attachments.contract"] == [files["contract"]]
    assert page["values"]["materials"] == "消防验收意见"  # the attachments' names are not repeated
    portal_case.submit(driver.uow(), actor=unit, ref=ref, item_id=page["task"]["id"],
                       data={**FILING, "attachments": {**files, "contract": stored(driver, b"%PDF-1.4 2")}})
    assert driver.open_forms(ref) == ["filing_review"]
    assert [c.ref for c in driver.cases_of(reg["unit_id"], "filing")] == [ref]  # the same case
    with pytest.raises(Conflict):
        portal_case.submit(driver.uow(), actor=unit, ref=ref, item_id=page["task"]["id"], data=FILING)


def test_unit_starts_a_dismantling_filing_once(driver):
    reg, _ref = accepted_taiyuan(driver)
    unit = reg["unit"]
    overview = portal_filings.overview(driver.uow(), actor=unit)
    kinds = {k["kind"]: k for k in overview["systems"][0]["kinds"]}
    assert kinds["after_dismantling"]["article"] == "第十六条第二款"
    assert "pre_existing" not in kinds
    form = portal_filings.new_form(driver.uow(), actor=unit, system_id=reg["system_id"], kind="after_dismantling")
    assert form["needs"] is None  # Taiyuan's text lists no material for dismantling
    data = {"site": "一层", "camera_count": 0, "contact": "李四", "dismantled_on": "2026-03-01"}
    result = portal_filings.start(driver.uow(), actor=unit, system_id=reg["system_id"],
                                  kind="after_dismantling", data=data)
    assert driver.open_forms(result["case_ref"]) == ["filing_review"]
    case = driver.case(result["case_ref"])
    assert case.subkind == "after_dismantling" and case.due_at is not None
    with driver.uow() as uow:
        assert uow.session.get(VideoSystem, reg["system_id"]).status == "dismantled"
    with pytest.raises(RuleViolation):  # a dismantled system files nothing more
        portal_filings.start(driver.uow(), actor=unit, system_id=reg["system_id"],
                             kind="after_dismantling", data=data)


def test_a_change_of_cameras_is_filed_promptly_under_the_national_rule(driver):
    reg, _ref = accepted_taiyuan(driver)
    data = {**FILING, "changed_on": "2026-03-02", "cameras_added": 2}
    data.pop("in_use_on")
    result = portal_filings.start(driver.uow(), actor=reg["unit"], system_id=reg["system_id"],
                                  kind="camera_change", data=data)
    case_data = driver.case_data(result["case_ref"])
    assert case_data["article"] == "第十四条第一款" and "及时" in case_data["window_rule"]
    assert driver.open_forms(result["case_ref"]) == ["filing_review"]
    with pytest.raises(Conflict):
        portal_filings.start(driver.uow(), actor=reg["unit"], system_id=reg["system_id"],
                             kind="camera_change", data=data)


def test_another_unit_cannot_see_or_file_for_the_system(driver):
    reg, ref = accepted_taiyuan(driver)
    other = driver.register("taiyuan")["unit"]
    from casework.errors import NotFound
    with pytest.raises(NotFound):
        portal_case.case_page(driver.uow(), actor=other, ref=ref)
    with pytest.raises(NotFound):
        portal_filings.new_form(driver.uow(), actor=other, system_id=reg["system_id"], kind="camera_change")


def test_acceptance_reports_completion_sees_the_trial_run_end_and_uploads_the_report(driver):
    reg = driver.register("inner_mongolia")
    ref, unit = reg["case_ref"], reg["unit"]
    page = portal_case.case_page(driver.uow(), actor=unit, ref=ref)
    assert page["acceptance"]["trial"]["article"] == "第十七条第一款"
    assert page["acceptance"]["trial_end"] is None
    portal_case.submit(driver.uow(), actor=unit, ref=ref, item_id=page["task"]["id"],
                       data={"completed_on": "2026-03-02", "camera_count": 8, "builder": "某公司"})
    page = portal_case.case_page(driver.uow(), actor=unit, ref=ref)
    assert page["task"] is None and page["acceptance"]["trial_end"] == "2026-04-02"
    driver.travel(days=32)
    driver.sweep()
    page = portal_case.case_page(driver.uow(), actor=unit, ref=ref)
    assert "report_file" in page["form"]["schema"]["required"]  # 第十七条第一款: a certified test
    report = {"agency": "检验站", "report_number": "JC-1", "conclusion": "pass"}
    with pytest.raises(InvalidInput, match="report_file"):
        portal_case.submit(driver.uow(), actor=unit, ref=ref, item_id=page["task"]["id"], data=report)
    token = stored(driver, b"%PDF-1.4 test report")
    portal_case.submit(driver.uow(), actor=unit, ref=ref, item_id=page["task"]["id"],
                       data={**report, "report_file": token})
    assert driver.open_forms(ref) == ["acceptance_review"]
    page = portal_case.case_page(driver.uow(), actor=unit, ref=ref)
    assert page["acceptance"]["report"]["report_file"] == token


def test_hearing_requested_inside_the_period(driver, clock):
    reg, ref = tengchong_case(driver, clock)
    investigate(driver, ref)
    propose(driver, ref, "fine", 15000)
    answer = portal_case.case_page(driver.uow(), actor=reg["unit"], ref=ref)["answer"]
    assert answer["status"] == "waiting_service"  # the period runs from service (第三十六条)
    assert driver.confirm_all(ref, reg["unit"])
    page = portal_case.case_page(driver.uow(), actor=reg["unit"], ref=ref)
    answer = page["answer"]
    assert (answer["status"], answer["hearing"], answer["due_date"]) == ("open", True, "2021-03-08")
    assert "第四十四条" in answer["article"]
    portal_case.submit(driver.uow(), actor=reg["unit"], ref=ref, item_id=page["task"]["id"],
                       data={"statement": "", "hearing_requested": True})
    assert driver.open_forms(ref) == ["hearing_schedule"]
    assert portal_case.case_page(driver.uow(), actor=reg["unit"], ref=ref)["answer"]["status"] == "answered"


def test_no_hearing_where_not_offered_and_closed_after_the_period(driver):
    reg, ref = inner_mongolia_case(driver)
    investigate(driver, ref)
    propose(driver, ref, "fine", 6000)
    assert driver.confirm_all(ref, reg["unit"])
    item_id = portal_case.case_page(driver.uow(), actor=reg["unit"], ref=ref)["task"]["id"]
    with pytest.raises(RuleViolation, match="第六十三条"):
        portal_case.submit(driver.uow(), actor=reg["unit"], ref=ref, item_id=item_id,
                           data={"statement": "", "hearing_requested": True})
    last = date.fromisoformat(driver.case_data(ref)["response_due_date"])
    driver.travel(days=(last - clock_module.today_local()).days + 1)
    page = portal_case.case_page(driver.uow(), actor=reg["unit"], ref=ref)  # due, not yet swept
    assert page["answer"]["status"] == "closed" and "届满" in page["answer"]["reason"]
    with pytest.raises(RuleViolation, match="第四十四条"):
        portal_case.submit(driver.uow(), actor=reg["unit"], ref=ref, item_id=item_id,
                           data={"statement": "迟到的申辩", "hearing_requested": False})
    driver.sweep()  # the timer fires: the task is gone, the page still says why
    page = portal_case.case_page(driver.uow(), actor=reg["unit"], ref=ref)
    assert page["task"] is None and page["answer"]["status"] == "closed"
    with pytest.raises(RuleViolation, match="届满"):
        portal_case.submit(driver.uow(), actor=reg["unit"], ref=ref, item_id=item_id,
                           data={"statement": "迟到的申辩", "hearing_requested": False})


def test_the_unit_sees_the_recheck_outcome(driver):
    reg = driver.register("changzhou")
    ref = report_violation(driver.uow(), actor=CLERK, unit_id=reg["unit_id"], code="no_signage",
                           facts="未设置明显标志", act_key="recheck-1")
    driver.order(ref, days=7)
    driver.confirm_all(ref, reg["unit"])
    page = portal_case.case_page(driver.uow(), actor=reg["unit"], ref=ref)
    portal_case.submit(driver.uow(), actor=reg["unit"], ref=ref, item_id=page["task"]["id"],
                       data={"description": "已设置标志"})
    assert portal_case.case_page(driver.uow(), actor=reg["unit"], ref=ref)["recheck"]["outcome"] is None
    driver.complete(ref, "rectification_recheck", {"corrected": True, "findings": "标志已设置"}, INSPECTOR)
    recheck = portal_case.case_page(driver.uow(), actor=reg["unit"], ref=ref)["recheck"]
    assert recheck["outcome"] == {"corrected": True, "findings": "标志已设置", "case_outcome": "corrected"}
    assert recheck["report"]["description"] == "已设置标志"
