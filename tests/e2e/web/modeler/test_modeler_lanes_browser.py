"""Issue 16: a manager gives a task to a role the diagram has no lane for. Our diagrams put lanes
straight in the process (no pool); the panel's "add a lane for a role" adds the lane below the
others, named by its role; a new user task is moved into it, given its form and deployed, and a
new case's work item goes to that role. A diagram from another tool with no lane at all gets its
first lane around everything its process draws (or filling its pool); a node's lane pick list offers
a new lane for each role without one."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from casework.models.engine import ModelVersion, WorkItem
from casework.services.cases.violations import report_violation
from tests.e2e.web.test_browser import browser, new_page, server, shot  # noqa: F401 (fixtures)
from tests.e2e.web.world import CLERK, FACTS

pytestmark = pytest.mark.browser
MIWG = Path(__file__).resolve().parents[3] / "data" / "miwg"

ADD_TASK = """() => {
  const m = window.caseworkModeler, registry = m.get('elementRegistry'), modeling = m.get('modeling');
  const task = modeling.createShape(m.get('elementFactory').createShape({ type: 'bpmn:UserTask' }),
                                    { x: 700, y: 420 }, m.get('canvas').getRootElement());
  modeling.updateProperties(task, { name: '负责人先行审阅' });
  modeling.reconnectEnd(registry.get('f_start'), task, { x: task.x, y: task.y + task.height / 2 });
  modeling.connect(task, registry.get('draft_order'));
  m.get('selection').select(task);
  return task.id;
}"""

SELECT = "id => { const m = window.caseworkModeler; m.get('selection').select(m.get('elementRegistry').get(id)); }"
USER_TASK = "_79523269-7444-4b01-90e9-e23957a9d020"  # C.8.1's user task
LANES = """() => window.caseworkModeler.get('elementRegistry').filter(e => e.type === 'bpmn:Lane')
  .map(l => ({ id: l.id, role: l.businessObject.name || '', x: l.x, y: l.y, width: l.width, height: l.height,
               nodes: (l.businessObject.flowNodeRef || []).map(n => n.id) }))"""


def test_a_lane_for_a_role_then_a_task_in_it_reaches_that_role(new_page, web_world):  # noqa: F811
    container, _facts = web_world
    page = new_page("manager")
    page.goto("/modeler/rectification/edit")
    page.wait_for_selector("#modeler[data-state=ready]")
    missing = page.locator("#lane-add-box").get_attribute("data-roles").split()
    assert "bureau_head" in missing and "clerk" not in missing and "inspector" not in missing
    assert "为角色添加泳道" in page.inner_text("#lane-add-box")
    assert "负责人 (bureau_head)" in page.locator("#lane-role option").all_inner_texts()
    before = page.evaluate(LANES)

    page.select_option("#lane-role", "bureau_head")
    page.click("#lane-add")
    lanes = page.evaluate(LANES)
    [lane] = [l for l in lanes if l["role"] == "bureau_head"]
    lowest = max(before, key=lambda l: l["y"] + l["height"])
    assert lane["y"] == lowest["y"] + lowest["height"] and lane["x"] == lowest["x"]
    assert lane["width"] == lowest["width"]  # below the others, as wide as they are
    assert page.locator("#panel-role").input_value() == "bureau_head"  # the new lane is selected
    assert "bureau_head" not in page.locator("#lane-add-box").get_attribute("data-roles").split()

    task_id = page.evaluate(ADD_TASK)
    assert "负责人 (bureau_head)" in page.locator("#panel-lane option").all_inner_texts()
    page.select_option("#panel-lane", lane["id"])
    assert task_id in next(l for l in page.evaluate(LANES) if l["id"] == lane["id"])["nodes"]
    page.select_option("#panel-form", "rectification_draft")
    page.click("#save-draft")
    page.wait_for_selector("#modeler[data-state=saved]")
    page.wait_for_selector("#no-problems", state="visible")
    shot(page, "modeler-lane-added", "zh")
    page.fill("#deploy-reason", "负责人先行审阅 / the bureau head reviews first")
    page.click("#deploy-button")
    page.wait_for_url("**/modeler")
    assert "v2" in page.locator(".flash").first.inner_text()

    with container.uow() as uow:
        v2 = uow.session.scalar(select(ModelVersion).where(ModelVersion.key == "rectification",
                                                           ModelVersion.version == 2))
        assert f'<bpmn:lane id="{lane["id"]}" name="bureau_head">' in v2.bpmn_xml
        assert f'bpmnElement="{lane["id"]}"' in v2.bpmn_xml  # drawn, in the process's laneSet
    ref = report_violation(container.uow(), actor=CLERK, unit_id=_facts["a"]["unit_id"], code="no_signage",
                           facts=FACTS, act_key="lanes-1")
    with container.uow() as uow:
        item = uow.session.scalar(select(WorkItem).where(WorkItem.case_ref == ref, WorkItem.task_spec == task_id))
        assert item is not None and item.role == "bureau_head" and item.form_key == "rectification_draft"
    head = new_page("head")
    head.goto("/tasks")
    assert "负责人先行审阅" in head.inner_text("main")
    assert page.problems == [] and head.problems == []


def test_a_diagram_without_lanes_gets_its_first_lane_around_what_it_draws(new_page):  # noqa: F811
    page = new_page("manager", lang="en")
    page.goto("/modeler/rectification/edit")
    page.wait_for_selector("#modeler[data-state=ready]")
    assert "Add a lane for a role" in page.inner_text("#lane-add-box")
    page.set_input_files("#import-file", str(MIWG / "A.1.0.bpmn"))
    page.wait_for_selector("#modeler[data-state=ready]")
    assert page.evaluate(LANES) == []
    assert "Clerk (clerk)" in page.locator("#lane-role option").all_inner_texts()
    page.select_option("#lane-role", "clerk")
    page.click("#lane-add")
    [lane] = page.evaluate(LANES)
    nodes = page.evaluate("""() => window.caseworkModeler.get('elementRegistry')
      .filter(e => e.businessObject.$instanceOf && e.businessObject.$instanceOf('bpmn:FlowNode') && e.type !== 'label')
      .map(e => e.id)""")
    assert lane["role"] == "clerk" and sorted(lane["nodes"]) == sorted(nodes)  # around all it draws
    xml = page.evaluate("() => window.caseworkModeler.saveXML().then(r => r.xml)")
    assert ":laneSet" in xml and f'name="clerk"' in xml and f'bpmnElement="{lane["id"]}"' in xml

    page.set_input_files("#import-file", str(MIWG / "C.8.1.bpmn"))  # a pool without lanes
    page.wait_for_selector("#modeler[data-state=ready]")
    page.select_option("#lane-role", "inspector")
    page.click("#lane-add")
    [lane] = page.evaluate(LANES)
    pool = page.evaluate("""() => { const p = window.caseworkModeler.get('elementRegistry')
      .filter(e => e.type === 'bpmn:Participant')[0]; return { x: p.x, y: p.y, width: p.width, height: p.height }; }""")
    assert lane["role"] == "inspector" and lane["y"] == pool["y"] and lane["height"] == pool["height"]
    assert lane["x"] > pool["x"] and lane["x"] + lane["width"] == pool["x"] + pool["width"]  # fills its pool

    page.evaluate(SELECT, USER_TASK)  # a node's lane pick list: "new lane: role" adds it and moves there
    assert "new lane: Legal reviewer (legal_reviewer)" in page.locator("#panel-lane option").all_inner_texts()
    assert "new lane: Inspector (inspector)" not in page.locator("#panel-lane option").all_inner_texts()
    page.select_option("#panel-lane", "new-lane:legal_reviewer")
    first, second = sorted(page.evaluate(LANES), key=lambda l: l["y"])
    assert (first["role"], second["role"]) == ("inspector", "legal_reviewer")
    assert second["y"] == first["y"] + first["height"] and USER_TASK in second["nodes"]
    assert USER_TASK not in first["nodes"]
    assert page.locator("#panel-id").inner_text() == USER_TASK  # still the task, now in its new lane
    assert page.locator("#panel-lane").input_value() == second["id"]
    assert page.problems == []
