"""SpiffWorkflow's parser, run after our XML checks so validation can go on past their problems.

What `xmlchecks` already refused (a DMN task, a data store, an empty timer, a dangling
messageRef...) makes the parser fail with an unrelated error, or none at all. So when there
are such problems the parser reads a copy in which each is replaced by something harmless;
the problems stay listed, and the task-level checks still see every other element.
"""
from __future__ import annotations

import copy
import re
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from casework.engine.errors import DiagramInvalid
from casework.engine.model.problems import Problems, problems_of
from casework.engine.model.xmlchecks import operator, unconditioned

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN_NS}
TIMER_TEXTS = ("timeDate", "timeDuration", "timeCycle")


def parse_specs(root: etree._Element, key: str, process_id: str, problems: Problems) -> tuple[Any, dict] | None:
    """(spec, subprocess specs), or None with the parser's problem added (nothing more to check)."""
    tree = _harmless_copy(root, process_id) if problems.found else root
    parser = SpiffBpmnParser()  # fresh: a failed get_spec leaves a half-built spec cached
    try:
        parser.add_bpmn_xml(tree, filename=f"{key}.bpmn")
        return parser.get_spec(process_id), parser.get_subprocess_specs(process_id)
    except DiagramInvalid as exc:
        problems.found.extend(p for p in problems_of(exc) if p not in problems.found)
    except ValidationException as exc:
        message = _clean(str(exc.args[0]) if exc.args else str(exc))
        tag = getattr(exc, "tag", "")
        problems.add(getattr(exc, "id", "") or process_id, "parser",
                     detail=f"{message} ({tag})" if tag else message)
    except Exception as exc:  # the parser raises TypeError/KeyError/... on some malformed input
        if not problems.found:  # otherwise most likely a consequence of what is listed
            problems.add(process_id, "unparsable", detail=_clean(repr(exc)))
    return None


def _clean(message: str) -> str:
    """Replace lxml object reprs (`<Element {ns}sourceRef at 0x..>`) with the tag name."""
    return re.sub(r"<Element \{[^}]*\}(\w+) at 0x[0-9a-f]+>", r"\1", message)


def _bpmn(name: str) -> str:
    return f"{{{BPMN_NS}}}{name}"


def _harmless_copy(root: etree._Element, process_id: str) -> etree._Element:
    tree = copy.deepcopy(root)
    for process in tree.iterfind(".//bpmn:process", NS):
        if process.get("id") == process_id:
            process.set("isExecutable", "true")
    processes = {p.get("id") for p in tree.iterfind(".//bpmn:process", NS)}
    for task in list(tree.iter(_bpmn("businessRuleTask"), _bpmn("serviceTask"), _bpmn("callActivity"))):
        if (task.tag == _bpmn("businessRuleTask") or (task.tag == _bpmn("serviceTask") and not operator(task))
                or (task.tag == _bpmn("callActivity") and task.get("calledElement") not in processes)):
            task.tag = _bpmn("task")
    for gateway in tree.iter(_bpmn("exclusiveGateway"), _bpmn("inclusiveGateway")):
        for flow in unconditioned(gateway):
            etree.SubElement(flow, _bpmn("conditionExpression")).text = "False"
    stores = set()
    for name in ("dataStoreReference", "dataStore"):
        for store in list(tree.iterfind(f".//bpmn:{name}", NS)):
            stores.add(store.get("id"))
            store.getparent().remove(store)
    for name in ("dataInputAssociation", "dataOutputAssociation"):
        for link in list(tree.iterfind(f".//bpmn:{name}", NS)):
            refs = {(r.text or "").strip() for r in link if isinstance(r.tag, str)}
            if refs & stores:
                link.getparent().remove(link)
    for timer in tree.iterfind(".//bpmn:timerEventDefinition", NS):
        texts = [c for c in timer if isinstance(c.tag, str) and etree.QName(c).localname in TIMER_TEXTS]
        if len(texts) != 1 or not (texts[0].text or "").strip():
            for child in list(timer):
                timer.remove(child)
            etree.SubElement(timer, _bpmn("timeDuration")).text = "PT1H"
    messages = {m.get("id") for m in tree.iterfind(".//bpmn:message", NS)}
    for name in ("messageEventDefinition", "receiveTask", "sendTask"):
        for element in tree.iterfind(f".//bpmn:{name}", NS):
            if element.get("messageRef") is not None and element.get("messageRef") not in messages:
                del element.attrib["messageRef"]
    for event in tree.iter():
        definitions = [c for c in event if c.tag == _bpmn("messageEventDefinition")]
        for extra in definitions[1:]:
            event.remove(extra)
    for loop in tree.iterfind(".//bpmn:multiInstanceLoopCharacteristics", NS):
        names = {etree.QName(c).localname for c in loop if isinstance(c.tag, str)}
        if not names & {"loopCardinality", "loopDataInputRef"}:
            etree.SubElement(loop, _bpmn("loopCardinality")).text = "1"
    return tree
