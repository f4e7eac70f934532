"""Postponing the hearing at the party's request (公安机关办理行政案件程序规定 第一百三十八条): the unit
asks before the hearing day with its reason, the host (legal reviewer) grants it with a later date
and a new notice served again, or refuses it with reasons; bpmn/penalty.bpmn through the services."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from casework import clock as clock_module
from casework.engine.run.runtime import StepFailed
from casework.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from casework.models import AuditEvent
from casework.services.cases import portal_case
from casework.services.penalty import postponement
from tests.integration.lifecycle.lifecycle_driver import CLERK, LEGAL, Driver
from tests.integration.penalty.test_penalty_hearing import RECORD, _hearing_requested, _notes, _schedule
from tests.integration.penalty.test_penalty_procedure import serve


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


def _set(driver, clock) -> tuple[dict, str]:
    """Requested Monday 03-01, set for 03-11, the notice served the same day."""
    reg, ref = _hearing_requested(driver, clock)
    _schedule(driver, ref, "2021-03-11")
    serve(driver, ref, reg)
    assert driver.open_forms(ref) == ["hearing_record"]
    return reg, ref


def _ask(driver, reg, ref, reason="法定代表人出差，无法按期参加") -> dict:
    return postponement.request(driver.uow(), actor=reg["unit"], ref=ref, reason=reason)


def _decide(driver, ref, **data) -> None:
    driver.complete(ref, "hearing_postponement", {"decision_reasons": "理由", **data}, LEGAL)


def _audits(driver, ref, kind) -> list[dict]:
    with driver.uow() as uow:
        return [e.data for e in uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == kind, AuditEvent.subject == f"case:{ref}")
            .order_by(AuditEvent.seq))]


def test_refused_then_granted_with_a_new_notice_served_again(driver, clock):
    reg, ref = _set(driver, clock)
    driver.travel(days=2)  # Wednesday 03-03
    assert _ask(driver, reg, ref)["hearing_on"] == "2021-03-11"
    assert driver.open_forms(ref) == ["hearing_postponement"]  # the hearing task waits for the host
    item = driver.task(ref, "hearing_postponement")
    assert item.role == "legal_reviewer"
    assert clock_module.to_local(item.due_at).date() == date(2021, 3, 12)  # before the hearing day ends
    note = _notes(driver, ref, "hearing_postponement")
    assert "法定代表人出差" in note and "第一百三十八条" in note and "重新送达" in note
    shown = portal_case.case_page(driver.uow(), actor=reg["unit"], ref=ref)["hearing"]
    assert shown["status"] == "postponement_requested" and shown["asked"]["asked_on"] == "2021-03-03"
    with pytest.raises(Conflict):  # one request at a time
        _ask(driver, reg, ref)

    _decide(driver, ref, postpone=False, decision_reasons="出差可委托代理人参加（第一百三十条第二项）")
    assert driver.open_forms(ref) == ["hearing_record"]
    data = driver.case_data(ref)
    assert data["hearing"]["status"] == "scheduled" and data["hearing_on"] == "2021-03-11"
    [refused] = data["hearing"]["postponements"]
    assert refused["granted"] is False and "委托代理人" in refused["reasons"] and refused["by"] == LEGAL.name
    assert "hearing_postponement" not in data["task_notes"]
    assert [d.kind for d in driver.documents(ref)] == ["penalty_notice", "hearing_notice"]

    driver.travel(days=1)  # Thursday 03-04: asks again, with a better reason
    _ask(driver, reg, ref, reason="法定代表人住院")
    with pytest.raises((RuleViolation, StepFailed), match="晚于原定"):
        _decide(driver, ref, postpone=True, new_date="2021-03-10")
    with pytest.raises((RuleViolation, StepFailed), match="七日前送达.*2021-03-15"):
        _decide(driver, ref, postpone=True, new_date="2021-03-15")  # served today: ends 03-15
    with pytest.raises((InvalidInput, StepFailed), match="新的听证日期"):
        _decide(driver, ref, postpone=True, new_date="")
    _decide(driver, ref, postpone=True, new_date="2021-03-22", new_place="第二会议室",
            decision_reasons="住院属正当理由，准许延期")
    data = driver.case_data(ref)
    assert (data["hearing_on"], data["place"]) == ("2021-03-22", "第二会议室")
    assert data["hearing"]["status"] == "waiting_service" and len(data["hearing"]["postponements"]) == 2
    assert data["hearing"]["postponements"][1]["to"] == "2021-03-22"
    limit = data["periods"]["hearing_limit"]
    assert (limit["date"], limit["postponed_from"]) == ("2021-03-22", "2021-03-11")
    assert "第一百三十八条" in limit["article"]
    assert [d.kind for d in driver.documents(ref)] == ["penalty_notice", "hearing_notice", "hearing_notice"]
    with pytest.raises(Conflict):  # no set hearing while the new notice is unserved
        _ask(driver, reg, ref)
    serve(driver, ref, reg)  # 03-04: seven working days end 03-15
    assert driver.open_forms(ref) == ["hearing_record"]
    assert clock_module.to_local(driver.task(ref, "hearing_record").due_at).date() == date(2021, 3, 23)
    assert driver.case_data(ref)["periods"]["hearing_notice"]["served_on"] == "2021-03-04"
    driver.travel(days=18)  # Monday 03-22
    with pytest.raises(RuleViolation, match="之前申请"):  # the hearing day: too late to ask
        _ask(driver, reg, ref)
    driver.complete(ref, "hearing_record", RECORD, LEGAL)
    assert driver.open_forms(ref) == ["penalty_legal_review"]

    asked = _audits(driver, ref, "penalty.hearing_postponement_requested")
    decided = _audits(driver, ref, "penalty.hearing_postponement_decided")
    assert [a["reason"] for a in asked] == ["法定代表人出差，无法按期参加", "法定代表人住院"]
    assert [(d["granted"], d["to"]) for d in decided] == [(False, ""), (True, "2021-03-22")]


def test_only_the_cases_unit_asks_with_a_reason(driver, clock):
    reg, ref = _set(driver, clock)
    with pytest.raises(InvalidInput):
        _ask(driver, reg, ref, reason="  ")
    with pytest.raises(PermissionDenied):
        postponement.request(driver.uow(), actor=CLERK, ref=ref, reason="代为申请")
    other = driver.register("tengchong")
    with pytest.raises(Exception) as refused:
        postponement.request(driver.uow(), actor=other["unit"], ref=ref, reason="不是本单位")
    assert getattr(refused.value, "status", None) == 404
    assert driver.open_forms(ref) == ["hearing_record"]
