"""Each panel action is one entry of bpmn-js's command stack: adding a lane for a role (the lane,
its name, and for a node's "new lane: role" the move into it) is undone by one Ctrl-Z back to the
very XML there was, and one Ctrl-Y puts the whole change back; a form key or a service action set
in the panel is undone to exactly the extension elements there were."""
from __future__ import annotations

import difflib

import pytest

from tests.e2e.web.test_browser import browser, new_page, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

XML = "() => window.caseworkModeler.saveXML({ format: true }).then(r => r.xml)"
DEPTH = """() => { const s = window.caseworkModeler.get('commandStack');  // undo steps: distinct action ids
  return new Set(s._stack.slice(0, s._stackIdx + 1).map(a => a.id)).size; }"""
SELECT = "id => { const m = window.caseworkModeler; m.get('selection').select(m.get('elementRegistry').get(id)); }"
LANES = """() => window.caseworkModeler.get('elementRegistry').filter(e => e.type === 'bpmn:Lane')
  .map(l => ({ id: l.id, role: l.businessObject.name || '', nodes: (l.businessObject.flowNodeRef || []).map(n => n.id) }))"""
FIRST_USER_TASK = """() => window.caseworkModeler.get('elementRegistry').filter(e => e.type === 'bpmn:UserTask')[0].id"""


def _same(page, expected: str) -> None:
    """The diagram's XML is `expected`, or the lines that differ."""
    got = page.evaluate(XML)
    assert got == expected, "\n".join(difflib.unified_diff(expected.splitlines(), got.splitlines(), lineterm="", n=2))


def _open(page):
    page.goto("/modeler/rectification/edit")
    page.wait_for_selector("#modeler[data-state=ready]")


def _key(page, combo: str) -> None:
    page.locator("#modeler svg[tabindex]").first.focus()  # bpmn-js's keyboard listens on its canvas
    page.keyboard.press(combo)


def test_a_lane_added_in_the_panel_is_one_undo_and_one_redo(new_page):  # noqa: F811
    page = new_page("manager")
    _open(page)
    original = page.evaluate(XML)
    page.select_option("#lane-role", "bureau_head")
    page.click("#lane-add")
    assert page.evaluate(DEPTH) == 1  # one entry, however many operations it took
    added = page.evaluate(XML)
    assert 'name="bureau_head"' in added

    _key(page, "Control+z")
    _same(page, original)
    assert "bureau_head" in page.locator("#lane-add-box").get_attribute("data-roles").split()
    _key(page, "Control+y")
    _same(page, added)
    assert [l["role"] for l in page.evaluate(LANES)].count("bureau_head") == 1
    assert page.problems == []


def test_a_node_moved_into_a_new_lane_is_one_undo(new_page):  # noqa: F811
    page = new_page("manager", lang="en")
    _open(page)
    task = page.evaluate(FIRST_USER_TASK)
    original = page.evaluate(XML)
    page.evaluate(SELECT, task)
    page.select_option("#panel-lane", "new-lane:bureau_head")
    [lane] = [l for l in page.evaluate(LANES) if l["role"] == "bureau_head"]
    assert task in lane["nodes"] and page.evaluate(DEPTH) == 1
    moved = page.evaluate(XML)

    _key(page, "Control+z")
    _same(page, original)
    _key(page, "Control+Shift+z")
    _same(page, moved)

    page.evaluate(SELECT, task)  # an existing lane: one move, one undo
    other = next(l for l in page.evaluate(LANES) if task not in l["nodes"] and l["role"] != "bureau_head")
    page.select_option("#panel-lane", other["id"])
    assert task in next(l for l in page.evaluate(LANES) if l["id"] == other["id"])["nodes"]
    _key(page, "Control+z")
    _same(page, moved)
    assert page.problems == []


def test_a_form_key_or_an_action_set_in_the_panel_is_undone_exactly(new_page):  # noqa: F811
    page = new_page("manager")
    _open(page)
    task = page.evaluate(FIRST_USER_TASK)
    original = page.evaluate(XML)
    page.evaluate(SELECT, task)
    before = page.locator("#panel-form").input_value()
    assert before  # the task has a form: its extension elements exist and must come back unchanged
    choice = next(v for v in page.locator("#panel-form option").evaluate_all("os => os.map(o => o.value)")
                  if v and v != before)
    page.select_option("#panel-form", choice)
    page.fill("#panel-due", "deadline_at")
    page.press("#panel-due", "Tab")  # its change event: one more step
    assert page.evaluate(DEPTH) == 2
    assert f'value="{choice}"' in page.evaluate(XML)
    _key(page, "Control+z")
    _key(page, "Control+z")
    _same(page, original)
    page.evaluate(SELECT, task)
    assert page.locator("#panel-form").input_value() == before

    service = page.evaluate("() => window.caseworkModeler.get('elementRegistry')"
                            ".filter(e => e.type === 'bpmn:ServiceTask')[0].id")
    page.evaluate(SELECT, service)
    current = page.locator("#panel-action").input_value()
    other = next(v for v in page.locator("#panel-action option").evaluate_all("os => os.map(o => o.value)")
                 if v and v != current)
    page.select_option("#panel-action", other)
    assert page.evaluate(XML) != original
    _key(page, "Control+z")
    _same(page, original)
    assert page.problems == []
