"""The structured form editor in headless chromium: a manager adds a field (a choice), sees it in the
preview the task pages' renderer draws as typed, moves it up, saves the draft; a bad limit is
refused next to its field; the advanced view's JSON follows the fields."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from casework.models.modeling import FormDraft
from tests.e2e.web.test_browser import browser, new_page, server, shot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_manager_adds_a_field_sees_it_in_the_preview_and_saves(new_page, web_world):  # noqa: F811
    container, _facts = web_world
    page = new_page("manager")
    page.goto("/modeler/forms/legal_review/schema")
    assert page.locator("#field-rows > li").count() == 2
    assert page.locator("#form-preview [data-field=approved]").count() == 1  # drawn as the task page does

    page.click("#add-field")
    page.wait_for_selector("#field-row-2")
    row = page.locator("#field-row-2")
    assert row.locator("input[name=field-2-name]").input_value() == "field_3"
    assert "须有 title（中文标签）" in row.locator(".error").inner_text()  # a new field needs its label first
    assert "field_3" in page.inner_text("#form-preview")  # the preview waits, naming what to fix
    row.locator("input[name=field-2-name]").fill("risk_level")
    row.locator("input[name=field-2-label_zh]").fill("风险等级")
    row.locator("input[name=field-2-label_en]").fill("Risk level")
    row.locator("select[name=field-2-kind]").select_option("choice")
    assert row.locator("textarea[name=field-2-options]").is_visible()  # the row shows what its kind takes
    assert not row.locator("input[name=field-2-minimum]").is_visible()
    row.locator("textarea[name=field-2-options]").fill("低\n中\n高")
    row.locator("input[name=field-2-required]").check()
    page.wait_for_selector("#form-preview [data-field=risk_level] select")  # the live preview, via htmx
    assert page.locator("#form-preview [data-field=risk_level] option").all_inner_texts() == ["—", "低", "中", "高"]
    assert "风险等级 *" in page.inner_text("#form-preview [data-field=risk_level] label")
    text = json.loads(page.locator("#form-text").input_value())  # the advanced view follows the fields
    assert text["schema"]["properties"]["risk_level"]["enum"] == ["低", "中", "高"]

    page.click("#field-row-2 button[value=up-2]")  # before the comment
    page.wait_for_selector("#field-row-1[data-name=risk_level]")
    shot(page, "modeler-form-fields", "zh")

    page.click("#save-fields")
    page.wait_for_url("**/modeler/forms/legal_review/schema")
    assert "修订 1" in page.locator(".flash").first.inner_text()
    assert [n.get_attribute("data-name") for n in page.locator("#field-rows > li").all()] == \
        ["approved", "risk_level", "comment"]
    with container.uow() as uow:
        saved = uow.session.scalar(select(FormDraft).where(FormDraft.key == "legal_review")).form
    assert list(saved["schema"]["properties"]) == ["approved", "risk_level", "comment"]
    assert saved["schema"]["properties"]["risk_level"] == {
        "type": "string", "enum": ["低", "中", "高"], "title": "风险等级", "description": "Risk level"}
    assert saved["schema"]["required"] == ["approved", "risk_level"]
    assert saved["ui"] == {"comment": {"widget": "textarea"}}  # what the rows did not touch stays

    page.fill("input[name=field-2-max_length]", "lots")  # a bad limit: refused next to its field
    page.click("#save-fields")
    error = page.locator("#field-row-2 .error")
    assert "maxLength 须为整数：lots" in error.inner_text()
    assert page.locator("input[name=field-2-max_length]").input_value() == "lots"  # kept as typed
    assert page.problems == []
