"""Issue 16: diagrams from other tools are refused at deploy, in one line naming the element,
when the engine could not run them; anything a step still raises names the element."""
from __future__ import annotations

import pytest

from casework.engine import DiagramInvalid, deploy, start
from casework.engine.run.runtime import StepFailed
from tests.integration.engine.test_engine_budget import chain, diagram, script

MSG = '<bpmn:message id="m1" name="paid"/>'


def _deploy(container, xml, key="probe"):
    with container.uow() as uow:
        deploy(uow.session, key, xml, actor="tester")
        uow.commit()


@pytest.mark.parametrize("body,extra,element,match", [
    (chain('<bpmn:task id="n0"/>'), "", "n0", "plain task"),
    (chain('<bpmn:businessRuleTask id="n0"/>'), "", "n0", "business rule"),
    (chain(script(0, "x = 1")) + '<bpmn:dataStoreReference id="store1"/>', "", "store1", "data stores"),
    (chain('<bpmn:intermediateCatchEvent id="n0"><bpmn:timerEventDefinition/></bpmn:intermediateCatchEvent>'),
     "", "n0", "timeDate, timeDuration or timeCycle"),
    ('<bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="nowhere"/></bpmn:startEvent>'
     '<bpmn:endEvent id="end"/><bpmn:sequenceFlow id="f" sourceRef="start" targetRef="end"/>', "", "start",
     "names no bpmn:message"),
    (chain('<bpmn:intermediateCatchEvent id="n0"><bpmn:messageEventDefinition messageRef="m1"/>'
           '<bpmn:messageEventDefinition messageRef="m1"/></bpmn:intermediateCatchEvent>'), MSG, "n0", "one message"),
    (chain('<bpmn:scriptTask id="n0"><bpmn:multiInstanceLoopCharacteristics/><bpmn:script>y = 1</bpmn:script>'
           '</bpmn:scriptTask>'), "", "n0", "input collection"),
])
def test_diagrams_the_engine_cannot_run_are_refused_naming_the_element(container, body, extra, element, match):
    with pytest.raises(DiagramInvalid, match=match) as caught:
        _deploy(container, diagram(body, extra=extra))
    assert caught.value.element_id == element
    assert "\n" not in str(caught.value)


def test_refused_script_says_its_reason_once(container):
    with pytest.raises(DiagramInvalid) as caught:
        _deploy(container, diagram(chain(script(0, "x = open('f')"))))
    assert str(caught.value).count("call of open") == 2  # once in Chinese, once in English


def test_file_name_key_gets_a_hint(container):
    with pytest.raises(DiagramInvalid, match="--key a_1_0"):
        _deploy(container, diagram(chain(script(0, "x = 1"))), key="A.1.0")


def test_an_unexpected_error_inside_a_step_names_the_element(container):
    """A collection that is not a list: the library's own error becomes a step failure."""
    body = chain('<bpmn:scriptTask id="n0"><bpmn:multiInstanceLoopCharacteristics>'
                 '<bpmn:loopDataInputRef>items</bpmn:loopDataInputRef><bpmn:inputDataItem id="item"/>'
                 '</bpmn:multiInstanceLoopCharacteristics><bpmn:script>y = item</bpmn:script></bpmn:scriptTask>')
    _deploy(container, diagram(body))
    with container.uow() as uow:
        with pytest.raises(StepFailed, match="element n0") as caught:
            start(uow.session, "probe", data={"items": 5}, actor="t")
    assert "\n" not in str(caught.value)
