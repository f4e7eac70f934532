"""MIWG reference diagrams imported into the modeler (chromium) and saved back: every element id
and every DI shape survives (the server restores what bpmn-js drops), problems name elements."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from casework.models.modeling import ModelDraft
from casework.services.modeling.xml import local, parse, semantic_elements
from tests.e2e.web.test_browser import browser, new_page, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
MIWG = Path(__file__).resolve().parents[3] / "data" / "miwg"
DIAGRAMS = sorted(MIWG.glob("*.bpmn"))


def _drawn(root: etree._Element) -> set[str]:
    return {e.get("bpmnElement") for e in root.iter()
            if isinstance(e.tag, str) and local(e.tag) in ("BPMNShape", "BPMNEdge") and e.get("bpmnElement")}


def test_reference_diagrams_round_trip_through_the_modeler(new_page, web_world):  # noqa: F811
    container, _facts = web_world
    assert len(DIAGRAMS) >= 5
    page = new_page("manager")
    page.goto("/modeler/rectification/edit")
    page.wait_for_selector("#modeler[data-state=ready]")
    restored_somewhere = []
    for path in DIAGRAMS:
        page.set_input_files("#import-file", str(path))
        page.wait_for_selector("#modeler[data-state=ready]")
        bpmnjs = page.evaluate("() => window.caseworkModeler.saveXML().then(r => r.xml)")
        page.click("#save-draft")
        page.wait_for_selector("#modeler[data-state=saved]")
        original = parse(path.read_bytes())
        with container.uow() as uow:
            draft = uow.session.scalars(select(ModelDraft).where(ModelDraft.key == "rectification")).one()
            saved, problems = parse(draft.xml), draft.problems
        ids = set(semantic_elements(original))
        assert ids <= set(semantic_elements(saved)), path.name
        assert _drawn(original) <= _drawn(saved), path.name
        if not _drawn(original) <= _drawn(parse(bpmnjs)):
            restored_somewhere.append(path.name)
        assert problems and all(p["element"] in ids | {"definitions"} or "," in p["element"] for p in problems), \
            (path.name, problems)
        assert page.locator("#problems li").count() == len(problems)
    assert restored_somewhere, "bpmn-js dropped no shape: the merge went untested"
    assert page.problems == []
