"""Keep DI the modeler dropped: shapes and edges of elements bpmn-js does not draw.

A shape/edge of the original is copied back into the matching plane (same `bpmnElement`, else
the first) when the saved XML lacks it and either its element still exists there but is not
drawn (B.1.0, B.2.0), or it names no element at all (a DI-only connector, C.7.0) and what it
connects is still drawn. What the manager deleted stays deleted.
"""
from __future__ import annotations

import copy

from lxml import etree

from casework.services.modeling.xml import local, parse, semantic_elements, to_text

DRAWN = ("BPMNShape", "BPMNEdge")


def _planes(root: etree._Element) -> list[etree._Element]:
    return [e for e in root.iter() if isinstance(e.tag, str) and local(e.tag) == "BPMNPlane"]


def _items(root: etree._Element) -> list[etree._Element]:
    return [e for e in root.iter() if isinstance(e.tag, str) and local(e.tag) in DRAWN]


def _wanted(item: etree._Element, alive: dict, drawn: set, di_ids: set) -> bool:
    if item.get("id") in di_ids:
        return False
    ref = item.get("bpmnElement")
    if ref is not None:
        return ref in alive and ref not in drawn
    ends = [item.get(a) for a in ("sourceElement", "targetElement") if item.get(a)]
    return all(end in di_ids for end in ends)


def merge_di(original_xml: str | bytes | None, saved_xml: str | bytes) -> tuple[str, list[str]]:
    """The saved XML with the original's missing shapes restored, and the ids restored."""
    saved = parse(saved_xml)
    if not original_xml:
        return to_text(saved), []
    original = parse(original_xml)
    alive = semantic_elements(saved)
    drawn = {e.get("bpmnElement") for e in _items(saved)}
    di_ids = {e.get("id") for e in _items(saved) if e.get("id")}
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
            if not isinstance(item.tag, str) or local(item.tag) not in DRAWN or not _wanted(item, alive, drawn, di_ids):
                continue
            target.append(copy.deepcopy(item))
            drawn.add(item.get("bpmnElement"))
            di_ids.add(item.get("id"))
            restored.append(item.get("bpmnElement") or item.get("id"))
    return to_text(saved), restored
