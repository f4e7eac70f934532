"""The hearing is held within ten days of the request (公安机关办理行政案件程序规定 第一百三十七条) and
waits for its notice's service, seven working days before it (APL 第六十四条第二项, 第八十五条; 第一百三十六条):
bpmn/penalty.bpmn driven through the services."""
from __future__ import annotations

from datetime import date

import pytest

from casework import clock as clock_module
from casework.engine.run.runtime import StepFailed
from casework.errors import RuleViolation
from casework.services import case_view, queues
from casework.services.cases import portal_case, service_of_documents
from casework.services.processes import tasks
from tests.integration.lifecycle.lifecycle_driver import CLERK, LEGAL, Driver
from tests.integration.penalty.test_penalty_procedure import (inner_mongolia_case, investigate, propose, serve,
                                                               tengchong_case)

RECORD = {"hearing_result": "held", "record": "当事人称已拆除广告牌", "outcome": "建议从轻", "recorder": "孙丽"}


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


def _hearing_requested(driver, clock, consent: bool = True) -> tuple[dict, str]:
    """Tengchong, Monday 2021-03-01: a 15,000 yuan fine noticed, served, a hearing requested."""
    reg, ref = tengchong_case(driver, clock, consent=consent)
    investigate(driver, ref)
    propose(driver, ref, "fine", 15000)
    if consent:
        serve(driver, ref, reg)
    else:
        driver.complete(ref, "penalty_service", {"service_method": "direct", "service_place": "单位办公室"}, CLERK)
    driver.complete(ref, "penalty_response", {"statement": "已整改", "hearing_requested": True}, reg["unit"])
    return reg, ref


def _schedule(driver, ref: str, on: str) -> None:
    driver.complete(ref, "hearing_schedule", {"hearing_on": on, "place": "第一会议室", "host": "李法制"}, CLERK)


def _notes(driver, ref: str, form: str) -> str:
    item = driver.task(ref, form)
    found = tasks.task_form(driver.uow(), actor=CLERK if item.role == "clerk" else LEGAL, work_item_id=item.id)
    return " ".join(n["zh"] for n in found["notes"])


def _portal_hearing(driver, reg, ref) -> dict:
    return portal_case.case_page(driver.uow(), actor=reg["unit"], ref=ref)["hearing"]


def _queue_row(driver, ref: str, form: str, actor=CLERK) -> dict:
    rows = queues.queue(driver.uow(), actor=actor, view="group", filters={})["rows"]
    return next(r for r in rows if r["case_ref"] == ref and r["form_key"] == form)


def test_the_hearing_is_held_within_ten_days_of_the_request(driver, clock):
    """公安程序规定 第一百三十七条: requested Monday 03-01, held by Thursday 03-11 (ten natural days,
    第三十五条); the notice's seven working days leave only service on 03-01 for that date, so the
    clerk's scheduling is due that day; a later date is refused citing the article."""
    reg, ref = _hearing_requested(driver, clock)
    limit = driver.case_data(ref)["periods"]["hearing_limit"]
    assert (limit["date"], limit["received_on"], limit["owed_by"]) == ("2021-03-11", "2021-03-01", "bureau")
    assert "第一百三十七条" in limit["article"] and "第三十五条" in limit["article"]
    item = driver.task(ref, "hearing_schedule")
    assert clock_module.to_local(item.due_at).date() == date(2021, 3, 2)  # 03-01 24:00
    note = _notes(driver, ref, "hearing_schedule")
    assert "不晚于 2021-03-11" in note and "须于 2021-03-01 前" in note and "第一百三十七条" in note
    with pytest.raises((RuleViolation, StepFailed), match="第一百三十七条.*不得定于 2021-03-12"):
        _schedule(driver, ref, "2021-03-12")
    assert driver.open_forms(ref) == ["hearing_schedule"]
    _schedule(driver, ref, "2021-03-11")
    assert driver.case_data(ref)["hearing"]["limit"] == "2021-03-11"
    serve(driver, ref, reg)  # the same day: the seven working days end 03-10
    item = driver.task(ref, "hearing_record")
    assert clock_module.to_local(item.due_at).date() == date(2021, 3, 12)  # 03-11 24:00
    assert _queue_row(driver, ref, "hearing_record", LEGAL)["overdue"] is False
    driver.travel(days=11)  # 03-12: the hearing was not held by its day
    assert _queue_row(driver, ref, "hearing_record", LEGAL)["overdue"] is True
    shown = {p["name"]: p for p in case_view.case_page(driver.uow(), ref, actor=CLERK)["legal_periods"]}
    assert shown["举行听证期限（收到听证申请之日起十日内；准许延期或者中止后恢复的，至新定的日期）"]["date"] == "2021-03-11"


def test_a_friday_request_cannot_keep_ten_days_so_the_first_lawful_day_is_the_latest(driver, clock):
    """Requested Friday 03-05: ten days end Monday 03-15, but a notice served that day has its
    seven working days end 03-16, so the Law's notice prevails and 03-17 is the latest date."""
    reg, ref = tengchong_case(driver, clock)
    investigate(driver, ref)
    propose(driver, ref, "fine", 15000)
    serve(driver, ref, reg)
    driver.travel(days=4)  # Friday 03-05, inside the five working days to respond
    driver.complete(ref, "penalty_response", {"statement": "", "hearing_requested": True}, reg["unit"])
    assert driver.case_data(ref)["periods"]["hearing_limit"]["date"] == "2021-03-15"
    note = _notes(driver, ref, "hearing_schedule")
    assert "最迟于 2021-03-17" in note and "须于 2021-03-07 前" in note
    with pytest.raises((RuleViolation, StepFailed), match="最迟于 2021-03-17"):
        _schedule(driver, ref, "2021-03-18")
    _schedule(driver, ref, "2021-03-17")
    serve(driver, ref, reg)
    assert driver.open_forms(ref) == ["hearing_record"]


