"""Every shipped diagram carries complete, tidy BPMN DI (the case page draws it with bpmn-js)."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

BPMN_DIR = Path(__file__).resolve().parents[3] / "bpmn"
SHIPPED = sorted(BPMN_DIR.glob("*.bpmn"))
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
FLOW_NODES = ("task", "userTask", "serviceTask", "scriptTask", "manualTask", "receiveTask", "sendTask",
              "businessRuleTask", "callActivity", "subProcess", "startEvent", "endEvent",
              "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "exclusiveGateway",
              "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway")
SLACK = 2  # pixels a waypoint may sit off its shape's border


def _bounds(shape):
    b = shape.find("dc:Bounds", NS)
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))


def _inside(inner, outer):
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh


def _overlap(a, b):
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _on_border(point, box):
    px, py = point
    x, y, w, h = box
    near_x = x - SLACK <= px <= x + w + SLACK
    near_y = y - SLACK <= py <= y + h + SLACK
    return near_x and near_y and (abs(px - x) <= SLACK or abs(px - x - w) <= SLACK
                                  or abs(py - y) <= SLACK or abs(py - y - h) <= SLACK
                                  or _diamond_or_circle(point, box))


def _diamond_or_circle(point, box):
    """Gateways and events are drawn inside their bounds: accept a point on the inscribed shape."""
    x, y, w, h = box
    cx, cy = x + w / 2, y + h / 2
    dx, dy = abs(point[0] - cx), abs(point[1] - cy)
    return abs(dx / (w / 2) + dy / (h / 2) - 1) <= 0.1 or abs((dx * dx + dy * dy) ** 0.5 - w / 2) <= SLACK


def di_problems(root: etree._Element) -> list[str]:
    """What keeps this diagram from being drawn faithfully: missing or misplaced DI."""
    problems: list[str] = []
    shapes = {s.get("bpmnElement"): s for s in root.iterfind(".//bpmndi:BPMNShape", NS)}
    edges = {e.get("bpmnElement"): e for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    planes = [p.get("bpmnElement") for p in root.iterfind(".//bpmndi:BPMNPlane", NS)]
    processes = root.findall("bpmn:process", NS)
    collaborations = root.findall("bpmn:collaboration", NS)
    drawn = [c.get("id") for c in collaborations] or [p.get("id") for p in processes]
    for element in drawn:
        if element not in planes:
            problems.append(f"{element}: no BPMNPlane")
    for participant in root.iterfind("bpmn:collaboration/bpmn:participant", NS):
        if participant.get("id") not in shapes:
            problems.append(f"{participant.get('id')}: participant has no shape")
    for process in processes:
        nodes = {el.get("id"): el for kind in FLOW_NODES for el in process.iterfind(f"bpmn:{kind}", NS)}
        lane_of = {}
        lanes = process.findall(".//bpmn:lane", NS)
        for lane in lanes:
            if lane.get("id") not in shapes:
                problems.append(f"{lane.get('id')}: lane has no shape")
            for ref in lane.iterfind("bpmn:flowNodeRef", NS):
                lane_of[ref.text.strip()] = lane.get("id")
        for node_id in nodes:
            if node_id not in shapes:
                problems.append(f"{node_id}: flow node has no shape")
        if problems:
            continue
        box = {i: _bounds(shapes[i]) for i in list(nodes) + [lane.get("id") for lane in lanes]}
        for i, a in enumerate(lanes):
            for b in lanes[i + 1:]:
                if _overlap(box[a.get("id")], box[b.get("id")]):
                    problems.append(f"lanes {a.get('id')} and {b.get('id')} overlap")
        placed = [n for n, el in nodes.items() if etree.QName(el).localname != "boundaryEvent"]
        for node_id in placed:
            if node_id in lane_of and not _inside(box[node_id], box[lane_of[node_id]]):
                problems.append(f"{node_id}: shape lies outside its lane {lane_of[node_id]}")
        for i, a in enumerate(placed):
            for b in placed[i + 1:]:
                if _overlap(box[a], box[b]):
                    problems.append(f"{a} and {b} overlap")
        for node_id, el in nodes.items():
            host = el.get("attachedToRef")
            if host and not _on_border((box[node_id][0] + box[node_id][2] / 2,
                                        box[node_id][1] + box[node_id][3] / 2), box[host]):
                problems.append(f"{node_id}: boundary event not on the border of {host}")
        for flow in process.iterfind("bpmn:sequenceFlow", NS):
            edge = edges.get(flow.get("id"))
            if edge is None:
                problems.append(f"{flow.get('id')}: sequence flow has no edge")
                continue
            points = [(float(p.get("x")), float(p.get("y"))) for p in edge.iterfind("di:waypoint", NS)]
            if len(points) < 2:
                problems.append(f"{flow.get('id')}: edge needs at least two waypoints")
                continue
            if not _on_border(points[0], box[flow.get("sourceRef")]):
                problems.append(f"{flow.get('id')}: edge does not start on {flow.get('sourceRef')}")
            if not _on_border(points[-1], box[flow.get("targetRef")]):
                problems.append(f"{flow.get('id')}: edge does not end on {flow.get('targetRef')}")
    return problems


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_diagram_has_complete_di(path):
    assert di_problems(etree.parse(str(path)).getroot()) == []


def test_the_five_shipped_models_are_checked():
    assert {p.stem for p in SHIPPED} >= {"acceptance", "filing", "rectification", "inspection",
                                          "footage_access"}


def _filing():
    return etree.parse(str(BPMN_DIR / "filing.bpmn")).getroot()


def test_refuses_a_diagram_without_di():
    root = _filing()
    for diagram in root.findall("bpmndi:BPMNDiagram", NS):
        root.remove(diagram)
    problems = di_problems(root)
    assert "filing: no BPMNPlane" in problems
    assert "submit_filing: flow node has no shape" in problems
    assert "lane_clerk: lane has no shape" in problems


def test_refuses_a_missing_edge_a_stray_shape_and_a_loose_boundary_event():
    root = _filing()
    plane = root.find(".//bpmndi:BPMNPlane", NS)
    plane.remove(plane.find("bpmndi:BPMNEdge[@bpmnElement='f_receipt']", NS))
    bounds = plane.find("bpmndi:BPMNShape[@bpmnElement='end_filed']/dc:Bounds", NS)
    bounds.set("y", str(float(bounds.get("y")) - 1000))
    boundary = plane.find("bpmndi:BPMNShape[@bpmnElement='window_closed']/dc:Bounds", NS)
    boundary.set("x", str(float(boundary.get("x")) + 400))
    problems = di_problems(root)
    assert "f_receipt: sequence flow has no edge" in problems
    assert "end_filed: shape lies outside its lane lane_clerk" in problems
    assert "f_filed: edge does not end on end_filed" in problems
    assert "window_closed: boundary event not on the border of submit_filing" in problems


def test_refuses_overlapping_shapes():
    root = _filing()
    plane = root.find(".//bpmndi:BPMNPlane", NS)
    a = plane.find("bpmndi:BPMNShape[@bpmnElement='issue_receipt']/dc:Bounds", NS)
    b = plane.find("bpmndi:BPMNShape[@bpmnElement='close_filed']/dc:Bounds", NS)
    b.set("x", str(float(a.get("x")) + 10))
    assert "issue_receipt and close_filed overlap" in di_problems(root)
