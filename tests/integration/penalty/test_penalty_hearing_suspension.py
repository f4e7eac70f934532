"""The host suspends the hearing (公安机关办理行政案件程序规定 第一百四十八条) and resumes it on a new date with
a new notice served, or terminates it (第一百四十九条) and the case goes on to the legal review as without
a hearing; bpmn/penalty.bpmn driven through the services with real SpiffWorkflow runs."""
from __future__ import annotations

import pytest

from casework.engine.run.runtime import StepFailed
from casework.errors import Conflict, InvalidInput, RuleViolation
from casework.services.cases import portal_case
from casework.services.penalty import postponement
from tests.integration.lifecycle.lifecycle_driver import LEGAL, Driver
from tests.integration.lifecycle.test_lifecycle_scenarios import pdf_text
from tests.integration.penalty.test_penalty_hearing import RECORD, _notes
from tests.integration.penalty.test_penalty_hearing_postponement import _audits, _set
from tests.integration.penalty.test_penalty_procedure import approve, serve

SUSPEND = {"hearing_result": "suspended", "suspension_ground": "new_evidence",
           "result_reasons": "当事人申请通知新的证人到会，主持人当场同意"}


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


def _hold(driver, ref, data) -> None:
    driver.complete(ref, "hearing_record", data, LEGAL)


def _resume(driver, ref, **data) -> None:
    driver.complete(ref, "hearing_resumption", {"result_reasons": "新的证人已通知到会", **data}, LEGAL)


def _portal(driver, reg, ref) -> dict:
    return portal_case.case_page(driver.uow(), actor=reg["unit"], ref=ref)["hearing"]


def test_suspended_then_resumed_on_a_new_date_with_a_new_notice_served(driver, clock):
    reg, ref = _set(driver, clock)  # requested Monday 03-01, set for Thursday 03-11, served 03-01
    with pytest.raises((RuleViolation, StepFailed), match="不得早于该日"):
        _hold(driver, ref, SUSPEND)  # a suspension happens at the hearing, not before its day
    with pytest.raises((InvalidInput, StepFailed), match="suspension_ground"):
        _hold(driver, ref, {"hearing_result": "suspended", "result_reasons": "需要重新鉴定"})
    driver.travel(days=10)  # Thursday 03-11, the hearing day
    _hold(driver, ref, SUSPEND)

    assert driver.open_forms(ref) == ["hearing_resumption"]  # the host's task, no record yet
    item = driver.task(ref, "hearing_resumption")
    assert item.role == "legal_reviewer" and item.due_at is None  # 及时: the text sets no number
    data = driver.case_data(ref)
    assert data["hearing"]["status"] == "suspended" and "hearing_record" not in data["task_notes"]
    [suspension] = data["hearing"]["suspensions"]
    assert (suspension["ground"], suspension["on"], suspension["from"], suspension["by"]) == (
        "new_evidence", "2021-03-11", "2021-03-11", LEGAL.name)
    assert suspension["article"].endswith("第一百四十八条第一款第一项") and "新的证人" in suspension["reasons"]
    note = _notes(driver, ref, "hearing_resumption")
    assert "第一百四十八条第二款" in note and "七日前送达" in note and data["limit_date"] in note
    shown = _portal(driver, reg, ref)
    assert shown["status"] == "suspended" and shown["suspensions"][0]["label"].startswith("需要通知新的证人")
    with pytest.raises(Conflict):  # nothing set to postpone while suspended
        postponement.request(driver.uow(), actor=reg["unit"], ref=ref, reason="出差")
    assert [d.kind for d in driver.documents(ref)] == ["penalty_notice", "hearing_notice"]

    driver.travel(days=4)  # Monday 03-15: the new witness can attend
    with pytest.raises((InvalidInput, StepFailed), match="resume_on"):
        _resume(driver, ref, resumption="resume")
    with pytest.raises((RuleViolation, StepFailed), match="七日前送达.*2021-03-24"):
        _resume(driver, ref, resumption="resume", resume_on="2021-03-24")  # served today: ends 03-24
    _resume(driver, ref, resumption="resume", resume_on="2021-03-25", resume_place="第二会议室")
    data = driver.case_data(ref)
    assert (data["hearing_on"], data["place"]) == ("2021-03-25", "第二会议室")
    assert data["hearing"]["status"] == "waiting_service"
    [suspension] = data["hearing"]["suspensions"]  # kept through the new notice
    assert (suspension["resumed_on"], suspension["to"]) == ("2021-03-15", "2021-03-25")
    limit = data["periods"]["hearing_limit"]
    assert (limit["date"], limit["resumed_from"]) == ("2021-03-25", "2021-03-11")
    assert "第一百四十八条" in limit["article"] and "postponed_from" not in limit
    assert "hearing_resumption" not in data["task_notes"]
    assert [d.kind for d in driver.documents(ref)] == ["penalty_notice", "hearing_notice", "hearing_notice"]
    assert driver.open_forms(ref) == []  # no hearing while the new notice is unserved

    serve(driver, ref, reg)  # 03-15: seven working days end 03-24
    assert driver.open_forms(ref) == ["hearing_record"]
    assert _portal(driver, reg, ref)["status"] == "scheduled"
    driver.travel(days=10)  # Thursday 03-25
    _hold(driver, ref, RECORD)
    assert driver.open_forms(ref) == ["penalty_legal_review"]
    data = driver.case_data(ref)
    assert data["hearing"]["status"] == "held" and len(data["hearing"]["suspensions"]) == 1
    assert [d.kind for d in driver.documents(ref)][-1] == "hearing_record"
    [suspended] = _audits(driver, ref, "penalty.hearing_suspended")
    [resumed] = _audits(driver, ref, "penalty.hearing_resumed")
    assert suspended["ground"] == "new_evidence" and suspended["hearing_on"] == "2021-03-11"
    assert (resumed["suspended_on"], resumed["to"]) == ("2021-03-11", "2021-03-25")


