"""Issue 16, server side: every MIWG reference diagram is refused at deploy with problems that name
its elements (every plain task, DMN task, data store listed), or deploys as something that can
finish; saved as a draft it keeps every id and DI shape and lists the same problems."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from casework.config import PROJECT_ROOT
from casework.engine import DiagramInvalid, deploy, start
from casework.models.engine import Timer, WorkItem
from casework.services.actor import Actor
from casework.services.modeling import drafts
from casework.services.modeling.xml import local, parse, semantic_elements

MIWG = Path(__file__).resolve().parents[2] / "data" / "miwg"
DIAGRAMS = sorted(MIWG.glob("*.bpmn"))
MANAGER = Actor("mgr", frozenset({"manager"}))
MUST_BE_LISTED = {"task": "plain_task", "businessRuleTask": "business_rule", "dataStoreReference": "data_store"}


def _drawn(root: etree._Element) -> set[str]:
    """The ids of every DI shape and edge."""
    return {e.get("id") for e in root.iter() if isinstance(e.tag, str) and local(e.tag) in ("BPMNShape", "BPMNEdge")}


def check_problems(path: Path, problems: list[dict]) -> None:
    elements = semantic_elements(parse(path.read_bytes()))
    processes = {i for i, e in elements.items() if local(e.tag) == "process"}
    for problem in problems:
        named = problem["element"]
        assert named in elements or named == "definitions" or set(named.split(",")) <= processes, problem
        assert "\n" not in problem["message"] and named in problem["message"], problem
    listed = {(p["element"], p["key"]) for p in problems}
    for ident, element in elements.items():
        if local(element.tag) in MUST_BE_LISTED:
            assert (ident, MUST_BE_LISTED[local(element.tag)]) in listed, (path.name, ident)


def test_all_21_reference_diagrams_are_here_with_their_licence():
    assert [p.stem for p in DIAGRAMS] == [
        "A.1.0", "A.2.0", "A.2.1", "A.3.0", "A.4.0", "A.4.1", "B.1.0", "B.2.0", "C.1.0", "C.1.1", "C.2.0",
        "C.3.0", "C.4.0", "C.5.0", "C.6.0", "C.7.0", "C.8.0", "C.8.1", "C.9.0", "C.9.1", "C.9.2"]
    assert "Creative Commons Attribution 3.0" in (MIWG / "LICENSE.txt").read_text()


@pytest.mark.parametrize("path", DIAGRAMS, ids=[p.stem for p in DIAGRAMS])
def test_reference_diagram_is_refused_by_element_or_deploys_as_something_that_can_finish(container, path):
    with container.uow() as uow:
        try:
            deploy(uow.session, "miwg", path.read_bytes(), actor="t")
        except DiagramInvalid as exc:
            assert exc.problems
            check_problems(path, [p.as_dict() for p in exc.problems])
            return
        instance = start(uow.session, "miwg", data={}, actor="t")
        waits = uow.session.query(WorkItem).count() + uow.session.query(Timer).count()
        assert instance.status == "completed" or waits, path.name


def test_a_reference_diagram_made_runnable_deploys_and_finishes(container):
    """A.1.0 with its plain tasks made script tasks and its process executable: it runs through."""
    xml = (MIWG / "A.1.0.bpmn").read_text(encoding="iso-8859-1")
    xml = xml.replace("<semantic:task ", "<semantic:scriptTask ").replace("</semantic:task>", "</semantic:scriptTask>")
    xml = xml.replace('isExecutable="false"', 'isExecutable="true"')
    with container.uow() as uow:
        deploy(uow.session, "a_1_0", xml.encode("iso-8859-1"), actor="t")
        assert start(uow.session, "a_1_0", data={}, actor="t").status == "completed"


def test_each_reference_diagram_saved_as_a_draft_keeps_ids_and_shapes_and_lists_its_problems(container):
    with container.uow() as uow:
        deploy(uow.session, "rectification", (PROJECT_ROOT / "bpmn" / "rectification.bpmn").read_bytes(), actor="t")
        uow.commit()
    revision = 0
    for path in DIAGRAMS:
        text = path.read_bytes().decode("utf-8")
        saved = drafts.save_draft(container.uow(), actor=MANAGER, key="rectification", xml=text,
                                  base_version=1, revision=revision, original=text)
        revision = saved["revision"]
        draft = drafts.open_model(container.uow(), actor=MANAGER, key="rectification")
        original, kept = parse(path.read_bytes()), parse(draft["xml"])
        assert set(semantic_elements(original)) <= set(semantic_elements(kept)), path.name
        assert _drawn(original) <= _drawn(kept), path.name
        assert saved["problems"] == draft["problems"] and saved["problems"], path.name
        check_problems(path, saved["problems"])
