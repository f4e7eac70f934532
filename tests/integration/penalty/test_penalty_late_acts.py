"""Issue 14's late-act rule on each boundary timer of bpmn/penalty.bpmn, with no sweep run: the due
timer fires first, the act is refused and the process is on its missed-deadline path.
(`receipt_window_over` is in test_penalty_service.py.)"""
from __future__ import annotations

from datetime import date

import pytest

from casework import clock as clock_module
from casework.engine.run.runtime import TooLate
from tests.integration.lifecycle.lifecycle_driver import Driver
from tests.integration.penalty.test_penalty_procedure import (approve, inner_mongolia_case, investigate,
                                                               propose, serve)


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


def _past(driver, day: str) -> None:
    driver.travel(days=(date.fromisoformat(day) - clock_module.today_local()).days + 1)


def _noticed(driver):
    reg, ref = inner_mongolia_case(driver)
    investigate(driver, ref)
    propose(driver, ref, "fine", 6000)
    serve(driver, ref, reg)
    return reg, ref


def _payment_open(driver):
    reg, ref = _noticed(driver)
    driver.complete(ref, "penalty_response", {"statement": "", "hearing_requested": False}, reg["unit"])
    approve(driver, ref)
    serve(driver, ref, reg)
    assert driver.open_forms(ref) == ["penalty_payment"]
    return reg, ref


def test_a_statement_after_its_period_is_refused_and_review_follows(driver):
    """`response_over` on `respond`."""
    reg, ref = _noticed(driver)
    _past(driver, driver.case_data(ref)["response_due_date"])
    with pytest.raises(TooLate, match="response_over|陈述申辩"):
        driver.complete(ref, "penalty_response", {"statement": "迟到的申辩", "hearing_requested": True},
                        reg["unit"])
    assert driver.open_forms(ref) == ["penalty_legal_review"]
    assert driver.sweep() == 0


def test_a_payment_after_its_deadline_is_refused_and_the_reminder_is_issued(driver):
    """`payment_overdue` on `pay`."""
    reg, ref = _payment_open(driver)
    _past(driver, driver.case_data(ref)["payment_due_date"])
    with pytest.raises(TooLate, match="payment_overdue|缴款期限"):
        driver.complete(ref, "penalty_payment", {"paid_on": clock_module.today_local().isoformat(),
                                                 "receipt": "FS-9"}, reg["unit"])
    assert driver.documents(ref)[-1].kind == "payment_reminder"
    assert driver.case_data(ref)["surcharge"]["days"] == 1


def test_a_payment_after_the_reminder_period_is_refused_and_the_court_item_opens(driver):
    """`reminder_over` on `pay_late`."""
    reg, ref = _payment_open(driver)
    _past(driver, driver.case_data(ref)["payment_due_date"])
    driver.sweep()
    serve(driver, ref, reg)
    assert driver.open_forms(ref) == ["penalty_payment"]
    _past(driver, driver.case_data(ref)["enforce_date"])
    with pytest.raises(TooLate, match="reminder_over|催告期满"):
        driver.complete(ref, "penalty_payment", {"paid_on": clock_module.today_local().isoformat(),
                                                 "receipt": "FS-10"}, reg["unit"])
    assert driver.open_forms(ref) == ["court_application"]
