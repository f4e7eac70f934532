"""Checks on the diagram's XML before SpiffWorkflow's parser sees it: each names the element.

The parser answers some diagrams with a bare TypeError, "Unknown Time Specification" or "No DMN
Diagram available with id None", and accepts others the engine could never finish (a plain
task waits for ever: nothing makes a work item for it). Those are refused here, in one line.
"""
from __future__ import annotations

from lxml import etree

from casework.engine.model.problems import Problems

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN_NS}
EVENTS = ("startEvent", "intermediateCatchEvent", "boundaryEvent", "intermediateThrowEvent", "endEvent")
TIMER_TEXTS = ("timeDate", "timeDuration", "timeCycle")
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
GATEWAYS = ("exclusiveGateway", "inclusiveGateway")
REFUSED = {"task": "plain_task", "businessRuleTask": "business_rule", "dataStoreReference": "data_store",
           "dataStore": "data_store"}


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _children(element: etree._Element) -> list[str]:
    return [_local(c) for c in element if isinstance(c.tag, str)]


def check_xml(root: etree._Element, problems: Problems) -> None:
    """Add a problem for every element the engine cannot run (all of them, in document order)."""
    messages = {m.get("id") for m in root.iterfind(".//bpmn:message", NS)}
    processes = {p.get("id") for p in root.iterfind(".//bpmn:process", NS)}
    for element in root.iter():
        if not isinstance(element.tag, str) or etree.QName(element).namespace != BPMN_NS:
            continue
        name, eid = _local(element), element.get("id")
        owner = element.getparent().get("id") if element.getparent() is not None else None
        if name in REFUSED:
            problems.add(eid, REFUSED[name])
        elif name == "timerEventDefinition":
            texts = [c for c in element if isinstance(c.tag, str) and _local(c) in TIMER_TEXTS]
            if len(texts) != 1 or not (texts[0].text or "").strip():
                problems.add(owner, "timer_text")
        elif name == "multiInstanceLoopCharacteristics":
            if not set(_children(element)) & {"loopCardinality", "loopDataInputRef"}:
                problems.add(owner, "multi_instance_input")
        if name in ("messageEventDefinition", "receiveTask", "sendTask"):
            ref = element.get("messageRef")
            if ref is not None and ref not in messages:
                problems.add(eid if name != "messageEventDefinition" else owner, "message_ref", ref=ref)
        if name in EVENTS and _children(element).count("messageEventDefinition") > 1:
            problems.add(eid, "several_messages")
        if name == "serviceTask" and not operator(element):
            problems.add(eid, "service_operator")
        if name == "callActivity" and element.get("calledElement") not in processes:
            problems.add(eid, "call_missing", called=element.get("calledElement") or "")
        if name in GATEWAYS:
            for flow in unconditioned(element):
                problems.add(flow.get("id"), "flow_condition", gateway=eid)


def operator(task: etree._Element) -> bool:
    """A service task names its action in spiffworkflow:serviceTaskOperator."""
    return task.find(f"bpmn:extensionElements/{{{SPIFF_NS}}}serviceTaskOperator", NS) is not None


def unconditioned(gateway: etree._Element) -> list[etree._Element]:
    """Outgoing flows of an exclusive/inclusive gateway with neither condition nor default (a
    single outgoing flow needs neither)."""
    flows = [f for f in gateway.getparent().iterfind("bpmn:sequenceFlow", NS) if f.get("sourceRef") == gateway.get("id")]
    return [f for f in flows if len(flows) > 1 and f.get("id") != gateway.get("default")
            and f.find("bpmn:conditionExpression", NS) is None]
