"""Modeler services on the real engine: drafts and conflicts, diff, DI merge, bulk migration."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from casework.config import PROJECT_ROOT
from casework.engine import deploy, start
from casework.errors import Conflict, InvalidInput
from casework.models.audit import AuditEvent
from casework.models.engine import ProcessInstance
from casework.services.actor import Actor
from casework.services.modeling import drafts, versions
from casework.services.modeling.diff import diff_xml
from casework.services.modeling.dimerge import merge_di

MANAGER = Actor("mgr", frozenset({"manager"}))
XML = (PROJECT_ROOT / "bpmn" / "rectification.bpmn").read_text(encoding="utf-8")
NEW_TASK = ('<bpmn:userTask id="extra_check" name="复核">'
            '<bpmn:extensionElements><spiffworkflow:properties>'
            '<spiffworkflow:property name="formKey" value="FORM" /></spiffworkflow:properties>'
            '</bpmn:extensionElements></bpmn:userTask>')


def _with_task(form: str | None) -> str:
    task = NEW_TASK.replace("FORM", form) if form else '<bpmn:userTask id="extra_check" name="复核" />'
    xml = XML.replace('<bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="draft_order"/>',
                      '<bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="extra_check"/>' + task +
                      '<bpmn:sequenceFlow id="f_extra" sourceRef="extra_check" targetRef="draft_order"/>', 1)
    return xml.replace('<bpmn:flowNodeRef>draft_order</bpmn:flowNodeRef>',
                       '<bpmn:flowNodeRef>draft_order</bpmn:flowNodeRef><bpmn:flowNodeRef>extra_check</bpmn:flowNodeRef>', 1)


@pytest.fixture
def shipped(container):
    with container.uow() as uow:
        deploy(uow.session, "rectification", XML, actor="system")
        uow.commit()


def test_draft_problems_conflict_and_deploy(container, shipped):
    uow = container.uow()
    saved = drafts.save_draft(uow, actor=MANAGER, key="rectification", xml=_with_task(None), base_version=1, revision=0)
    assert saved["revision"] == 1
    [problem] = saved["problems"]
    assert problem["element"] == "extra_check" and "formKey" in problem["message"]
    with pytest.raises(Conflict):  # a second manager who also started from "no draft"
        drafts.save_draft(uow, actor=MANAGER, key="rectification", xml=XML, base_version=1, revision=0)
    fixed = drafts.save_draft(uow, actor=MANAGER, key="rectification", xml=_with_task("rectification_draft"),
                              base_version=1, revision=1)
    assert fixed["revision"] == 2 and fixed["problems"] == []
    with pytest.raises(Conflict):  # stale revision
        drafts.save_draft(uow, actor=MANAGER, key="rectification", xml=XML, base_version=1, revision=1)
    with pytest.raises(InvalidInput):
        drafts.deploy_draft(uow, actor=MANAGER, key="rectification", revision=2, reason="  ")
    with container.uow() as u:
        old = start(u.session, "rectification", data={}, actor="c")
        u.commit()
    assert drafts.deploy_draft(uow, actor=MANAGER, key="rectification", revision=2, reason="复核")["version"] == 2
    with container.uow() as u:
        new = start(u.session, "rectification", data={}, actor="c")
        u.commit()
        versions_of = {i.id: i.model_version_id for i in u.session.scalars(select(ProcessInstance))}
        assert versions_of[old.id] != versions_of[new.id]
        event = u.session.scalars(select(AuditEvent).where(AuditEvent.action == "model.deploy_draft")).one()
        assert event.actor == "mgr" and event.data["reason"] == "复核"
    diff = versions.diff_versions(uow, actor=MANAGER, key="rectification", old=1, new=2)
    assert [a["id"] for a in diff["added"]] == ["extra_check", "f_extra"] and not diff["removed"]
    assert [c["id"] for c in diff["changed"]] == ["f_start", "lane_clerk"]
    page = versions.models_page(uow, actor=MANAGER)
    [rect] = [m for m in page if m["key"] == "rectification"]
    assert [v["running"] for v in rect["versions"]] == [1, 1]
    preview = versions.preview_bulk(uow, actor=MANAGER, key="rectification", from_version=1, to_version=2)
    assert [(p["instance"], p["safe"]) for p in preview] == [(old.id, True)]
    [result] = versions.apply_bulk(uow, actor=MANAGER, key="rectification", from_version=1, to_version=2,
                                   instances=[old.id])
    assert result["ok"], result
    with container.uow() as u:
        assert u.session.get(ProcessInstance, old.id).model_version_id == versions_of[new.id]


def test_diff_sees_extension_attributes():
    changed = XML.replace('value="rectification_draft"', 'value="rectification_report"', 1)
    diff = diff_xml(XML, changed)
    [entry] = diff["changed"]
    assert entry["id"] == "draft_order" and not diff["added"] and not diff["removed"]
    assert any("property" in c["facet"] and c["new"] == "rectification_report" for c in entry["changes"])


def test_merge_restores_dropped_shapes_only_of_living_elements():
    start_shape = XML.index('<bpmndi:BPMNShape id="')
    end_shape = XML.index("</bpmndi:BPMNShape>", start_shape) + len("</bpmndi:BPMNShape>")
    dropped = XML[:start_shape] + XML[end_shape:]
    merged, restored = merge_di(XML, dropped)
    assert len(restored) == 1 and f'bpmnElement="{restored[0]}"' in merged
    assert merged.count("<bpmndi:BPMNShape") == XML.count("<bpmndi:BPMNShape")
    _, none = merge_di(XML, XML)
    assert none == []


def test_a_draft_on_an_older_version_is_not_deployed_over_a_newer_one(container, shipped):
    uow = container.uow()
    drafts.save_draft(uow, actor=MANAGER, key="rectification", xml=_with_task("rectification_draft"),
                      base_version=1, revision=0)
    with container.uow() as u:
        deploy(u.session, "rectification", XML.replace('name="法制审核"', 'name="法制审核（新）"'), actor="other")
        u.commit()
    with pytest.raises(Conflict, match="v2"):
        drafts.deploy_draft(uow, actor=MANAGER, key="rectification", revision=1, reason="late")


def test_merge_restores_a_di_only_edge_while_what_it_connects_is_drawn():
    """C.7.0 has an edge naming no element (it joins a shape to an edge); bpmn-js drops it."""
    original = (Path(__file__).resolve().parents[2] / "data" / "miwg" / "C.7.0.bpmn").read_text()
    start_edge = original.index('<bpmndi:BPMNEdge id="_985753e3')
    end_edge = original.index("</bpmndi:BPMNEdge>", start_edge) + len("</bpmndi:BPMNEdge>")
    dropped = original[:start_edge] + original[end_edge:]
    merged, restored = merge_di(original, dropped)
    assert restored == ["_985753e3-a4ce-486b-908a-509d382259ed"] and 'id="_985753e3' in merged
    start_shape = dropped.index('<bpmndi:BPMNShape id="_c68abea8')
    end_shape = dropped.index("</bpmndi:BPMNShape>", start_shape) + len("</bpmndi:BPMNShape>")
    deleted = (dropped[:start_shape] + dropped[end_shape:]).replace(  # the manager removed the data object
        'id="_c68abea8-c5b4-4aef-b1a5-1e81caec0cba"', 'id="gone"')
    assert merge_di(original, deleted)[1] == []
