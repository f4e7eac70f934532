"""Units see only their own cases and tasks; inspections are drawn by a cycle policy."""
from __future__ import annotations

import pytest

from casework.errors import NotFound, PermissionDenied
from casework.services.cases import cases
from casework.services.processes import tasks
from casework.services.units import inspections
from tests.integration.lifecycle.lifecycle_driver import CLERK, INSPECTOR, Driver


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


def test_a_unit_sees_only_its_own_cases_and_tasks(driver):
    one, two = driver.register("taiyuan"), driver.register("taiyuan")
    mine = cases.list_cases(driver.uow(), actor=one["unit"])
    assert [c["ref"] for c in mine] == [one["case_ref"]]
    with pytest.raises(NotFound):
        cases.show_case(driver.uow(), two["case_ref"], actor=one["unit"])
    [task] = tasks.list_tasks(driver.uow(), actor=one["unit"])
    assert task["case_ref"] == one["case_ref"]
    other = driver.task(two["case_ref"], "acceptance_complete")
    with pytest.raises(NotFound):  # another unit's task does not exist for this unit
        tasks.complete_task(driver.uow(), actor=one["unit"], work_item_id=other.id,
                            data={"completed_on": "2026-03-02", "camera_count": 1, "builder": "x"})
    assert driver.open_forms(two["case_ref"]) == ["acceptance_complete"]


def test_staff_cannot_complete_a_task_outside_their_role(driver):
    reg = driver.register("taiyuan")
    item = driver.task(reg["case_ref"], "acceptance_complete")
    with pytest.raises(PermissionDenied):
        tasks.complete_task(driver.uow(), actor=CLERK, work_item_id=item.id,
                            data={"completed_on": "2026-03-02", "camera_count": 1, "builder": "x"})


def test_inspection_cycle_selects_units_not_inspected_within_the_interval(driver, clock):
    one, two = driver.register("taiyuan"), driver.register("changzhou")
    today = clock.now().date()
    due = inspections.select_due_units(driver.uow(), on=today, random_share=0.0)
    assert due == [one["unit_id"], two["unit_id"]]
    inspections.start_inspection(driver.uow(), actor=INSPECTOR, unit_id=one["unit_id"])
    driver.travel(days=1)
    due = inspections.select_due_units(driver.uow(), on=today, random_share=0.0)
    assert due == [two["unit_id"]]
    driver.travel(days=400)
    later = clock.now().date()
    assert inspections.select_due_units(driver.uow(), on=later, random_share=0.0) == [
        one["unit_id"], two["unit_id"]]


def test_bureau_staff_see_and_work_only_their_jurisdiction(driver):
    from casework.models import Jurisdiction
    from casework.services.actor import Actor
    from sqlalchemy import select

    taiyuan_unit, changzhou_unit = driver.register("taiyuan"), driver.register("changzhou")
    with driver.uow() as uow:
        taiyuan = uow.session.execute(select(Jurisdiction).where(Jurisdiction.code == "taiyuan")).scalar_one()
    clerk = Actor("ty-clerk", frozenset({"clerk", "unit"}), None, taiyuan.id)
    refs = [c["ref"] for c in cases.list_cases(driver.uow(), actor=clerk)]
    assert refs == [taiyuan_unit["case_ref"]]
    with pytest.raises(NotFound):
        cases.show_case(driver.uow(), changzhou_unit["case_ref"], actor=clerk)
    with pytest.raises(NotFound):
        from casework.services.units import registration
        registration.register_unit(driver.uow(), actor=clerk, credit_code_value="91350100M000100Y43",
                                   name="x", address="y", legal_representative="z",
                                   site_category="commercial", party_type="business",
                                   jurisdiction="changzhou")
    item = driver.task(changzhou_unit["case_ref"], "acceptance_complete")
    with pytest.raises(NotFound):
        tasks.claim_task(driver.uow(), actor=clerk, work_item_id=item.id)


def test_diagram_date_helpers_load_the_holiday_table_on_first_use(driver):
    deadline_iso = driver.container.functions["deadline_iso"]
    assert deadline_iso("2026-09-05", "30d") == "2026-10-08T16:00:00+00:00"


@pytest.mark.parametrize("data, field", [
    ({"facts": "x", "correction_days": "15; DROP TABLE case_file"}, "correction_days"),
    ({"facts": "x", "correction_days": 15, "approved": True}, "approved"),
    ({"facts": "", "correction_days": 15}, "facts"),
    ({"facts": "x" * 5000, "correction_days": 15}, "facts"),
    ({"correction_days": 15}, "facts"),
])
def test_hostile_form_values_are_refused_by_field_and_change_nothing(driver, data, field):
    from casework.errors import InvalidInput
    from casework.services.cases.violations import report_violation

    reg = driver.register("taiyuan")
    ref = report_violation(driver.uow(), actor=CLERK, unit_id=reg["unit_id"], code="no_signage",
                           facts="未设置明显标志", act_key="hostile")
    before = driver.case_data(ref)
    with pytest.raises(InvalidInput, match=field):
        driver.complete(ref, "rectification_draft", data, CLERK)
    assert driver.open_forms(ref) == ["rectification_draft"]
    assert driver.case_data(ref) == before


def test_a_unit_downloads_its_own_documents_only(driver):
    from casework.services.cases.downloads import download_document
    from casework.services.cases.violations import report_violation

    mine, other = driver.register("taiyuan"), driver.register("taiyuan")
    ref = report_violation(driver.uow(), actor=CLERK, unit_id=mine["unit_id"], code="no_signage",
                           facts="未设置明显标志", act_key="dl")
    driver.order(ref)
    [order] = driver.documents(ref)
    number, data = download_document(driver.uow(), actor=mine["unit"], document_id=order.id)
    assert number == order.number and data[:5] == b"%PDF-"
    import hashlib
    assert hashlib.sha256(data).hexdigest() == order.sha256
    with pytest.raises(NotFound):
        download_document(driver.uow(), actor=other["unit"], document_id=order.id)
    shown = cases.show_case(driver.uow(), ref, actor=mine["unit"])
    assert [d["number"] for d in shown["documents"]][0] == order.number


def test_a_claimed_task_is_worked_only_by_its_claimant(driver):
    from casework.errors import Conflict
    from casework.services.actor import Actor
    from casework.services.cases.violations import report_violation

    reg = driver.register("taiyuan")
    ref = report_violation(driver.uow(), actor=CLERK, unit_id=reg["unit_id"], code="no_signage",
                           facts="未设置明显标志", act_key="claim")
    item = driver.task(ref, "rectification_draft")
    tasks.claim_task(driver.uow(), actor=CLERK, work_item_id=item.id)
    other = Actor("clerk2", frozenset({"clerk"}))
    with pytest.raises(Conflict):
        tasks.complete_task(driver.uow(), actor=other, work_item_id=item.id,
                            data={"facts": "x", "correction_days": 15})
    tasks.unclaim_task(driver.uow(), actor=CLERK, work_item_id=item.id)
    tasks.complete_task(driver.uow(), actor=other, work_item_id=item.id,
                        data={"facts": "x", "correction_days": 15})
    assert driver.open_forms(ref) == ["legal_review"]
