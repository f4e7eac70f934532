"""Issue 14: before any step, the instance's due timers fire; a late act meets the process as it
is now. One test per boundary timer of the shipped diagrams (bpmn/*.bpmn), with no sweep run."""
from __future__ import annotations

import pytest

from casework import clock as clock_module
from casework.engine.run.runtime import TooLate
from tests.integration.lifecycle.lifecycle_driver import Driver
from tests.integration.lifecycle.test_lifecycle_scenarios import accept_and_start_filing, due_day, tengchong_obstruction_order


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


def _late_rectification(driver):
    reg, filing = accept_and_start_filing(driver, "anyang")
    driver.travel(days=(due_day(filing) - clock_module.today_local()).days + 1)
    return reg, filing


def test_filing_after_its_window_closed_is_refused_and_becomes_the_violation(driver):
    """filing.bpmn `window_closed` on `submit_filing`."""
    reg, filing = _late_rectification(driver)
    with pytest.raises(TooLate, match="window_closed|备案期限届满"):
        driver.file(filing.ref, reg["unit"])
    assert driver.case(filing.ref).outcome == "overdue"
    assert [d.kind for d in driver.documents(filing.ref)] == []  # no receipt
    assert len(driver.cases_of(reg["unit_id"], "rectification")) == 1


def test_correction_report_after_its_deadline_takes_the_missed_path(driver):
    """rectification.bpmn `deadline_missed` on `report_correction`."""
    reg, _filing = _late_rectification(driver)
    assert driver.sweep() >= 1
    [rect] = driver.cases_of(reg["unit_id"], "rectification")
    driver.order(rect.ref)
    assert driver.open_forms(rect.ref) == ["rectification_report"]
    driver.travel(days=driver.case_data(rect.ref)["correction_days"] + 2)
    with pytest.raises(TooLate, match="deadline_missed|改正期限届满"):
        driver.complete(rect.ref, "rectification_report", {"description": "已补办备案"}, reg["unit"])
    assert "rectification_report" not in driver.open_forms(rect.ref)
    assert driver.sweep() == 0  # already fired by the refused act


def test_statement_after_its_period_is_refused_and_review_follows(driver, clock):
    """rectification.bpmn `statement_period_over` on `state_defence`."""
    reg, rect = tengchong_obstruction_order(driver, clock)
    driver.confirm_all(rect.ref, reg["unit"])  # the period runs from service (第三十六条)
    driver.travel(days=7)
    with pytest.raises(TooLate, match="statement_period_over|陈述申辩期限届满"):
        driver.complete(rect.ref, "defence_statement", {"statement": "迟到的申辩"}, reg["unit"])
    assert driver.open_forms(rect.ref) == ["defence_review"]
