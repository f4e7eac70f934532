"""engine.marks reads current and done elements from the engine's stored state."""
from __future__ import annotations

import pytest

from casework.services.cases.violations import report_violation
from tests.integration.lifecycle.lifecycle_driver import CLERK, INSPECTOR, Driver
from casework.engine import marks

ORDERED = ["start", "f_start", "draft_order", "f_draft", "review_order", "f_review", "order_approved",
           "f_approved", "set_order_deadline", "f_deadline", "issue_order", "f_issued",
           "with_order", "f_order_only"]  # no fine comes with this order (issue 14)


@pytest.fixture
def ordered(container, clock):
    driver = Driver(container, clock)
    unit = driver.register("taiyuan")
    ref = report_violation(driver.uow(), actor=CLERK, unit_id=unit["unit_id"], code="no_signage",
                           facts="未设置明显标志", act_key="visit-1")
    return driver, ref


def _marks(driver, ref):
    with driver.uow() as uow:
        return marks(uow.session, driver.case(ref).instance_id)


def test_a_new_case_waits_at_its_first_task(ordered):
    driver, ref = ordered
    assert _marks(driver, ref) == {"current": ["draft_order"], "done": ["f_start", "start"]}


def test_an_ordered_case_waits_for_the_units_report(ordered):
    driver, ref = ordered
    driver.order(ref)
    found = _marks(driver, ref)
    assert found["current"] == ["report_correction"]  # not its guarding boundary timer
    assert sorted(found["done"]) == sorted(ORDERED)
    assert "f_back_to_draft" not in found["done"]


def test_a_fired_deadline_marks_the_boundary_path_and_not_the_cancelled_task(ordered):
    driver, ref = ordered
    driver.order(ref)
    driver.clock.travel_to(driver.case(ref).due_at)
    driver.travel(days=1)
    driver.sweep()
    found = _marks(driver, ref)
    assert "report_correction" not in found["done"] + found["current"]
    assert {"deadline_missed", "f_missed", "escalate"} <= set(found["done"])
    # Taiyuan no_signage carries no fine band: it closes and never reaches the penalty procedure
    assert {"f_no_sanction", "close_no_sanction", "end_no_sanction"} <= set(found["done"])
    assert found["current"] == []


def test_a_finished_process_has_no_current_step(container, clock):
    driver = Driver(container, clock)
    unit = driver.register("changzhou")
    ref = report_violation(driver.uow(), actor=CLERK, unit_id=unit["unit_id"], code="no_signage",
                           facts="未设置明显标志", act_key="visit-2")
    driver.order(ref)
    driver.complete(ref, "rectification_report", {"description": "已设置标志"}, unit["unit"])
    driver.complete(ref, "rectification_recheck", {"corrected": True, "findings": "已设置"},
                    INSPECTOR)
    found = _marks(driver, ref)
    assert found["current"] == []
    assert {"recheck", "is_corrected", "f_corrected", "close_corrected", "end_corrected"} <= set(found["done"])
