"""Issue 14: the penalty procedure (bpmn/penalty.bpmn) driven through the services."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from casework import clock as clock_module
from casework.errors import InvalidInput, RuleViolation
from casework.engine.run.runtime import StepFailed
from casework.services import case_view
from casework.services.actor import Actor
from casework.services.cases.violations import report_violation
from casework.services.penalty import publication, service, terms
from casework.services.units import registration
from tests.integration.lifecycle.lifecycle_driver import CLERK, INSPECTOR, LEGAL, Driver

from tests.integration.lifecycle.test_lifecycle_scenarios import pdf_text


HEAD = Actor("head1", frozenset({"bureau_head"}))


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


def tengchong_case(driver, clock, party_type: str = "business", consent: bool = True) -> tuple[dict, str]:
    """A clerk records an obstruction in Tengchong (2021) and opens its penalty case."""
    clock.travel_to(datetime(2021, 3, 1, 2, 0, tzinfo=clock_module.UTC))
    reg = driver.register("tengchong", party_type=party_type, consent=consent)
    rect_ref = report_violation(driver.uow(), actor=CLERK, unit_id=reg["unit_id"], code="obstructed",
                                facts="广告牌遮挡摄像机", act_key="visit-1")
    violation_id = driver.case(rect_ref).violation_id
    ref = service.open_by_clerk(driver.uow(), actor=CLERK, violation_id=violation_id)
    return reg, ref


def inner_mongolia_case(driver) -> tuple[dict, str]:
    """Inner Mongolia 第二十三条: the fine comes with the order to have the system accepted."""
    reg = driver.register("inner_mongolia")
    result = registration.report_in_use(driver.uow(), actor=reg["unit"], system_id=reg["system_id"],
                                        on=clock_module.today_local())
    driver.order(result["violation_case"])
    [penalty] = driver.cases_of(reg["unit_id"], "penalty")
    return reg, penalty.ref


def investigate(driver, ref: str) -> None:
    if "penalty_handoff" in driver.open_forms(ref):
        driver.complete(ref, "penalty_handoff", {"approved": True, "comment": "同意立案"}, HEAD)
    driver.complete(ref, "penalty_investigation",
                    {"officers": ["王五", "赵六"], "evidence": ["现场照片3张", "询问笔录"],
                     "findings": "违法事实清楚"}, INSPECTOR)


def propose(driver, ref: str, kind: str, amount: int = 0, tier: str = "ordinary") -> None:
    driver.complete(ref, "penalty_proposal",
                    {"penalty_kind": kind, "amount": amount, "tier": tier, "reasons": "依裁量基准"},
                    CLERK)


def hearing_scheduled(driver, clock, on: str = "2021-03-11") -> tuple[dict, str]:
    """A Tengchong fine case whose unit asked for a hearing, set for `on`, its notice served."""
    reg, ref = tengchong_case(driver, clock)
    investigate(driver, ref)
    propose(driver, ref, "fine", 15000)
    assert driver.confirm_all(ref, reg["unit"])
    driver.complete(ref, "penalty_response", {"statement": "", "hearing_requested": True}, reg["unit"])
    driver.complete(ref, "hearing_schedule", {"hearing_on": on, "place": "第一会议室", "host": "李法制"}, CLERK)
    assert driver.confirm_all(ref, reg["unit"])  # the hearing notice
    return reg, ref


def serve(driver, ref: str, reg: dict) -> None:
    """The unit confirms receipt of what the portal offers it (electronic service, 第三十六条)."""
    assert driver.confirm_all(ref, reg["unit"])


def approve(driver, ref: str, final: int | None = None) -> None:
    review = {"approved": True, "opinion": "事实清楚，证据确凿，程序合法"}
    if final is not None:
        review["final_amount"] = final
    driver.complete(ref, "penalty_legal_review", review, LEGAL)
    driver.complete(ref, "penalty_head_approval", {"approved": True}, HEAD)


def test_unit_fine_with_a_hearing_requested_and_held(driver, clock):
    reg, ref = tengchong_case(driver, clock)
    investigate(driver, ref)
    propose(driver, ref, "fine", 15000)
    data = driver.case_data(ref)
    assert data["hearing_right"] is True and data["simplified"] is False
    assert data["periods"]["decision_limit"]["article"].endswith("第六十条")
    [notice] = driver.documents(ref)
    text = pdf_text(driver, notice)
    assert notice.kind == "penalty_notice" and "听证" in text and "15,000" in text or "15000" in text
    # the notice states 5 working days from service if served today (第六十四条, 第八十五条)
    assert data["response_due_date"] == "2021-03-08"
    assert driver.open_forms(ref) == []  # nothing runs until the notice is served
    serve(driver, ref, reg)  # confirmed the same day: 2021-03-01 (Mon) -> 03-08 (Mon)
    assert driver.case_data(ref)["response_due_date"] == "2021-03-08"
    driver.complete(ref, "penalty_response", {"statement": "已整改", "hearing_requested": True},
                    reg["unit"])
    too_soon = (clock_module.today_local() + timedelta(days=7)).isoformat()  # 7 days, 5 working
    with pytest.raises((InvalidInput, StepFailed), match="七日"):
        driver.complete(ref, "hearing_schedule", {"hearing_on": too_soon, "place": "第一会议室",
                                                  "host": "李法制"}, CLERK)
    on = (clock_module.today_local() + timedelta(days=10)).isoformat()  # 第一百三十七条: the tenth day
    driver.complete(ref, "hearing_schedule", {"hearing_on": on, "place": "第一会议室", "host": "李法制"},
                    CLERK)
    assert [d.kind for d in driver.documents(ref)] == ["penalty_notice", "hearing_notice"]
    assert driver.open_forms(ref) == []  # no hearing before its notice is served
    serve(driver, ref, reg)
    assert driver.open_forms(ref) == ["hearing_record"]
    with pytest.raises((RuleViolation, StepFailed), match="不得举行听证"):
        driver.complete(ref, "hearing_record", {"hearing_result": "held", "record": "提前", "outcome": "无"}, LEGAL)
    driver.travel(days=10)
    driver.complete(ref, "hearing_record", {"hearing_result": "held", "record": "当事人称已拆除广告牌", "outcome": "建议从轻",
                                            "recorder": "孙丽", "participants": ["张三（法定代表人）"],
                                            "debate": "对证据无异议", "party_signed": True}, LEGAL)
    record = driver.documents(ref)[-1]
    assert record.kind == "hearing_record" and record.number.startswith("腾公")
    text = pdf_text(driver, record)
    assert "听证笔录" in text and "当事人称已拆除广告牌" in text and "孙丽" in text and "建议从轻" in text
    listed = case_view.case_page(driver.uow(), ref, actor=CLERK)["documents"]
    assert [d["kind"] for d in listed] == ["penalty_notice", "service_receipt", "hearing_notice",
                                           "service_receipt", "hearing_record"]
    with pytest.raises((RuleViolation, StepFailed), match="更重"):
        approve(driver, ref, final=20000)  # a statement never raises the penalty (第四十五条)
    approve(driver, ref, final=12000)
    docs = driver.documents(ref)
    assert [d.kind for d in docs] == ["penalty_notice", "hearing_notice", "hearing_record", "penalty_decision"]
    serve(driver, ref, reg)
    decision = pdf_text(driver, docs[-1])
    assert "12,000" in decision or "12000" in decision
    assert f"举行听证，制作听证笔录（{docs[2].number}）" in decision  # 听证情况
    data = driver.case_data(ref)
    assert data["final_amount"] == 12000 and driver.open_forms(ref) == ["penalty_payment"]
    assert data["periods"]["payment"]["article"].endswith("第六十七条")
    page = case_view.case_page(driver.uow(), ref, actor=CLERK)
    shown = {p["name"]: p for p in page["legal_periods"]}
    assert shown["缴纳罚款期限"]["article"].endswith("第六十七条")
    assert shown["作出处罚决定期限（自立案起九十日）"]["article"].endswith("第六十条")


def test_fine_below_the_threshold_goes_without_a_hearing_and_silence_moves_on(driver):
    reg, ref = inner_mongolia_case(driver)
    investigate(driver, ref)
    propose(driver, ref, "fine", 6000)
    data = driver.case_data(ref)
    assert (data["hearing_right"], data["simplified"]) == (False, False)
    serve(driver, ref, reg)
    assert driver.open_forms(ref) == ["penalty_response"]
    data = driver.case_data(ref)
    last = date.fromisoformat(data["response_due_date"])
    driver.travel(days=(last - clock_module.today_local()).days + 1)
    driver.sweep()
    assert driver.open_forms(ref) == ["penalty_legal_review"]
    approve(driver, ref)
    assert driver.documents(ref)[-1].kind == "penalty_decision"
    assert driver.case_data(ref)["final_amount"] == 6000
    serve(driver, ref, reg)
    assert driver.open_forms(ref) == ["penalty_payment"]


def test_amount_above_the_band_is_refused_naming_band_and_article(driver):
    reg, ref = inner_mongolia_case(driver)
    investigate(driver, ref)
    with pytest.raises((RuleViolation, StepFailed), match="5000元以上10000元以下.*|第二十三条"):
        propose(driver, ref, "fine", 20000)
    assert driver.open_forms(ref) == ["penalty_proposal"]  # nothing lost, nothing moved


def test_late_payment_surcharge_stops_at_the_fine(driver):
    reg, ref = inner_mongolia_case(driver)
    investigate(driver, ref)
    propose(driver, ref, "fine", 6000)
    serve(driver, ref, reg)
    driver.complete(ref, "penalty_response", {"statement": "", "hearing_requested": False}, reg["unit"])
    approve(driver, ref)
    serve(driver, ref, reg)
    due = date.fromisoformat(driver.case_data(ref)["payment_due_date"])
    driver.travel(days=(due - clock_module.today_local()).days + 40)
    driver.sweep()
    assert driver.open_forms(ref) == []  # the 催告书 waits for its service
    serve(driver, ref, reg)
    data = driver.case_data(ref)
    assert data["surcharge"]["days"] == 40 and Decimal(data["surcharge"]["amount"]) == Decimal(6000)
    assert data["surcharge"]["capped"] is True
    reminder = driver.documents(ref)[-1]
    assert reminder.kind == "payment_reminder"
    assert data["periods"]["reminder"]["article"].endswith("第五十四条")
    assert driver.open_forms(ref) == ["penalty_payment"]
    paid = clock_module.today_local().isoformat()
    driver.complete(ref, "penalty_payment", {"paid_on": paid, "receipt": "FS-001"}, reg["unit"])
    data = driver.case_data(ref)
    assert data["amount_due"] == "12000.00" and driver.case(ref).outcome == "paid"
    assert terms.surcharge(6000, due, due + timedelta(days=10))["amount"] == Decimal("1800.00")


def test_decision_near_the_90_day_limit_warns_the_head(driver, clock):
    reg, ref = tengchong_case(driver, clock)
    investigate(driver, ref)
    limit = date.fromisoformat(driver.case_data(ref)["limit_date"])
    assert limit == date(2021, 5, 31)  # 90 days from 立案 on 2021-03-01: Sunday 05-30 rolls on
    driver.travel(days=(limit - clock_module.today_local()).days - 16)  # Saturday 05-15
    driver.sweep()
    [row] = service.decision_limits(driver.uow(), actor=CLERK)
    assert row["warning"] is False and row["days_left"] == 16
    assert driver.open_forms(ref) == ["penalty_proposal"]
    driver.travel(days=2)  # Monday 05-17: 10 working days before the limit
    assert driver.sweep() >= 1
    [row] = service.decision_limits(driver.uow(), actor=CLERK)
    assert row["warning"] is True and row["article"].endswith("第六十条")
    assert sorted(driver.open_forms(ref)) == ["penalty_limit_warning", "penalty_proposal"]
    warning = driver.task(ref, "penalty_limit_warning")
    assert warning.role == "bureau_head"
    assert service.warn_heads(driver.uow(), actor=CLERK) == [ref]
    assert service.warn_heads(driver.uow(), actor=CLERK) == []  # once
    driver.complete(ref, "penalty_limit_warning", {"note": "限期作出决定"}, HEAD)
    assert driver.open_forms(ref) == ["penalty_proposal"]  # the procedure goes on


def test_a_decision_before_the_warning_day_ends_the_watch(driver):
    reg, ref = inner_mongolia_case(driver)
    investigate(driver, ref)
    propose(driver, ref, "fine", 6000)
    serve(driver, ref, reg)
    driver.complete(ref, "penalty_response", {"statement": "", "hearing_requested": False}, reg["unit"])
    approve(driver, ref)
    serve(driver, ref, reg)
    driver.complete(ref, "penalty_payment", {"paid_on": clock_module.today_local().isoformat(),
                                             "receipt": "FS-002"}, reg["unit"])
    assert driver.case(ref).outcome == "paid" and driver.open_forms(ref) == []
    driver.travel(days=100)
    driver.sweep()
    assert driver.open_forms(ref) == []  # terminated with the case: no late warning


def test_simplified_warning_published_with_the_individual_masked_and_withdrawn(driver, clock):
    reg, ref = tengchong_case(driver, clock, party_type="person")
    investigate(driver, ref)
    propose(driver, ref, "warning")
    assert driver.case_data(ref)["simplified"] is True
    assert [d.kind for d in driver.documents(ref)] == ["warning_decision"]
    assert driver.case(ref).outcome == "decided"
    with driver.uow() as uow:
        page = publication.search(uow.session, "")
    [row] = page["items"]
    unit_name = f"测试商场{driver._serial}号"
    assert row["party"] != unit_name and row["party"].startswith("测") and "*" in row["party"]
    assert row["penalty"] == "警告" and "腾冲" in row["organ"] or row["organ"]
    assert row["published_on"] <= driver.case_data(ref)["periods"]["publication"]["date"]
    result = service.report_review(driver.uow(), actor=CLERK, case_ref=ref, kind="reconsideration",
                                   outcome="revoked", note="事实不清")
    assert result["withdraw_by"]
    with driver.uow() as uow:
        [row] = publication.search(uow.session, "")["items"]
        csv_text = publication.export(uow.session, "csv")
    assert row["status"] == "withdrawn" and "撤销" in row["withdrawal_reason"]
    assert "withdrawn" in csv_text and unit_name not in csv_text


def test_masking_identity_numbers():
    assert terms.mask_identity("张三 110101199003071234") == "张三 1****************4"
    assert terms.mask_name("张三丰") == "张**"
