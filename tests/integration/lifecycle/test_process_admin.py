"""Managers deploy new versions; running instances keep theirs until migrated explicitly."""
from __future__ import annotations

import pytest

from casework.config import PROJECT_ROOT
from casework.engine import DiagramInvalid
from casework.errors import PermissionDenied
from casework.services.processes import admin as process_admin
from casework.services.actor import Actor
from tests.integration.lifecycle.lifecycle_driver import CLERK, Driver

MANAGER = Actor("manager1", frozenset({"manager"}))
RECTIFICATION = (PROJECT_ROOT / "bpmn" / "rectification.bpmn").read_bytes()


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


def test_new_version_previewed_and_migrated_only_on_request(driver):
    from casework.services.cases.violations import report_violation

    reg = driver.register("taiyuan")
    ref = report_violation(driver.uow(), actor=CLERK, unit_id=reg["unit_id"], code="no_signage",
                           facts="未设置标志", act_key="v1")
    renamed = RECTIFICATION.replace("拟制责令限期改正通知".encode(), "拟制责令限期改正通知书".encode())
    result = process_admin.deploy_model(driver.uow(), actor=MANAGER, key="rectification",
                                        bpmn_xml=renamed)
    assert result["version"] == 2
    instance_id = driver.case(ref).instance_id
    preview = process_admin.migrate_instance(driver.uow(), actor=MANAGER,
                                             instance_id=instance_id, to_version=2)
    assert preview["safe"] and not preview["applied"] and "draft_order" in preview["changed"]
    assert driver.task(ref, "rectification_draft").title == "拟制责令限期改正通知"
    process_admin.migrate_instance(driver.uow(), actor=MANAGER, instance_id=instance_id,
                                   to_version=2, apply=True)
    assert driver.task(ref, "rectification_draft").title == "拟制责令限期改正通知书"


def test_hostile_diagrams_are_refused_naming_the_element_and_only_managers_deploy(driver):
    hostile = RECTIFICATION.replace(b"approved == True", b"__import__('os').system('id')")
    with pytest.raises(DiagramInvalid, match="order_approved"):
        process_admin.deploy_model(driver.uow(), actor=MANAGER, key="rectification",
                                   bpmn_xml=hostile)
    with pytest.raises(PermissionDenied):
        process_admin.deploy_model(driver.uow(), actor=CLERK, key="rectification",
                                   bpmn_xml=RECTIFICATION)
    assert [m["version"] for m in process_admin.list_models(
        driver.uow(), actor=MANAGER, key="rectification")] == [1]
