"""Forms over HTTP: a new form is created, a stale save is a conflict that keeps the text, a model
draft validates against the forms edited here, a discarded edit is gone again; bad text and keys."""
from __future__ import annotations

import json

import pytest

from tests.e2e.web.conftest import csrf_of, sign_in

NEW_FORM = {"title": {"zh": "复核清单", "en": "Review checklist"},
            "schema": {"type": "object", "additionalProperties": False, "required": ["checked"],
                       "properties": {"checked": {"type": "boolean", "title": "已复核", "description": "Checked"}}},
            "ui": {}}


@pytest.fixture
def manager(app):
    client = app.test_client()
    assert sign_in(client, "manager").status_code == 302
    return client


def _save_form(client, key: str, text: str, revision: int):
    return client.post(f"/modeler/forms/{key}/schema", data={"csrf_token": csrf_of(client, "/modeler/forms"),
                                                             "text": text, "revision": revision})


def _draft_problems(client, form_key: str, revision: int) -> list[dict]:
    xml = client.get("/modeler/rectification/source.bpmn?version=1").get_data(as_text=True)
    changed = xml.replace('name="formKey" value="rectification_draft"', f'name="formKey" value="{form_key}"', 1)
    token = csrf_of(client, "/modeler/forms")
    answer = client.post("/modeler/rectification/draft", headers={"X-CSRFToken": token},
                         json={"xml": changed, "base_version": 1, "revision": revision})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()["problems"]


def test_new_form_conflict_model_validation_and_discard(manager):
    opened = manager.get("/modeler/forms?key=review_checklist")
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/modeler/forms/review_checklist/schema")
    page = manager.get("/modeler/forms/review_checklist/schema").get_data(as_text=True)
    assert "新表单" in page and "&#34;schema&#34;" in page

    problems = _draft_problems(manager, "review_checklist", 0)  # no such form yet
    assert "review_checklist" in problems[0]["message"]

    text = json.dumps(NEW_FORM, ensure_ascii=False)
    assert _save_form(manager, "review_checklist", text, 0).status_code == 302
    listing = manager.get("/modeler/forms").get_data(as_text=True)
    assert 'id="form-review_checklist"' in listing and "复核清单" in listing

    stale = _save_form(manager, "review_checklist", text.replace("已复核", "复核完毕"), 0)
    assert stale.status_code == 409
    assert "复核完毕" in stale.get_data(as_text=True)  # the manager's text is kept beside the message

    assert _draft_problems(manager, "review_checklist", 1) == []  # the edited form counts
    palette = manager.get("/modeler/palette.json").get_json()
    assert "review_checklist" in {f["key"] for f in palette["forms"]}

    discard = manager.post("/modeler/forms/review_checklist/discard",
                           data={"csrf_token": csrf_of(manager, "/modeler/forms"), "revision": 1})
    assert discard.status_code == 302
    assert 'id="form-review_checklist"' not in manager.get("/modeler/forms").get_data(as_text=True)
    assert "review_checklist" in _draft_problems(manager, "review_checklist", 2)[0]["message"]


@pytest.mark.parametrize(("text", "says"), [
    ("{\"title\": ", "第 1 行第"),
    ("[]", "表单须为对象"),
    (json.dumps({**NEW_FORM, "title": {"zh": "只有中文"}}), "/title"),
    (json.dumps({**NEW_FORM, "extra": 1}), "/extra"),
    (json.dumps({**NEW_FORM, "schema": {"type": "object", "properties": {"a": {"type": "string", "title": "甲",
                                                                               "pattern": "("}}}}), "pattern"),
    (json.dumps({**NEW_FORM, "schema": {"type": "object", "properties": {"a": {"$ref": "http://example.org/x"}}}}),
     "须有一种类型"),
    (json.dumps({**NEW_FORM, "ui": {"nothing": {"widget": "textarea"}}}), "/ui/nothing"),
])
def test_a_form_that_is_not_valid_is_refused_with_where_and_why(manager, text, says):
    answer = _save_form(manager, "rectification_report", text, 0)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'id="form-problems"' in page and says in page


def test_a_form_key_must_be_a_name(manager):
    assert manager.get("/modeler/forms/Bad-Key/schema").status_code == 404
    assert _save_form(manager, "Bad-Key", json.dumps(NEW_FORM), 0).status_code == 404
