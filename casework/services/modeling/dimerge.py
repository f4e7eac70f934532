"""Keep DI the modeler dropped: shapes and edges of elements bpmn-js does not draw.

A shape/edge of the original whose `bpmnElement` still exists in the saved diagram but has no
shape/edge there is copied back into the matching plane (same `bpmnElement`, else the first).
"""
from __future__ import annotations

import copy

from lxml import etree

from casework.services.modeling.xml import local, parse, semantic_elements, to_text

DRAWN = ("BPMNShape", "BPMNEdge")


def _planes(root: etree._Element) -> list[etree._Element]:
    return [e for e in root.iter() if isinstance(e.tag, str) and local(e.tag) == "BPMNPlane"]


def merge_di(original_xml: str | bytes | None, saved_xml: str | bytes) -> tuple[str, list[str]]:
    """The saved XML with the original's missing shapes restored, and the ids restored."""
    saved = parse(saved_xml)
    if not original_xml:
        return to_text(saved), []
    original = parse(original_xml)
    alive = semantic_elements(saved)
    drawn = {e.get("bpmnElement") for e in saved.iter()
             if isinstance(e.tag, str) and local(e.tag) in DRAWN}
    planes = _planes(saved)
    by_element = {p.get("bpmnElement"): p for p in planes}
    restored = []
    for plane in _planes(original):
        target = by_element.get(plane.get("bpmnElement"))
        if target is None:
            target = planes[0] if planes else None
        if target is None:
            break
        for item in plane:
            if not isinstance(item.tag, str) or local(item.tag) not in DRAWN:
                continue
            ref = item.get("bpmnElement")
            if ref in alive and ref not in drawn:
                target.append(copy.deepcopy(item))
                drawn.add(ref)
                restored.append(ref)
    return to_text(saved), restored
