"""Issue 16: deploy validation lists every problem of a diagram (element id, type, name, message
key + parameters, one line in each language), going on past each one where it safely can."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from casework.engine import DiagramInvalid, deploy
from casework.engine.model import deploy as deploy_module
from casework.engine.model.problems import MESSAGES, PER_LANGUAGE
from casework.engine.model.serializer import spec_to_json
from casework.errors import Conflict
from casework.models.engine import ModelVersion
from tests.integration.engine.test_engine_budget import chain, diagram, script

TRANSLATIONS = Path(__file__).resolve().parents[3] / "web" / "translations"
EVERYTHING_WRONG = chain(
    '<bpmn:task id="n0" name="Check"/>',
    '<bpmn:businessRuleTask id="n1"/>',
    '<bpmn:intermediateCatchEvent id="n2"><bpmn:timerEventDefinition/></bpmn:intermediateCatchEvent>',
    '<bpmn:intermediateCatchEvent id="n3"><bpmn:messageEventDefinition messageRef="nowhere"/>'
    '</bpmn:intermediateCatchEvent>',
    script(4, "x = open('f')"),
    '<bpmn:userTask id="n5" name="Approve"/>',
    '<bpmn:serviceTask id="n6"/>',
) + '<bpmn:dataStoreReference id="store1"/>'


def _refused(container, xml: str, key: str = "probe") -> DiagramInvalid:
    with container.uow() as uow, pytest.raises(DiagramInvalid) as caught:
        deploy(uow.session, key, xml, actor="tester")
    return caught.value


def test_every_problem_is_listed_each_about_its_element(container):
    refusal = _refused(container, diagram(EVERYTHING_WRONG))
    found = {(p.element, p.key) for p in refusal.problems}
    assert found == {("n0", "plain_task"), ("n1", "business_rule"), ("n2", "timer_text"), ("n3", "message_ref"),
                     ("n4", "script"), ("n5", "human_lane"), ("n5", "form_key_missing"),
                     ("n6", "service_operator"), ("store1", "data_store")}, refusal.problems
    assert refusal.element_id == "n0" and f"{len(found) - 1} more problems" in str(refusal)
    for problem in refusal.problems:
        assert problem.key in MESSAGES
        for line in (problem.message, problem.line("en"), problem.line("zh")):
            assert "\n" not in line and problem.element in line
        record = problem.as_dict()
        assert {"element", "message", "type", "name", "key", "params", "message_zh", "message_en"} <= set(record)
    by_key = {p.key: p for p in refusal.problems}
    assert by_key["plain_task"].type == "task" and by_key["plain_task"].name == "Check"
    assert by_key["plain_task"].line("en").startswith("element n0 (task 'Check'): a plain task")
    assert by_key["message_ref"].params == {"ref": "nowhere"}
    assert by_key["script"].message.count("call of open") == 2  # once per language


def test_a_parse_failure_stops_naming_its_element_with_what_was_found_before(container):
    """Two outgoing flows from a script task: SpiffWorkflow's parser cannot go on; the plain task
    found before it is still listed."""
    body = chain('<bpmn:task id="n0"/>', script(1, "x = 1")) + \
        '<bpmn:sequenceFlow id="extra" sourceRef="n1" targetRef="end"/>'
    refusal = _refused(container, diagram(body))
    assert [(p.element, p.key) for p in refusal.problems] == [("n0", "plain_task"), ("n1", "parser")]
    assert "Multiple outgoing flows" in refusal.problems[1].message


def test_several_pools_are_each_checked(container):
    pool = ('<bpmn:process id="{pid}" isExecutable="true"><bpmn:startEvent id="s_{pid}"/>'
            '<bpmn:task id="t_{pid}"/><bpmn:endEvent id="e_{pid}"/>'
            '<bpmn:sequenceFlow id="a_{pid}" sourceRef="s_{pid}" targetRef="t_{pid}"/>'
            '<bpmn:sequenceFlow id="b_{pid}" sourceRef="t_{pid}" targetRef="e_{pid}"/></bpmn:process>')
    xml = diagram(chain(script(0, "x = 1")), pid="one", extra=pool.format(pid="two"))
    refusal = _refused(container, xml)
    assert [(p.element, p.key) for p in refusal.problems] == [("t_two", "plain_task"), ("one,two", "one_top_level")]


def test_no_executable_process_is_a_problem_but_its_elements_are_still_checked(container):
    xml = diagram(chain('<bpmn:userTask id="n0"/>')).replace('isExecutable="true"', 'isExecutable="false"')
    refusal = _refused(container, xml)
    assert [(p.element, p.key) for p in refusal.problems] == [
        ("probe", "no_executable"), ("n0", "human_lane"), ("n0", "form_key_missing")]


def test_every_message_key_is_in_both_catalogues():
    catalogues = {}
    for lang in ("zh", "en"):
        with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
            catalogues[lang] = {m.id: m.string for m in read_po(fh) if m.id}
    for key, (zh, en) in MESSAGES.items():
        if key in PER_LANGUAGE:
            continue
        assert catalogues["zh"].get(en) == zh, key
        assert catalogues["en"].get(en) == en, key


@pytest.mark.postgres_only
def test_two_deploys_of_one_key_at_once_make_one_version_and_one_conflict(container, monkeypatch):
    """Both have chosen version 2 before either stores it (held at a barrier): one conflicts."""
    xml = diagram(chain(script(0, "x = 1")))
    with container.uow() as uow:
        deploy(uow.session, "probe", xml, actor="t")
        uow.commit()
    chosen, results = threading.Barrier(2), []

    def held(*args):
        chosen.wait(timeout=60)
        return spec_to_json(*args)
    monkeypatch.setattr(deploy_module, "spec_to_json", held)

    def one(text):
        try:
            with container.uow() as uow:
                deploy(uow.session, "probe", xml.replace("x = 1", text), actor="t")
                uow.commit()
            results.append("ok")
        except Conflict:
            results.append("conflict")
        except Exception as exc:  # noqa: BLE001 - the raw error this test exists for
            results.append(repr(exc))
    threads = [threading.Thread(target=one, args=(t,)) for t in ("x = 2", "x = 3")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(results) == ["conflict", "ok"]
    with container.uow() as uow:
        assert [v.version for v in uow.session.scalars(select(ModelVersion))] == [1, 2]
