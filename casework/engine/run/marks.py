"""Which BPMN elements of an instance are current and which are done (the case page's diagram).

Read from the engine's stored state (the SpiffWorkflow task tree), not from the audit log, so
service tasks, gateways, events and the sequence flows taken are marked too:
- current: READY/STARTED tasks, and WAITING events other than boundary events (a timer that
  guards a task is not where the case waits: the task is);
- done: COMPLETED tasks, and each flow from a done element to a done or current one along
  the task tree. A cancelled task (a boundary timer fired) is not done.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree
from SpiffWorkflow.bpmn.specs.mixins import BoundaryEventMixin
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.util.task import TaskState

from casework.engine.run.derive import all_tasks
from casework.engine.run.runtime import get_instance, version_entry
from casework.engine.model.serializer import load_workflow
from casework.models import ModelVersion

if TYPE_CHECKING:
    from SpiffWorkflow.task import Task
    from sqlalchemy.orm import Session

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
NOW = TaskState.READY | TaskState.STARTED


def marks(session: Session, instance_id: int) -> dict[str, list[str]]:
    """{"current": [...], "done": [...]} element ids of one instance (read only; the caller
    has already checked the actor may see the instance's case)."""
    instance = get_instance(session, instance_id)
    version = version_entry(session, instance.model_version_id)
    xml = session.get(ModelVersion, instance.model_version_id).bpmn_xml
    workflow = load_workflow(instance.state, version.specs, None)
    return element_marks(all_tasks(workflow), flows_of(xml))


def flows_of(xml: str) -> dict[tuple[str, str], str]:
    """(sourceRef, targetRef) -> sequence flow id, for every flow of the diagram."""
    root = etree.fromstring(xml.encode("utf-8"))
    return {(f.get("sourceRef"), f.get("targetRef")): f.get("id")
            for f in root.iter(f"{BPMN}sequenceFlow")}


def _element(task: Task) -> str | None:
    return getattr(task.task_spec, "bpmn_id", None)


def _is_current(task: Task) -> bool:
    if task.state & NOW:
        return True
    spec = task.task_spec
    return (task.state == TaskState.WAITING and isinstance(spec, CatchingEvent)
            and not isinstance(spec, BoundaryEventMixin))


def _previous_element(task: Task) -> str | None:
    """The nearest ancestor in the task tree that is a diagram element (skips engine internals)."""
    parent = task.parent
    while parent is not None and _element(parent) is None:
        parent = parent.parent
    return _element(parent) if parent is not None else None


def element_marks(tasks: list[Task], flows: dict[tuple[str, str], str]) -> dict[str, list[str]]:
    """Current and done element ids (flows included) from a workflow's tasks."""
    current, done = set(), set()
    for task in tasks:
        element = _element(task)
        if element is None:
            continue
        reached = _is_current(task)
        if reached:
            current.add(element)
        elif task.state == TaskState.COMPLETED:
            done.add(element)
            reached = True
        if reached:
            flow = flows.get((_previous_element(task), element))
            if flow:
                done.add(flow)
    return {"current": sorted(current), "done": sorted(done - current)}
