"""The modeler's properties panel in headless chromium: a manager adds a user task and a boundary
timer, sets the lane, form and due-date variable from the server's pick lists, writes a timer with a
legal-calendar period (a bad period is named at once), sees the validation clear, and deploys."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from casework.engine import start
from casework.models.engine import ModelVersion, ProcessInstance, Timer
from tests.e2e.web.test_browser import browser, new_page, server, shot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

ADD_TASK_AND_TIMER = """() => {
  const m = window.caseworkModeler, registry = m.get('elementRegistry'), modeling = m.get('modeling');
  const factory = m.get('elementFactory');
  const task = modeling.createShape(factory.createShape({ type: 'bpmn:UserTask' }), { x: 700, y: 420 },
                                    m.get('canvas').getRootElement());
  modeling.updateProperties(task, { name: '复核立案材料' });
  modeling.reconnectEnd(registry.get('f_start'), task, { x: task.x, y: task.y + task.height / 2 });
  modeling.connect(task, registry.get('draft_order'));
  m.get('selection').select(task);
  return task.id;
}"""

ATTACH_TIMER = """id => {
  const m = window.caseworkModeler, registry = m.get('elementRegistry'), modeling = m.get('modeling');
  const task = registry.get(id);
  const shape = m.get('elementFactory').createShape({ type: 'bpmn:BoundaryEvent',
                                                      eventDefinitionType: 'bpmn:TimerEventDefinition' });
  const timer = modeling.createShape(shape, { x: task.x + task.width / 2, y: task.y + task.height }, task, { attach: true });
  modeling.connect(timer, registry.get('draft_order'));
  return timer.id;
}"""

SELECT = "id => { const m = window.caseworkModeler; m.get('selection').select(m.get('elementRegistry').get(id)); }"


def test_manager_sets_lane_form_due_date_and_timer_from_pick_lists(new_page, web_world):  # noqa: F811
    container, _facts = web_world
    page = new_page("manager")
    page.goto("/modeler/rectification/edit")
    page.wait_for_selector("#modeler[data-state=ready]")
    assert page.locator("#modeler-panel[data-state=ready]").count() == 1

    page.evaluate(SELECT, "lane_legal")  # a lane names a role: the registered roles are its pick list
    assert page.locator("#panel-role").input_value() == "legal_reviewer"
    roles = page.locator("#panel-role option").all_inner_texts()
    assert any("法制审核员" in r for r in roles) and any("bureau_head" in r for r in roles)

    task_id = page.evaluate(ADD_TASK_AND_TIMER)
    lane_labels = page.locator("#panel-lane option").all_inner_texts()
    assert "办事员 (clerk)" in lane_labels
    page.select_option("#panel-lane", "lane_clerk")
    timer_id = page.evaluate(ATTACH_TIMER, task_id)
    page.click("#save-draft")
    page.wait_for_selector("#modeler[data-state=saved]")
    assert page.locator("#problems li").count() >= 1  # no form, an empty timer
    assert page.locator("g.djs-element.cw-problem").count() >= 1

    page.evaluate(SELECT, task_id)
    form_options = page.locator("#panel-form option").all_inner_texts()
    assert any(o.startswith("rectification_recheck — ") for o in form_options)  # keys with their titles
    page.select_option("#panel-form", "rectification_draft")
    assert page.locator("#panel-form-link").get_attribute("href").endswith("/modeler/forms/rectification_draft/schema")
    assert page.locator("#due-variables option[value=deadline_at]").count() == 1  # due variables in use
    page.fill("#panel-due", "review_due_at")
    page.press("#panel-due", "Tab")
    assert page.locator("#panel-timer-kind").is_hidden()

    page.evaluate(SELECT, timer_id)
    assert page.locator("#panel-timer-kind").is_visible() and page.locator("#panel-form").is_hidden()
    page.select_option("#panel-timer-kind", "timeDate")
    page.fill("#panel-timer-text", 'deadline_iso(now_iso(), "5q")')
    page.press("#panel-timer-text", "Tab")
    check = page.locator("#panel-timer-check[data-ok=false]")
    check.wait_for()
    assert "5q" in check.inner_text()  # the legal calendar cannot read the period: said at once
    page.fill("#panel-timer-text", 'deadline_iso(now_iso(), "5wd")')
    page.press("#panel-timer-text", "Tab")
    page.wait_for_selector("#panel-timer-check[data-ok=true]")
    assert "5个工作日" in page.locator("#panel-timer-check").inner_text()

    page.evaluate(SELECT, "set_order_deadline")  # a service task: registered actions and their inputs
    assert page.locator("#panel-action").input_value() == "set_deadline"
    assert page.locator("#panel-params-list input[data-param=period]").input_value() == "str(correction_days) + 'd'"

    page.click("#save-draft")
    page.wait_for_selector("#modeler[data-state=saved]")
    page.wait_for_selector("#no-problems", state="visible")
    assert page.locator("g.djs-element.cw-problem").count() == 0
    page.evaluate(SELECT, timer_id)
    page.wait_for_selector("#panel-timer-check[data-ok=true]")
    shot(page, "modeler-properties", "zh")
    page.fill("#deploy-reason", "立案后先复核，5个工作日内 / review first, within 5 working days")
    page.click("#deploy-button")
    page.wait_for_url("**/modeler")
    assert "v2" in page.locator(".flash").first.inner_text()

    with container.uow() as uow:
        v2 = uow.session.scalar(select(ModelVersion).where(ModelVersion.key == "rectification",
                                                           ModelVersion.version == 2))
        assert 'value="review_due_at"' in v2.bpmn_xml and 'deadline_iso(now_iso(), "5wd")' in v2.bpmn_xml
        instance = start(uow.session, "rectification", data={}, actor="clerk", resources=uow.resources)
        uow.commit()
        timers = uow.session.scalars(select(Timer).where(Timer.instance_id == instance.id)).all()
        assert uow.session.get(ProcessInstance, instance.id).model_version_id == v2.id
        assert len(timers) == 1  # the new review task waits with its legal deadline

    english = new_page("manager", lang="en")
    english.goto("/modeler/rectification/edit")
    english.wait_for_selector("#modeler[data-state=ready]")
    english.evaluate(SELECT, "lane_clerk")
    assert "Clerk (clerk)" in english.locator("#panel-role option").all_inner_texts()
    english.evaluate(SELECT, "set_order_deadline")
    panel = english.inner_text("#modeler-panel")
    assert "Service action" in panel and "Parameters (expressions)" in panel
    assert not any(word in panel for word in ("属性", "名称", "泳道", "服务动作", "参数", "可选"))
    shot(english, "modeler-properties", "en")
    assert page.problems == [] and english.problems == []
