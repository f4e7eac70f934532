"""The structured form editor over plain HTTP (no JavaScript): adding a field answers the whole page
with the new row and the preview; a bad row is refused (422) with its message beside the field and
what was typed kept; a good one is saved; htmx gets the workspace alone."""
from __future__ import annotations

import json
import re

import pytest

from tests.e2e.web.conftest import csrf_of, sign_in


@pytest.fixture
def manager(app):
    client = app.test_client()
    assert sign_in(client, "manager").status_code == 302
    return client


def _post(client, data: dict, **headers):
    return client.post("/modeler/forms/defence_review/fields", headers=headers,
                       data={"csrf_token": csrf_of(client, "/modeler/forms"), **data})


def _page_fields(html: str) -> dict:
    """The structured editor's inputs as a browser would post them (textareas and selects included)."""
    editor = html[html.index('id="fields-editor"'):html.index("</form>", html.index('id="fields-editor"'))]
    data = {m[0]: m[1] for m in re.findall(r'<input type="(?:hidden|text)"[^>]*? name="([^"]+)"[^>]*? value="([^"]*)"', editor)}
    data.update(re.findall(r'<textarea name="([^"]+)"[^>]*>([^<]*)</textarea>', editor))
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', editor, re.S):
        data[name] = re.search(r'value="([^"]+)" selected', options).group(1)
    data.update({m: "on" for m in re.findall(r'name="([^"]+)" value="on" checked', editor)})
    return {k: _unescape(v) for k, v in data.items()}


def _unescape(text: str) -> str:
    return text.replace("&#34;", '"').replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_rows_work_without_javascript(manager):
    page = manager.get("/modeler/forms/defence_review/schema").get_data(as_text=True)
    data = _page_fields(page)
    count = int(data["field_count"])

    added = _post(manager, {**data, "op": "add"})
    assert added.status_code == 200
    html = added.get_data(as_text=True)
    assert "<html" in html and f'id="field-row-{count}"' in html and f"field_{count + 1}" in html
    assert "须有 title（中文标签）" in html  # the new field needs its label before it can be previewed

    data = _page_fields(html)
    data.update({f"field-{count}-name": "hearing_wanted", f"field-{count}-label_zh": "是否申请听证",
                 f"field-{count}-label_en": "Hearing requested", f"field-{count}-kind": "boolean"})
    preview = _post(manager, {**data, "op": "preview"}).get_data(as_text=True)
    assert 'data-field="hearing_wanted"' in preview  # drawn by the task pages' renderer

    bad = _post(manager, {**data, f"field-{count}-kind": "integer", f"field-{count}-maximum": "lots", "op": "save"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    row = html[html.index(f'id="field-row-{count}"'):]
    row = row[:row.index("</li>")]
    assert "maximum 须为整数：lots" in row and 'value="lots"' in row

    saved = _post(manager, {**data, "op": "save"})
    assert saved.status_code == 302
    opened = manager.get("/modeler/forms/defence_review/schema").get_data(as_text=True)
    text = _unescape(re.search(r'<textarea id="form-text"[^>]*>(.*?)</textarea>', opened, re.S).group(1))
    assert json.loads(text)["schema"]["properties"]["hearing_wanted"] == {
        "type": "boolean", "title": "是否申请听证", "description": "Hearing requested"}

    fragment = _post(manager, {**_page_fields(opened), "op": "remove-0"}, **{"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html and html.lstrip().startswith('<div id="form-workspace">')
