"""Each jurisdiction behaves as its own text says, driven through the services with time travel."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from casework import clock as clock_module
from casework.errors import Conflict, InvalidInput, RuleViolation
from casework.rulebooks.model import RulebookExpired
from casework.services.cases import service_of_documents
from casework.services.units import inspections, registration
from tests.integration.lifecycle.lifecycle_driver import CLERK, INSPECTOR, LEGAL, Driver

JURISDICTIONS = ["anyang", "taiyuan", "inner_mongolia", "changzhou"]


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


def local_date(moment) -> date:
    return clock_module.to_local(moment).date()


def pdf_text(driver, document) -> str:
    """The served PDF's text, read back from the exact stored bytes."""
    import io

    from pypdf import PdfReader

    from casework import documents

    with driver.uow() as uow:
        data = documents.download(uow.session, driver.container.files, document.id)
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\n", "")


def due_day(case) -> date:
    """The last day of a deadline (it ends at 24:00 Asia/Shanghai)."""
    return local_date(case.due_at - timedelta(seconds=1))


def accept_and_start_filing(driver: Driver, jurisdiction: str):
    """Register, pass acceptance (with any trial run) and put into use; returns (reg, filing case)."""
    reg = driver.register(jurisdiction)
    ref = driver.pass_acceptance(reg)
    if driver.case_data(ref).get("trial_run_period"):
        driver.travel(days=32)
        driver.sweep()
    driver.upload_and_accept(ref, reg["unit"])
    assert driver.case(ref).outcome == "accepted"
    filings = driver.cases_of(reg["unit_id"], "filing")
    if not filings:  # the window runs from going into use (national art. 14)
        registration.report_in_use(driver.uow(), actor=reg["unit"], system_id=reg["system_id"],
                                   on=clock_module.today_local())
        filings = driver.cases_of(reg["unit_id"], "filing")
    assert len(filings) == 1
    return reg, filings[0]


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_on_time_acceptance_and_filing(driver, jurisdiction):
    reg, filing = accept_and_start_filing(driver, jurisdiction)
    assert due_day(filing) >= clock_module.today_local()
    driver.file(filing.ref, reg["unit"])
    driver.complete(filing.ref, "filing_review", {"accepted": True}, CLERK)
    closed = driver.case(filing.ref)
    assert (closed.status, closed.outcome) == ("closed", "filed")
    assert [d.kind for d in driver.documents(filing.ref)] == ["filing_receipt"]


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_late_filing_becomes_violation_order_and_next_step(driver, jurisdiction):
    reg, filing = accept_and_start_filing(driver, jurisdiction)
    driver.travel(days=(due_day(filing) - clock_module.today_local()).days + 1)
    assert driver.sweep() >= 1
    assert driver.case(filing.ref).outcome == "overdue"
    [rect] = driver.cases_of(reg["unit_id"], "rectification")
    violation = driver.violation(rect)
    assert violation.code == "not_filed" and violation.article
    assert violation.origin == "deadline"

    driver.order(rect.ref)
    [order] = driver.documents(rect.ref)
    assert order.kind == "rectification_order" and "限改" in order.number
    assert driver.open_forms(rect.ref) == ["rectification_report"]

    driver.travel(days=driver.case_data(rect.ref)["correction_days"] + 5)
    driver.sweep()
    data = driver.case_data(rect.ref)
    rule = driver.violation(rect).rule
    if rule["warning_first"]:
        assert [d.kind for d in driver.documents(rect.ref)][-1] == "warning_decision"
    else:
        assert driver.open_forms(rect.ref) == ["penalty_handoff"]
        assert driver.violation(rect).status == "penalty"
        assert (data["fine_min"], data["fine_max"]) == (rule["fine"]["min"], rule["fine"]["max"])
        assert rule["fine"]["article"]


def test_taiyuan_penalty_cites_article_26_and_500_to_1000(driver):
    reg, filing = accept_and_start_filing(driver, "taiyuan")
    driver.travel(days=40)
    driver.sweep()
    [rect] = driver.cases_of(reg["unit_id"], "rectification")
    assert driver.violation(rect).article.startswith("第二十六条")
    driver.order(rect.ref)
    [order] = driver.documents(rect.ref)
    text = pdf_text(driver, order)
    assert order.number in text and "太原市公安局" in text
    assert "第二十六条" in text and "500元以上1000元以下罚款" in text
    assert driver.case_data(rect.ref)["deadline_date"][:4] == "2026"
    driver.travel(days=60)
    driver.sweep()
    fine = driver.violation(rect).rule["fine"]
    assert (fine["min"], fine["max"], fine["article"]) == (500, 1000, "第二十六条")
    assert driver.open_forms(rect.ref) == ["penalty_handoff"]


