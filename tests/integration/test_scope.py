"""The one scope rule: cross-jurisdiction openings refused, a unit claims its own task."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casework.errors import NotFound
from casework.models import Case, Jurisdiction, Violation
from casework.services.cases import cases
from casework.services.units import inspections
from casework.services.processes import tasks
from casework.services.cases import violations
from casework.services.actor import Actor
from tests.integration.lifecycle.lifecycle_driver import Driver


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


def _jurisdiction(driver, code: str) -> int:
    with driver.uow() as uow:
        return uow.session.execute(select(Jurisdiction.id).where(Jurisdiction.code == code)).scalar_one()


def _count(driver, model) -> int:
    with driver.uow() as uow:
        return uow.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_taiyuan_clerk_cannot_open_cases_against_a_changzhou_unit(driver):
    changzhou = driver.register("changzhou")
    clerk = Actor("ty-clerk", frozenset({"clerk", "inspector"}), None, _jurisdiction(driver, "taiyuan"))
    before = _count(driver, Case)
    with pytest.raises(NotFound):
        violations.report_violation(driver.uow(), actor=clerk, unit_id=changzhou["unit_id"],
                                    code="no_signage", facts="未设置标志", act_key="x-1")
    with pytest.raises(NotFound):
        inspections.start_inspection(driver.uow(), actor=clerk, unit_id=changzhou["unit_id"])
    assert _count(driver, Case) == before and _count(driver, Violation) == 0
    # The same clerk may act in their own jurisdiction.
    taiyuan = driver.register("taiyuan")
    ref = inspections.start_inspection(driver.uow(), actor=clerk, unit_id=taiyuan["unit_id"])
    assert cases.show_case(driver.uow(), ref, actor=clerk)["ref"] == ref


def test_a_unit_user_claims_its_own_task_but_another_units_id_is_404(driver):
    one, two = driver.register("taiyuan"), driver.register("taiyuan")
    mine = driver.task(one["case_ref"], "acceptance_complete")
    tasks.claim_task(driver.uow(), actor=one["unit"], work_item_id=mine.id)
    assert driver.task(one["case_ref"], "acceptance_complete").assignee == one["unit"].name
    tasks.unclaim_task(driver.uow(), actor=one["unit"], work_item_id=mine.id)
    theirs = driver.task(two["case_ref"], "acceptance_complete")
    with pytest.raises(NotFound):
        tasks.claim_task(driver.uow(), actor=one["unit"], work_item_id=theirs.id)
    assert driver.task(two["case_ref"], "acceptance_complete").assignee is None


def test_scope_rule_admin_sees_all_staff_their_jurisdictions_users_without_scope_nothing():
    admin = Actor("root", frozenset({"admin"}), None, 7)
    assert admin.may_see(1, 3) and admin.jurisdictions is None
    staff = Actor("c", frozenset({"clerk"}), None, 1, frozenset({2}))
    assert staff.may_see(5, 1) and staff.may_see(5, 2) and not staff.may_see(5, 3)
    assert not Actor("u", frozenset({"unit"}), 4).may_see(5, 1)
    assert Actor("u", frozenset({"unit"}), 4).may_see(4, 1)
    assert not Actor("nobody", frozenset()).may_see(1, 1)
