"""The modeler in headless chromium: edit the rectification model, see and fix a validation
problem, a refused stale save, deploy v2 with a reason, diff, and a migration after its preview."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from casework.engine import start
from casework.models.engine import ModelVersion, ProcessInstance
from tests.e2e.web.test_browser import browser, new_page, server, shot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

ADD_TASK = """() => {
  const m = window.caseworkModeler, registry = m.get('elementRegistry'), modeling = m.get('modeling');
  const root = m.get('canvas').getRootElement();
  const shape = m.get('elementFactory').createShape({ type: 'bpmn:UserTask' });
  const task = modeling.createShape(shape, { x: 700, y: 420 }, root);
  modeling.updateProperties(task, { name: '复核整改方案' });
  const flow = registry.get('f_start');
  modeling.reconnectEnd(flow, task, { x: task.x, y: task.y + task.height / 2 });
  modeling.connect(task, registry.get('draft_order'));
  m.get('selection').select(task);
  return task.id;
}"""


def _version_of(container, instance_id: int) -> int:
    with container.uow() as uow:
        instance = uow.session.get(ProcessInstance, instance_id)
        return uow.session.get(ModelVersion, instance.model_version_id).version


def test_manager_edits_validates_deploys_diffs_and_migrates(new_page, web_world):  # noqa: F811
    container, _facts = web_world
    with container.uow() as uow:
        earlier = start(uow.session, "rectification", data={}, actor="clerk").id
        uow.commit()
    page = new_page("manager")
    page.goto("/modeler")
    page.click("#model-rectification h2 a")
    page.wait_for_selector("#modeler[data-state=ready]")
    other = new_page("manager", lang="en")  # a second manager on the same model
    other.goto("/modeler/rectification/edit")
    other.wait_for_selector("#modeler[data-state=ready]")

    task_id = page.evaluate(ADD_TASK)
    page.select_option("#panel-lane", "lane_clerk")  # the lane pick list moves it into the clerk lane
    page.click("#save-draft")
    page.wait_for_selector("#modeler[data-state=saved]")
    problem = page.locator(f"#problems li[data-element='{task_id}']")
    assert "formKey" in problem.inner_text() and "缺少" in problem.inner_text()
    assert "missing" not in page.inner_text("main")  # Chinese only, on the diagram too
    assert page.locator(f"g.djs-element.cw-problem[data-element-id='{task_id}']").count() == 1
    shot(page, "modeler-problem", "zh")

    other.click("#save-draft")  # started from no draft: refused, nothing overwritten
    other.wait_for_selector("#modeler[data-state=conflict]")
    assert other.locator("#save-conflict").is_visible()
    assert "someone else" in other.inner_text("#save-conflict") and "草稿" not in other.inner_text("#save-conflict")
    assert "Validation problems" in other.inner_text("main") and "校验问题" not in other.inner_text("main")

    page.evaluate("id => { const m = window.caseworkModeler; m.get('selection').select(m.get('elementRegistry').get(id)); }",
                  task_id)
    page.select_option("#panel-form", "rectification_draft")
    page.click("#save-draft")
    page.wait_for_selector("#modeler[data-state=saved]")
    page.wait_for_selector("#no-problems", state="visible")
    assert page.locator(f"g.djs-element.cw-problem[data-element-id='{task_id}']").count() == 0
    page.evaluate("() => { const m = window.caseworkModeler; m.get('selection').select(m.get('elementRegistry').get('set_order_deadline')); }")
    assert page.locator("#panel-action").input_value() == "set_deadline"  # the registered actions' pick list
    assert page.locator("#panel-form").is_hidden()
    page.fill("#deploy-reason", "整改前增加复核 / review before drafting")
    page.click("#deploy-button")
    page.wait_for_url("**/modeler")
    assert "v2" in page.locator(".flash").first.inner_text()

    with container.uow() as uow:
        newer = start(uow.session, "rectification", data={}, actor="clerk").id
        uow.commit()
    assert _version_of(container, newer) == 2 and _version_of(container, earlier) == 1

    page.goto("/modeler/rectification/diff?old=1&new=2")
    page.wait_for_selector("#diff-diagram[data-state=ready]")
    assert task_id in page.locator("#diff-added").inner_text()
    assert page.locator(f"g.djs-element.cw-added[data-element-id='{task_id}']").count() == 1

    page.goto("/modeler")
    page.click("#model-rectification tr[data-version='1'] a:has-text('迁移到 v2')")
    page.wait_for_selector(f"tr[data-instance='{earlier}']")
    page.eval_on_selector_all("input[name=instance]", "boxes => boxes.forEach(b => { b.checked = false; })")
    page.check(f"tr[data-instance='{earlier}'] input[name=instance]")
    page.click("#apply-migration")
    page.wait_for_url("**/modeler")
    assert "1/1" in page.locator(".flash").first.inner_text()
    assert _version_of(container, earlier) == 2
    with container.uow() as uow:
        others_on_v1 = uow.session.scalars(select(ProcessInstance.id).join(
            ModelVersion, ModelVersion.id == ProcessInstance.model_version_id).where(
            ModelVersion.key == "rectification", ModelVersion.version == 1,
            ProcessInstance.status == "running")).all()
    assert earlier not in others_on_v1
    assert page.problems == [] and [p for p in other.problems if "409" not in p] == []  # the refused save