def test_corrected_violation_closes(driver):
    reg, filing = accept_and_start_filing(driver, "changzhou")
    driver.travel(days=31)
    driver.sweep()
    [rect] = driver.cases_of(reg["unit_id"], "rectification")
    driver.order(rect.ref)
    driver.complete(rect.ref, "rectification_report", {"description": "已补办备案"}, reg["unit"])
    driver.complete(rect.ref, "rectification_recheck", {"corrected": True, "findings": "已备案"},
                    INSPECTOR)
    closed = driver.case(rect.ref)
    assert (closed.status, closed.outcome) == ("closed", "corrected")
    assert driver.violation(rect).status == "corrected"


def test_same_act_is_not_opened_twice(driver):
    from casework.services.cases.violations import report_violation

    reg = driver.register("taiyuan")
    args = dict(actor=CLERK, unit_id=reg["unit_id"], code="no_signage",
                facts="未设置明显标志", act_key="site-visit-2026-03-02")
    report_violation(driver.uow(), **args)
    with pytest.raises(Conflict, match="第二十九条"):
        report_violation(driver.uow(), **args)


def test_order_deadline_outside_bounds_is_refused_and_nothing_changes(driver):
    from casework.services.cases.violations import report_violation

    reg = driver.register("taiyuan")
    ref = report_violation(driver.uow(), actor=CLERK, unit_id=reg["unit_id"], code="no_signage",
                           facts="未设置明显标志", act_key="visit-1")
    high = driver.case_data(ref)["correction_days_max"]
    driver.complete(ref, "rectification_draft", {"facts": "未设置明显标志", "correction_days": high + 1}, CLERK)
    with pytest.raises(InvalidInput):
        driver.complete(ref, "legal_review", {"approved": True}, LEGAL)
    assert driver.open_forms(ref) == ["legal_review"]
    assert driver.documents(ref) == []


def test_inner_mongolia_trial_run_holds_the_test_report_for_a_month(driver):
    reg = driver.register("inner_mongolia")
    ref = driver.pass_acceptance(reg)
    assert driver.case_data(ref)["trial_run_period"] == "1m"
    assert driver.open_forms(ref) == []  # waiting on the trial run timer
    driver.travel(days=20)
    driver.sweep()
    assert driver.open_forms(ref) == []
    driver.travel(days=12)
    driver.sweep()
    assert driver.open_forms(ref) == ["acceptance_test_report"]


def test_failed_acceptance_forbids_use(driver):
    reg = driver.register("inner_mongolia")
    ref = driver.pass_acceptance(reg)
    driver.travel(days=32)
    driver.sweep()
    driver.upload_and_accept(ref, reg["unit"], accepted=False)
    assert [d.kind for d in driver.documents(ref)] == ["acceptance_failed"]
    assert driver.open_forms(ref) == ["acceptance_test_report"]  # re-test after correction
    result = registration.report_in_use(driver.uow(), actor=reg["unit"], system_id=reg["system_id"],
                                        on=clock_module.today_local())
    case = driver.case(result["violation_case"])
    assert driver.violation(case).code == "used_before_acceptance"


def test_use_before_acceptance_is_refused_where_no_penalty_exists(driver):
    reg = driver.register("taiyuan")
    with pytest.raises(RuleViolation, match="不得投入使用"):
        registration.report_in_use(driver.uow(), actor=reg["unit"], system_id=reg["system_id"],
                                   on=clock_module.today_local())


def test_changzhou_dismantling_must_be_filed_within_15_days(driver):
    reg, filing = accept_and_start_filing(driver, "changzhou")
    ref = registration.report_dismantled(driver.uow(), actor=reg["unit"], system_id=reg["system_id"],
                                         on=date(2026, 3, 9))
    case = driver.case(ref)
    assert case.subkind == "after_dismantling"
    assert due_day(case) == date(2026, 3, 24)  # 15 days, a Tuesday


def test_deadline_in_national_day_rolls_to_first_working_day(driver, clock):
    clock.travel_to(datetime(2026, 9, 5, 2, 0, tzinfo=clock_module.UTC))
    reg, filing = accept_and_start_filing(driver, "taiyuan")
    assert due_day(filing) == date(2026, 10, 8)  # 10-05 is a holiday