def test_terminated_on_withdrawal_goes_on_to_the_legal_review_without_a_record(driver, clock):
    reg, ref = _set(driver, clock)
    driver.travel(days=2)  # Wednesday 03-03, before the hearing day
    with pytest.raises((InvalidInput, StepFailed), match="termination_ground"):
        _hold(driver, ref, {"hearing_result": "terminated", "result_reasons": "撤回"})
    with pytest.raises((RuleViolation, StepFailed), match="不得早于该日"):  # absence: only at the hearing
        _hold(driver, ref, {"hearing_result": "terminated", "termination_ground": "absent",
                            "result_reasons": "未到"})
    _hold(driver, ref, {"hearing_result": "terminated", "termination_ground": "withdrawn",
                        "result_reasons": "当事人于3月3日书面撤回听证申请"})

    assert driver.open_forms(ref) == ["penalty_legal_review"]
    data = driver.case_data(ref)
    assert data["hearing_withdrawn"] is True and data["hearing_requested"] is True  # asked, then withdrawn
    end = data["hearing"]["termination"]
    assert data["hearing"]["status"] == "terminated" and (end["ground"], end["on"]) == ("withdrawn", "2021-03-03")
    assert end["article"].endswith("第一百四十九条第一项") and end["withdrawn"] and not end["while_suspended"]
    assert "hearing_record" not in data["task_notes"]
    note = _notes(driver, ref, "penalty_legal_review")
    assert "终止" in note and "撤回听证申请" in note and "未制作听证笔录" in note
    shown = _portal(driver, reg, ref)
    assert shown["status"] == "terminated" and shown["termination"]["label"] == "听证申请人撤回听证申请"
    [audited] = _audits(driver, ref, "penalty.hearing_terminated")
    assert audited["ground"] == "withdrawn" and audited["withdrawn"] is True

    approve(driver, ref, final=12000)  # the legal review and decision, as without a hearing
    docs = driver.documents(ref)
    assert [d.kind for d in docs] == ["penalty_notice", "hearing_notice", "penalty_decision"]  # no record
    decision = pdf_text(driver, docs[-1])  # 听证情况: terminated, with the ground
    assert "听证于2021-03-03终止：听证申请人撤回听证申请" in decision and "第一百四十九条第一项" in decision


def test_terminated_for_absence_on_the_day_deems_the_right_waived(driver, clock):
    reg, ref = _set(driver, clock)
    driver.travel(days=10)  # the hearing day
    _hold(driver, ref, {"hearing_result": "terminated", "termination_ground": "absent",
                        "result_reasons": "当事人及其代理人经通知无正当理由未到场"})
    data = driver.case_data(ref)
    end = data["hearing"]["termination"]
    assert end["waived"] and not end["withdrawn"] and data["hearing_withdrawn"] is False
    assert "第六十四条第六项" in end["article"] and "视为放弃听证权利" in _notes(driver, ref, "penalty_legal_review")


def test_a_suspended_hearing_is_terminated_when_the_applicant_withdraws_meanwhile(driver, clock):
    reg, ref = _set(driver, clock)
    driver.travel(days=10)
    _hold(driver, ref, {"hearing_result": "suspended", "suspension_ground": "recusal",
                        "result_reasons": "当事人申请听证主持人回避，须另行指定主持人"})
    with pytest.raises((InvalidInput, StepFailed), match="termination_ground"):
        _resume(driver, ref, resumption="terminate")
    _resume(driver, ref, resumption="terminate", termination_ground="withdrawn",
            result_reasons="中止期间当事人书面撤回听证申请")
    assert driver.open_forms(ref) == ["penalty_legal_review"]
    data = driver.case_data(ref)
    assert data["hearing"]["status"] == "terminated" and data["hearing_withdrawn"] is True
    assert data["hearing"]["termination"]["while_suspended"] is True
    assert data["hearing"]["suspensions"][0]["ground"] == "recusal"  # the suspension's record stays
    assert "hearing_resumption" not in data["task_notes"]
    assert [d.kind for d in driver.documents(ref)] == ["penalty_notice", "hearing_notice"]
