"""Deploying: every kind of bad diagram is refused naming its element; versions are immutable."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from casework.engine import DiagramInvalid, action, deploy, deploy_shipped
from casework.engine.expressions.actions import get_action
from casework.engine.model.deploy import list_versions
from casework.models.engine import ModelVersion
from tests.helpers import TEST_BPMN, TEST_FORMS

BASIC = (TEST_BPMN / "engine_basic.bpmn").read_text(encoding="utf-8")
SERVICE = '<spiffworkflow:serviceTaskOperator id="test_record" resultVariable="record">'
PARAM = '<spiffworkflow:parameter id="label" type="str" value="\'late:\' + facts"/>'


if get_action("test_record") is None:  # test_engine_runtime registers the full one
    @action("test_record", inputs={"label": str}, outputs={"recorded": str})
    def _record(ctx, label):
        return {"recorded": label}


def _variant(old: str, new: str) -> str:
    assert old in BASIC, old
    return BASIC.replace(old, new, 1)


BAD = {
    "unparsable": (BASIC[:-40], "definitions"),
    "dtd": ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            + BASIC.split("?>", 1)[1], "definitions"),
    "not_executable": (_variant('isExecutable="true"', 'isExecutable="false"'), "engine_basic"),
    "unknown_action": (_variant(SERVICE, SERVICE.replace("test_record", "format_disk")), "record_late"),
    "action_inputs": (_variant(PARAM, PARAM.replace('id="label"', 'id="labl"')), "record_late"),
    "action_parameter_expression": (_variant(PARAM, '<spiffworkflow:parameter id="label" type="str" '
                                             'value="facts.__class__"/>'), "record_late"),
    "missing_form": (_variant('value="test_respond"', 'value="test_no_such_form"'), "respond"),
    "missing_form_key": (_variant('<spiffworkflow:property name="formKey" value="test_draft"/>', ''), "draft"),
    "lane_not_role": (_variant('name="unit"', 'name="janitor"'), "lane_unit"),
    "task_outside_lanes": (_variant('<bpmn:flowNodeRef>draft</bpmn:flowNodeRef>', ''), "draft"),
    "script_statement": (_variant("rounds = rounds + 1", "import os"), "set_deadline"),
    "script_expression": (_variant("rounds = rounds + 1", "rounds = ().__class__"), "set_deadline"),
    "gateway_condition": (_variant("accepted == True", "__import__('os')"), "accepted_gw"),
    "gateway_branch_without_condition": (_variant(' default="f_again"', ''), "f_again"),
    "timer_expression": (_variant("<bpmn:timeDate>deadline_at</bpmn:timeDate>",
                                  "<bpmn:timeDate>getattr(x, 'y')</bpmn:timeDate>"), "too_late"),
    "timer_literal": (_variant("<bpmn:timeDate>deadline_at</bpmn:timeDate>",
                               "<bpmn:timeDuration>P3X</bpmn:timeDuration>"), "too_late"),
    "two_outgoing_flows": (_variant('<bpmn:sequenceFlow id="f_set"',
                                    '<bpmn:sequenceFlow id="f_extra" sourceRef="draft" targetRef="end_ok"/>'
                                    '<bpmn:sequenceFlow id="f_set"'), "draft"),
    "service_without_operator": (_variant(SERVICE, "<x:y xmlns:x='urn:x'>").replace(
        "</spiffworkflow:serviceTaskOperator>", "</x:y>"), "record_late"),
    "business_rule_task": (_variant('<bpmn:scriptTask id="set_deadline" name="计算期限">',
                                    '<bpmn:businessRuleTask id="set_deadline" name="计算期限">').replace(
        "</bpmn:scriptTask>", "</bpmn:businessRuleTask>"), "set_deadline"),
    "message_ref_missing": (_variant('<bpmn:timerEventDefinition id="too_late_timer">\n'
                                     '        <bpmn:timeDate>deadline_at</bpmn:timeDate>\n'
                                     '      </bpmn:timerEventDefinition>',
                                     '<bpmn:messageEventDefinition id="m" messageRef="nowhere"/>'), "too_late"),
    "data_association": (_variant('<bpmn:userTask id="draft" name="拟稿">',
                                  '<bpmn:userTask id="draft" name="拟稿"><bpmn:dataInputAssociation id="dia">'
                                  '<bpmn:sourceRef>ghost</bpmn:sourceRef></bpmn:dataInputAssociation>'), "draft"),
    "not_bpmn": ("<html><body/></html>", "definitions"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_diagram_refused_naming_the_element(container, kind):
    xml, element = BAD[kind]
    with container.uow() as uow:
        for _attempt in range(2):  # a fresh parser each time: the second attempt fails the same way
            with pytest.raises(DiagramInvalid) as caught:
                deploy(uow.session, "engine_basic", xml, forms_dir=TEST_FORMS, actor="manager")
            assert caught.value.element_id == element, str(caught.value)
            assert element in str(caught.value)
            assert "<Element" not in str(caught.value)
        assert uow.session.scalars(select(ModelVersion)).all() == []


def test_versions_are_immutable_and_identical_xml_is_not_redeployed(container):
    with container.uow() as uow:
        s = uow.session
        v1 = deploy(s, "engine_basic", BASIC, forms_dir=TEST_FORMS, actor="manager")
        assert deploy(s, "engine_basic", BASIC.encode(), forms_dir=TEST_FORMS, actor="manager").id == v1.id
        v2 = deploy(s, "engine_basic", BASIC.replace("拟稿", "起草"), forms_dir=TEST_FORMS, actor="manager")
        assert [v.version for v in list_versions(s, "engine_basic")] == [1, 2]
        assert v1.sha256 != v2.sha256 and v1.forms == v2.forms
        assert set(v1.forms) == {"test_draft", "test_respond"}
        assert "spec" in v1.spec_json and v1.deployed_by == "manager"
        uow.commit()


def test_bad_key_refused(container):
    with container.uow() as uow, pytest.raises(DiagramInvalid):
        deploy(uow.session, "../etc", BASIC, forms_dir=TEST_FORMS, actor="manager")


def test_deploy_shipped_is_idempotent_and_ignores_subfolders(container, tmp_path):
    (tmp_path / "test").mkdir()
    (tmp_path / "engine_loop.bpmn").write_bytes((TEST_BPMN / "engine_loop.bpmn").read_bytes())
    (tmp_path / "test" / "engine_timer.bpmn").write_bytes((TEST_BPMN / "engine_timer.bpmn").read_bytes())
    with container.uow() as uow:
        first = deploy_shipped(uow.session, bpmn_dir=tmp_path, forms_dir=TEST_FORMS)
        again = deploy_shipped(uow.session, bpmn_dir=tmp_path, forms_dir=TEST_FORMS)
        assert [(v.key, v.version) for v in first] == [("engine_loop", 1)]
        assert again == []
        assert uow.session.scalars(select(ModelVersion.key)).all() == ["engine_loop"]
        uow.commit()
