"""Checks on the diagram's XML before SpiffWorkflow's parser sees it: each names the element.

The parser answers some diagrams with a bare TypeError, "Unknown Time Specification" or "No DMN
Diagram available with id None", and accepts others the engine could never finish (a plain
task waits for ever: nothing makes a work item for it). Those are refused here, in one line.
"""
from __future__ import annotations

from typing import Callable

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN_NS}
EVENTS = ("startEvent", "intermediateCatchEvent", "boundaryEvent", "intermediateThrowEvent", "endEvent")
TIMER_TEXTS = ("timeDate", "timeDuration", "timeCycle")
Refuse = Callable[[str | None, str, str], Exception]


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def check_xml(root: etree._Element, refuse: Refuse) -> None:
    """Raise `refuse(element_id, zh, en)` for the first element the engine cannot run."""
    messages = {m.get("id") for m in root.iterfind(".//bpmn:message", NS)}
    for element in root.iter():
        if not isinstance(element.tag, str) or etree.QName(element).namespace != BPMN_NS:
            continue
        name, eid = _local(element), element.get("id")
        if name == "task":
            raise refuse(eid, "普通任务（bpmn:task）会永远等待：请改用位于泳道并带表单的用户任务、脚本任务或服务任务",
                         "a plain task (bpmn:task) would wait for ever: use a userTask in a lane with a form, "
                         "a scriptTask or a serviceTask")
        if name == "businessRuleTask":
            raise refuse(eid, "不支持业务规则任务（DMN）：请改用脚本任务或服务任务",
                         "business rule tasks (DMN) are not supported: use a scriptTask or a serviceTask")
        if name in ("dataStoreReference", "dataStore"):
            raise refuse(eid, "不支持数据存储：流程数据保存在实例中", "data stores are not supported: process data "
                         "lives in the instance")
        if name == "timerEventDefinition":
            texts = [c for c in element if isinstance(c.tag, str) and _local(c) in TIMER_TEXTS]
            if len(texts) != 1 or not (texts[0].text or "").strip():
                owner = element.getparent().get("id")
                raise refuse(owner, "定时器须有且只有一个 timeDate、timeDuration 或 timeCycle（且不为空）",
                             "a timer needs exactly one non-empty timeDate, timeDuration or timeCycle")
        if name in ("messageEventDefinition", "receiveTask", "sendTask"):
            ref = element.get("messageRef")
            owner = eid if name != "messageEventDefinition" else element.getparent().get("id")
            if ref is not None and ref not in messages:
                raise refuse(owner, f"messageRef {ref!r} 未指向任何 bpmn:message",
                             f"messageRef {ref!r} names no bpmn:message")
        if name in EVENTS:
            count = sum(1 for c in element if isinstance(c.tag, str) and _local(c) == "messageEventDefinition")
            if count > 1:
                raise refuse(eid, "一个事件只能等待一个消息（send_message 无法恢复多消息事件）",
                             "an event may wait for one message only (send_message cannot resume several)")
        if name == "multiInstanceLoopCharacteristics":
            parts = {_local(c) for c in element if isinstance(c.tag, str)}
            if not parts & {"loopCardinality", "loopDataInputRef"}:
                owner = element.getparent().get("id")
                raise refuse(owner, "多实例任务须有 loopCardinality 或输入集合（loopDataInputRef）",
                             "a multi-instance task needs a loopCardinality or an input collection "
                             "(loopDataInputRef)")