def test_tengchong_refuses_new_cases_after_expiry(driver):
    with pytest.raises(RulebookExpired, match="2022-09-04"):
        driver.register("tengchong")


def tengchong_inspection_finding(driver, clock, failed_item: str, notes: str):
    """A Tengchong unit (2021, its rulebook in force) whose inspection fails one item:
    (registration, the rectification case that opened)."""
    clock.travel_to(datetime(2021, 3, 1, 2, 0, tzinfo=clock_module.UTC))
    reg = driver.register("tengchong")
    ref = inspections.start_inspection(driver.uow(), actor=INSPECTOR, unit_id=reg["unit_id"])
    items = {k: True for k in inspections.CHECKLIST}
    items[failed_item] = False
    driver.complete(ref, "inspection_record",
                    {"items": items, "officers": ["王五", "赵六"], "notes": notes}, INSPECTOR)
    [rect] = driver.cases_of(reg["unit_id"], "rectification")
    return reg, rect


def tengchong_obstruction_order(driver, clock):
    reg, rect = tengchong_inspection_finding(driver, clock, "obstruction", "广告牌遮挡摄像机")
    assert driver.violation(rect).code == "obstructed"
    assert driver.violation(rect).rule["warning_first"] is True
    driver.order(rect.ref)
    # 责令改正，予以警告 (issue 14): the warning proceeds with the order, not after a missed
    # deadline; a warning is a penalty, so prior notice and a chance to state a defence come first.
    assert [d.kind for d in driver.documents(rect.ref)] == ["rectification_order", "penalty_notice"]
    assert driver.open_forms(rect.ref) == ["defence_statement"]
    return reg, rect


def test_tengchong_warning_comes_before_penalty(driver, clock):
    reg, rect = tengchong_obstruction_order(driver, clock)
    driver.complete(rect.ref, "defence_statement", {"statement": "广告牌系他人设置，已联系拆除"},
                    reg["unit"])
    driver.complete(rect.ref, "defence_review",
                    {"defence_accepted": False, "adoption": "遮挡由当事人负责清除，申辩不成立"}, LEGAL)
    docs = driver.documents(rect.ref)
    assert [d.kind for d in docs] == ["rectification_order", "penalty_notice", "warning_decision"]
    warning = pdf_text(driver, docs[-1])
    assert "广告牌系他人设置" in warning and "申辩不成立" in warning
    assert docs[0].number in warning  # the order served is cited as evidence
    assert driver.open_forms(rect.ref) == ["rectification_report"]
    driver.travel(days=driver.case_data(rect.ref)["correction_days"] + 2)
    driver.sweep()  # the correction the warning orders runs from its service: not yet begun
    assert driver.open_forms(rect.ref) == ["rectification_report"]
    driver.confirm_all(rect.ref, reg["unit"])
    driver.travel(days=driver.case_data(rect.ref)["correction_days"] + 2)
    driver.sweep()
    assert driver.open_forms(rect.ref) == ["penalty_handoff"]
    fine = driver.violation(rect).rule["fine"]
    assert (fine["min"], fine["max"]) == (10000, 30000)


def test_silence_after_the_notice_still_reaches_review_and_an_accepted_defence_closes(driver, clock):
    reg, rect = tengchong_obstruction_order(driver, clock)
    driver.confirm_all(rect.ref, reg["unit"])
    driver.travel(days=7)  # three working days pass without a statement
    driver.sweep()
    assert driver.open_forms(rect.ref) == ["defence_review"]
    driver.complete(rect.ref, "defence_review",
                    {"defence_accepted": True, "adoption": "遮挡物已由市政部门清除"}, LEGAL)
    assert driver.case(rect.ref).outcome == "defence_accepted"
    assert "warning_decision" not in [d.kind for d in driver.documents(rect.ref)]


def test_every_served_document_has_its_proof_of_service(driver, clock):
    reg, rect = tengchong_obstruction_order(driver, clock)
    driver.confirm_all(rect.ref, reg["unit"])
    served = driver.documents(rect.ref)
    receipts = [d for d in driver.documents(rect.ref, receipts=True) if d.kind == "service_receipt"]
    assert len(receipts) == len(served)
    assert all(d.served_at is not None for d in served)