def test_a_notice_served_too_late_refuses_the_date_and_the_clerk_sets_a_new_one(driver, clock):
    reg, ref = _hearing_requested(driver, clock)
    # served on 03-01 the seven working days end 03-10; served on 03-02 they end 03-11
    _schedule(driver, ref, "2021-03-11")
    data = driver.case_data(ref)
    assert data["hearing"]["serve_by"] == "2021-03-01" and data["awaiting_service"]
    assert driver.open_forms(ref) == []  # no hearing while its notice is unserved
    assert _portal_hearing(driver, reg, ref)["status"] == "waiting_service"
    driver.travel(days=2)  # Wednesday 03-03: the unit confirms receipt, inside its window
    serve(driver, ref, reg)
    assert driver.open_forms(ref) == ["hearing_schedule"]  # the date is refused
    data = driver.case_data(ref)
    assert data["hearing_notice_timely"] is False
    note = _notes(driver, ref, "hearing_schedule")
    assert "不足七日" in note and "第六十四条第二项" in note and "第一百三十六条" in note
    assert "2021-03-03" in note and "不早于 2021-03-13" in note
    # ten days can no longer be kept: the first working day the notice allows, Monday 03-15
    assert "第一百三十七条" in note and "最迟于 2021-03-15" in note
    assert _queue_row(driver, ref, "hearing_schedule")["overdue"] is True  # due 03-01: late
    shown = _portal_hearing(driver, reg, ref)
    assert shown["status"] == "date_refused" and shown["reason"] == data["hearing"]["reason"]
    assert "Hearing notice" in shown["reason_en"]

    with pytest.raises((RuleViolation, StepFailed), match="最迟于 2021-03-15"):
        _schedule(driver, ref, "2021-03-22")
    _schedule(driver, ref, "2021-03-15")  # a new date: a new notice, served again
    kinds = [d.kind for d in driver.documents(ref)]
    assert kinds == ["penalty_notice", "hearing_notice", "hearing_notice"]
    assert driver.open_forms(ref) == []
    serve(driver, ref, reg)
    assert driver.open_forms(ref) == ["hearing_record"]
    assert "已满七日" in _notes(driver, ref, "hearing_record")
    assert _portal_hearing(driver, reg, ref)["status"] == "scheduled"
    period = driver.case_data(ref)["periods"]["hearing_notice"]
    assert period["served_on"] == "2021-03-03" and period["date"] == "2021-03-12"
    assert "第一百三十六条" in period["article"]
    driver.travel(days=12)  # Monday 03-15, the day the served notice states
    driver.complete(ref, "hearing_record", RECORD, LEGAL)
    assert driver.open_forms(ref) == ["penalty_legal_review"]
    assert _portal_hearing(driver, reg, ref)["status"] == "held"


def test_the_clerk_serving_the_hearing_notice_sees_by_when(driver, clock):
    """Without consent to electronic service the clerk's work item is due on the last day service
    keeps the hearing's date, and says so; served by post in time, the hearing goes ahead."""
    reg, ref = _hearing_requested(driver, clock, consent=False)
    _schedule(driver, ref, "2021-03-11")
    serve_by = driver.case_data(ref)["hearing"]["serve_by"]
    assert serve_by == "2021-03-01"  # served later, its seven working days reach 03-11
    assert driver.open_forms(ref) == ["penalty_service"]
    item = driver.task(ref, "penalty_service")
    assert clock_module.to_local(item.due_at).date() == date(2021, 3, 2)  # 03-01 24:00
    assert f"须于 {serve_by} 前送达" in _notes(driver, ref, "penalty_service")
    driver.complete(ref, "penalty_service", {"service_method": "post", "service_place": "单位注册地址"}, CLERK)
    assert driver.open_forms(ref) == ["hearing_record"]
    assert "penalty_service" not in driver.case_data(ref)["task_notes"]


def test_a_hearing_notice_served_from_the_documents_page_reaches_the_process(driver, clock):
    reg, ref = _hearing_requested(driver, clock)
    _schedule(driver, ref, "2021-03-11")
    driver.travel(days=2)  # Wednesday 03-03: too late for 03-11
    notice = driver.documents(ref)[-1]
    service_of_documents.record(driver.uow(), actor=CLERK, document_id=notice.id, method="direct",
                                place="单位办公室")
    assert driver.open_forms(ref) == ["hearing_schedule"]
    assert driver.case_data(ref)["hearing"]["status"] == "date_refused"


def test_the_proposal_page_shows_the_hearing_threshold_and_its_source(driver):
    """Inner Mongolia's 政府令 sets no threshold: the Ministry's figure, said so, and the local
    provision its rule defers to named as missing; the hearing right follows that figure."""
    reg, ref = inner_mongolia_case(driver)
    investigate(driver, ref)
    item = driver.task(ref, "penalty_proposal")
    notes = [n["zh"] for n in tasks.task_form(driver.uow(), actor=CLERK, work_item_id=item.id)["notes"]]
    hearing = [n for n in notes if "听证" in n]
    assert "单位处10000元以上" in hearing[0] and "第一百二十三条第二款" in hearing[0]
    assert "未规定较大数额罚款的标准" in hearing[1] and "全国标准" in hearing[1]
    assert "地方政府规章" in hearing[2] and "未收录" in hearing[2]
    propose(driver, ref, "fine", 10000)
    assert driver.case_data(ref)["hearing_right"] is True
