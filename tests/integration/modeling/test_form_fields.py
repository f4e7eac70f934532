"""The structured form editor's rows round-trip to the form's JSON Schema: every shipped form comes
back unchanged, each kind the renderer draws becomes its schema, keywords the rows do not show
survive, renames carry required and ui, and bad rows are refused naming the field and why; saving
goes through the same check and revision as the raw text."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from casework.config import PROJECT_ROOT
from casework.errors import Conflict
from casework.models.modeling import FormDraft
from casework.services.actor import Actor
from casework.services.modeling import form_fields, forms

MANAGER = Actor("mgr", frozenset({"manager"}))
CLERK = Actor("clerk1", frozenset({"clerk"}))
SHIPPED = sorted((PROJECT_ROOT / "forms").glob("*.json"))


def _round_trip(form: dict, change=None) -> dict:
    rows = form_fields.rows_of(form)
    fields = change(rows["fields"]) if change else rows["fields"]
    return form_fields.apply_rows(form, {"zh": rows["title_zh"], "en": rows["title_en"]}, fields)


def _row(name: str, kind: str, **more) -> dict:
    return {"name": name, "was": "", "kind": kind, "required": False, "label_zh": name + "（中）", "label_en": "",
            "options": "", "pattern": "", "min_length": "", "max_length": "", "minimum": "", "maximum": "", **more}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_form_comes_back_unchanged(path):
    form = json.loads(path.read_text(encoding="utf-8"))
    assert _round_trip(form) == form


def test_each_kind_becomes_the_schema_the_renderer_draws():
    base = json.loads((PROJECT_ROOT / "forms" / "legal_review.json").read_text(encoding="utf-8"))
    rows = [_row("note", "text", min_length="1", max_length="80", pattern=r"^\S", required=True),
            _row("detail", "textarea", label_en="Detail"),
            _row("count", "integer", minimum="0", maximum="10"), _row("amount", "number", minimum="0.5"),
            _row("on", "date"), _row("level", "choice", options="低\n 中 \n\n高"), _row("ok", "boolean"),
            _row("scan", "attachment"), _row("scans", "attachments"), _row("names", "lines")]
    form = form_fields.apply_rows(base, {"zh": "标题", "en": "Title"}, rows)
    props = form["schema"]["properties"]
    assert props["note"] == {"type": "string", "minLength": 1, "maxLength": 80, "pattern": r"^\S", "title": "note（中）"}
    assert props["detail"]["description"] == "Detail" and form["ui"] == {"detail": {"widget": "textarea"}}
    assert (props["count"]["minimum"], props["count"]["maximum"], props["amount"]["minimum"]) == (0, 10, 0.5)
    assert props["on"]["format"] == "date" and props["level"]["enum"] == ["低", "中", "高"]
    assert props["scan"] == {"type": "string", "format": "attachment", "title": "scan（中）"}
    assert props["scans"]["items"] == {"type": "string", "format": "attachment"}
    assert props["names"]["items"] == {"type": "string"} and props["ok"]["type"] == "boolean"
    assert form["schema"]["required"] == ["note"] and form["title"] == {"zh": "标题", "en": "Title"}
    assert form["schema"]["additionalProperties"] is False  # what rows do not show stays
    assert [r["kind"] for r in form_fields.rows_of(form)["fields"]] == [r["kind"] for r in rows]
    _form, problems = forms.check_form(json.dumps(form))
    assert problems == []


def test_renames_kinds_and_order_keep_what_the_rows_do_not_show():
    form = json.loads((PROJECT_ROOT / "forms" / "filing_after_acceptance.json").read_text(encoding="utf-8"))

    def change(rows):
        by = {r["name"]: r for r in rows}
        by["in_use_on"]["name"] = "used_from"  # a date: its pattern stays
        by["camera_count"]["kind"] = "text"  # another kind: its number limits go
        by["site"]["max_length"] = ""  # a limit cleared
        by["site"]["required"] = False
        return [by["attachments"], *[r for r in rows if r["name"] != "attachments"]]
    out = _round_trip(form, change)
    props = out["schema"]["properties"]
    assert list(props)[0] == "attachments" and props["attachments"] == form["schema"]["properties"]["attachments"]
    assert props["used_from"]["pattern"] == form["schema"]["properties"]["in_use_on"]["pattern"]
    assert props["camera_count"] == {"type": "string", "title": "图像采集设备数量", "description": "Number of cameras"}
    assert "maxLength" not in props["site"] and props["site"]["minLength"] == 1
    old_required = form["schema"]["required"]
    assert out["schema"]["required"] == [{"in_use_on": "used_from"}.get(n, n) for n in old_required if n != "site"]


@pytest.mark.parametrize(("rows", "where", "why"), [
    ([_row("a", "text"), _row("a", "integer")], "/schema/properties/a", "used twice"),
    ([_row("n", "integer", minimum="1.5")], "/schema/properties/n", "minimum must be a whole number: 1.5"),
    ([_row("s", "text", max_length="-3")], "/schema/properties/s", "maxLength cannot be negative"),
    ([_row("s", "text", min_length="9", max_length="3")], "/schema/properties/s", "lower limit is above"),
    ([_row("c", "choice", options=" \n")], "/schema/properties/c", "at least one option"),
    ([_row("", "text")], "/schema/properties", "needs a name"),
    ([_row("x", "colour")], "/schema/properties/x", "unknown kind"),
])
def test_bad_rows_are_refused_naming_the_field(rows, where, why):
    with pytest.raises(forms.FormRefused) as refused:
        form_fields.apply_rows({"title": {"zh": "t", "en": "t"}, "schema": {"type": "object"}}, {"zh": "t", "en": "t"}, rows)
    assert any(p["where"] == where and why in p["message"] for p in refused.value.problems), refused.value.problems


def test_rows_that_make_a_bad_form_are_refused_by_the_same_check():
    base = json.dumps(forms.TEMPLATE)
    rows = [_row("_x", "text", label_zh=""), _row("p", "text", pattern="([")]
    _text, form, problems = form_fields.build(base, {"zh": "", "en": "E"}, rows)
    assert form is None and "须有中文和英文标题" in problems[0]["message"] and problems[0]["where"] == "/title"
    _text, form, problems = form_fields.build(base, {"zh": "表", "en": "Form"}, rows[1:])
    assert form is None and problems[0]["where"] == "/schema/properties/p/pattern"  # the meta-schema's regex
    _text, form, problems = form_fields.build(base, {"zh": "表", "en": "Form"}, rows[:1])
    messages = [p["message"] for p in problems if p["where"] == "/schema/properties/_x"]
    assert any("identifiers" in m for m in messages) and any("needs a title" in m for m in messages)
    placed = form_fields.placed([*problems, {"where": "/schema/properties/p/pattern", "message": "m"}], ["_x", "p"])
    assert set(placed["fields"]) == {"_x", "p"} and placed["title"] == [] and placed["other"] == []
    _t, _f, bad_base = form_fields.build("{not json", {"zh": "t", "en": "t"}, [])
    assert "advanced view" in bad_base[0]["message"]


def test_edit_rows_adds_removes_and_moves():
    rows = [_row("a", "text"), _row("b", "text")]
    added = form_fields.edit_rows(rows, "add")
    assert [r["name"] for r in added] == ["a", "b", "field_3"] and added[2]["kind"] == "text"
    assert [r["name"] for r in form_fields.edit_rows(added, "up-2")] == ["a", "field_3", "b"]
    assert [r["name"] for r in form_fields.edit_rows(rows, "down-0")] == ["b", "a"]
    assert [r["name"] for r in form_fields.edit_rows(rows, "remove-0")] == ["b"]
    assert form_fields.edit_rows(rows, "remove-9") == rows and form_fields.edit_rows(rows, "up-0") == rows


def test_saving_rows_stores_the_form_with_a_revision(container):
    opened = forms.open_form(container.uow(), actor=MANAGER, key="legal_review")
    rows = form_fields.rows_of(json.loads(opened["text"]))
    fields = [*rows["fields"], _row("risk", "choice", options="低\n高", required=True, label_en="Risk")]
    title = {"zh": rows["title_zh"], "en": rows["title_en"]}
    saved = form_fields.save_rows(container.uow(), actor=MANAGER, key="legal_review", base_text=opened["text"],
                                  title=title, rows=fields, revision=0)
    assert saved["revision"] == 1
    with container.uow() as uow:
        form = uow.session.scalar(select(FormDraft).where(FormDraft.key == "legal_review")).form
    assert form["schema"]["properties"]["risk"]["enum"] == ["低", "高"] and "risk" in form["schema"]["required"]
    assert json.loads(saved["text"]) == form
    with pytest.raises(Conflict):  # a stale revision, as with the raw text
        form_fields.save_rows(container.uow(), actor=MANAGER, key="legal_review", base_text=opened["text"],
                              title=title, rows=fields, revision=0)
    with pytest.raises(forms.FormRefused):
        form_fields.save_rows(container.uow(), actor=MANAGER, key="legal_review", base_text=saved["text"],
                              title=title, rows=[_row("n", "integer", maximum="many")], revision=1)
    with pytest.raises(Exception, match="manager"):
        form_fields.save_rows(container.uow(), actor=CLERK, key="legal_review", base_text=saved["text"],
                              title=title, rows=fields, revision=1)
