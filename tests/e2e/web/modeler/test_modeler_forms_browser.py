"""Forms in the modeler, in headless chromium: a manager opens a form's JSON Schema, an invalid one
is refused with its problems next to the text, a valid one is saved, the model using it is deployed
as v2 with it, and a case still on v1 keeps rendering its old form while a new case shows the new."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from casework.models.engine import ModelVersion
from casework.services.cases.violations import report_violation
from tests.e2e.web.test_browser import browser, new_page, server, shot  # noqa: F401 (fixtures)
from tests.e2e.web.world import CLERK, FACTS, _item

pytestmark = pytest.mark.browser

NOTE = {"type": "string", "maxLength": 500, "title": "复核意见", "description": "Reviewer's note"}


def _edit(page, change) -> None:
    if not page.locator("#advanced").evaluate("d => d.open"):
        page.click("#advanced summary")  # the raw JSON is the advanced view
    form = json.loads(page.locator("#form-text").input_value())
    change(form)
    page.fill("#form-text", json.dumps(form, ensure_ascii=False, indent=2))
    page.click("#save-form")


def test_manager_edits_a_form_and_deploys_it_with_the_next_version(new_page, web_world):  # noqa: F811
    container, facts = web_world
    page = new_page("manager")
    page.goto("/modeler")
    page.click("#forms-link")
    row = page.locator("#form-rectification_draft")
    assert "rectification v1" in row.inner_text()
    row.locator("a").click()
    page.wait_for_selector("#fields-editor")

    _edit(page, lambda f: f["schema"]["properties"]["correction_days"].update(type="whole number"))
    problems = page.locator("#form-problems")
    assert "/schema/properties/correction_days/type" in problems.inner_text()
    assert "JSON Schema" in problems.inner_text()
    assert page.locator("#form-text[aria-invalid=true]").count() == 1
    assert "whole number" in page.locator("#form-text").input_value()  # what was typed is kept
    shot(page, "modeler-form-refused", "zh")

    def rules(f):  # a valid JSON Schema the form renderer and the engine would not take
        f["schema"]["properties"]["correction_days"]["type"] = "integer"
        f["schema"]["properties"]["_hidden"] = {"type": "string", "title": "x"}
        f["schema"]["required"].append("missing_field")
    _edit(page, rules)
    text = page.locator("#form-problems").inner_text()
    assert "/schema/properties/_hidden" in text and "missing_field" in text

    def fixed(f):
        del f["schema"]["properties"]["_hidden"]
        f["schema"]["required"].remove("missing_field")
        f["schema"]["properties"]["review_note"] = NOTE
    _edit(page, fixed)
    assert "修订 1" in page.locator(".flash").first.inner_text()
    assert page.locator("#form-problems").count() == 0
    page.goto("/modeler/forms")
    assert "旧文本" in page.locator("#form-rectification_draft").inner_text()

    page.goto("/modeler/rectification/edit")
    page.wait_for_selector("#modeler[data-state=ready]")
    page.click("#save-draft")
    page.wait_for_selector("#modeler[data-state=saved]")
    page.wait_for_selector("#no-problems", state="visible")
    page.fill("#deploy-reason", "拟制通知增加复核意见 / a reviewer's note on the draft order")
    page.click("#deploy-button")
    page.wait_for_url("**/modeler")
    assert "v2" in page.locator(".flash").first.inner_text()
    assert "rectification_draft（修订 1）" in page.locator(".flash").nth(1).inner_text()
    with container.uow() as uow:
        forms = dict(uow.session.execute(select(ModelVersion.version, ModelVersion.forms).where(
            ModelVersion.key == "rectification")).all())
    assert forms[2]["rectification_draft"]["schema"]["properties"]["review_note"] == NOTE
    assert "review_note" not in forms[1]["rectification_draft"]["schema"]["properties"]
    page.goto("/modeler/forms")
    assert "rectification v2" in page.locator("#form-rectification_draft").inner_text()

    newer_ref = report_violation(container.uow(), actor=CLERK, unit_id=facts["a"]["unit_id"], code="no_signage",
                                 facts=FACTS, act_key="web-forms-new")
    newer = _item(container, newer_ref, "rectification_draft")
    clerk = new_page("clerk")
    clerk.goto(f"/tasks/{facts['draft_task']}")  # the case started on v1
    assert "改正期限" in clerk.inner_text("main") and "复核意见" not in clerk.inner_text("main")
    clerk.goto(f"/tasks/{newer}")
    assert "复核意见" in clerk.inner_text("main")
    english = new_page("manager", lang="en")
    english.goto("/modeler/forms")
    shot(english, "modeler-forms", "en")
    listing = english.inner_text("main")
    assert "Used by" in listing and "older text" in listing and "使用它的流程版本" not in listing and "旧文本" not in listing
    english.goto("/modeler/forms/rectification_draft/schema")
    shot(english, "modeler-form", "en")
    assert english.locator("#save-form").text_content() == "Check and save" and "修订" not in english.inner_text("h1")
    assert page.problems == [] and clerk.problems == [] and english.problems == []