def test_without_consent_documents_go_by_post(driver):
    from casework.services.cases.violations import report_violation

    reg = driver.register("taiyuan", consent=False)
    ref = report_violation(driver.uow(), actor=CLERK, unit_id=reg["unit_id"], code="no_signage",
                           facts="未设置明显标志", act_key="visit-post")
    driver.order(ref)
    [order] = driver.documents(ref)
    assert order.served_at is None  # no consent: nothing is offered in the portal
    with pytest.raises(Conflict):
        service_of_documents.confirm(driver.uow(), actor=reg["unit"], document_id=order.id)
    service_of_documents.record(driver.uow(), actor=CLERK, document_id=order.id, method="post",
                                place="太原市人民路")
    [order] = driver.documents(ref)
    assert order.service_method == "post"


def test_privacy_place_camera_is_refused(driver):
    reg = driver.register("taiyuan")
    with pytest.raises(RuleViolation, match="第十条"):
        registration.register_camera(driver.uow(), actor=reg["unit"], system_id=reg["system_id"],
                                     name="一楼", location="一楼卫生间", place_kind="toilet")
    camera_id = registration.register_camera(driver.uow(), actor=reg["unit"],
                                             system_id=reg["system_id"], name="大厅",
                                             location="一楼大厅", place_kind="public_area")
    assert camera_id > 0


def test_tengchong_camera_change_must_be_filed_within_30_days(driver, clock):
    clock.travel_to(datetime(2021, 3, 1, 2, 0, tzinfo=clock_module.UTC))
    reg, filing = accept_and_start_filing(driver, "tengchong")
    ref = registration.report_camera_change(driver.uow(), actor=reg["unit"],
                                            system_id=reg["system_id"], on=date(2021, 3, 1),
                                            added=4)
    case = driver.case(ref)
    assert case.subkind == "camera_change"
    assert due_day(case) == date(2021, 3, 31)


def test_camera_change_needs_no_filing_where_the_rulebook_sets_no_window(driver):
    reg, filing = accept_and_start_filing(driver, "taiyuan")
    assert registration.report_camera_change(driver.uow(), actor=reg["unit"],
                                             system_id=reg["system_id"],
                                             on=date(2026, 3, 2), removed=1) is None


def test_pre_existing_system_past_its_window_becomes_a_violation_at_the_next_sweep(driver):
    reg = driver.register("changzhou", category="other_by_law")
    result = registration.register_system(driver.uow(), actor=CLERK, unit_id=reg["unit_id"],
                                          site="旧系统", purpose="治安防范", pre_existing=True,
                                          in_use_since=date(2014, 6, 1))
    case = driver.case(result["case_ref"])
    assert case.subkind == "pre_existing"
    assert due_day(case) == date(2025, 6, 30)  # national 第十四条: 90 days from 2025-04-01
    driver.sweep()
    assert driver.case(case.ref).outcome == "overdue"
    [rect] = driver.cases_of(reg["unit_id"], "rectification")
    assert driver.violation(rect).code == "not_filed"


def _government_funded_system_up_to_review(driver):
    """A Changzhou unit's government-funded system, completed and tested, awaiting review."""
    reg = driver.register("changzhou")
    result = registration.register_system(driver.uow(), actor=CLERK, unit_id=reg["unit_id"],
                                          site="政府投资的广场监控", purpose="公共安全",
                                          government_funded=True)
    ref = result["case_ref"]
    driver.complete(ref, "acceptance_complete", {"completed_on": "2026-03-02",
                                                 "camera_count": 40, "builder": "某工程公司"},
                    reg["unit"])
    driver.complete(ref, "acceptance_test_report", {"agency": "检验站", "report_number": "1",
                                                    "conclusion": "pass"}, reg["unit"])
    return reg, result, ref


def test_changzhou_government_funded_system_is_accepted_jointly(driver):
    reg, result, ref = _government_funded_system_up_to_review(driver)
    steps = driver.case_data(ref)["acceptance_steps"]
    assert any(s["article"].startswith("第十六条") for s in steps)
    assert driver.task(ref, "acceptance_review").title == "会同审批部门组织验收"


def test_changzhou_government_funded_system_files_under_the_national_rule(driver):
    """常州 第十七条 covers non-government systems; 条例 第十四条 binds the rest from use."""
    reg, result, ref = _government_funded_system_up_to_review(driver)
    driver.complete(ref, "acceptance_review", {"accepted": True}, CLERK)
    assert not [c for c in driver.cases_of(reg["unit_id"], "filing") if c.system_id == result["system_id"]]
    opened = registration.report_in_use(driver.uow(), actor=reg["unit"],
                                        system_id=result["system_id"], on=date(2026, 3, 10))
    filing = driver.case(opened["filing_case"])
    assert due_day(filing) == date(2026, 4, 9)  # 30 days from going into use
    assert driver.case_data(filing.ref)["source"] == "national"
