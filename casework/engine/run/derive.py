"""What a workflow's state implies for the indexed rows: work items, timers, data summary."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.spiff.specs.defaults import ManualTask, UserTask
from SpiffWorkflow.util.task import TaskState

from casework.engine.errors import ExpressionFailed
from casework.engine.model.specs import parse_instant

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.task import Task


@dataclass(frozen=True)
class HumanTask:
    """A READY user task as a queue sees it."""

    task_id: str
    task_spec: str
    title: str
    role: str
    form_key: str | None
    due_at: datetime | None


@dataclass(frozen=True)
class WaitingTimer:
    task_id: str
    name: str
    due_at: datetime


@dataclass(frozen=True)
class Derived:
    """The rows an instance's state implies; diffed before/after a step to write only changes."""

    items: dict[str, HumanTask]
    timers: dict[str, WaitingTimer]


EMPTY = Derived({}, {})


def derive(workflow: BpmnWorkflow | None) -> Derived:
    if workflow is None:
        return EMPTY
    return Derived(human_tasks(workflow), waiting_timers(workflow))


def properties(task_spec: Any) -> dict[str, str]:
    return (getattr(task_spec, "extensions", None) or {}).get("properties", {}) or {}


def all_tasks(workflow: BpmnWorkflow) -> list[Task]:
    """Every task of the workflow and its subprocesses (dict scans, no tree walk)."""
    tasks = list(workflow.tasks.values())
    for sub in workflow.subprocesses.values():
        tasks.extend(sub.tasks.values())
    return tasks


def ready_human_tasks(workflow: BpmnWorkflow) -> list[Task]:
    return [t for t in all_tasks(workflow)
            if t.state == TaskState.READY and isinstance(t.task_spec, (UserTask, ManualTask))]


def human_tasks(workflow: BpmnWorkflow) -> dict[str, HumanTask]:
    """One entry per READY user/manual task, keyed by task id."""
    found = {}
    for task in ready_human_tasks(workflow):
        spec = task.task_spec
        props = properties(spec)
        found[str(task.id)] = HumanTask(
            task_id=str(task.id),
            task_spec=spec.bpmn_id or spec.name,
            title=(spec.bpmn_name or spec.bpmn_id or spec.name)[:200],
            role=spec.lane or "",
            form_key=props.get("formKey"),
            due_at=_due_at(task, props.get("dueVariable")),
        )
    return found


def _due_at(task: Task, variable: str | None) -> datetime | None:
    if variable and task.data.get(variable):
        try:
            return parse_instant(task.data[variable])
        except ExpressionFailed:
            pass
    parent = task.parent
    if parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
        return None
    dues = [due for sibling in parent.children if sibling is not task
            for due in [_timer_due(sibling)] if due is not None]
    return min(dues) if dues else None


def _is_timer(definition: Any) -> bool:
    if isinstance(definition, MultipleEventDefinition):
        return any(isinstance(d, TimerEventDefinition) for d in definition.event_definitions)
    return isinstance(definition, TimerEventDefinition)


def _timer_due(task: Task) -> datetime | None:
    definition = getattr(task.task_spec, "event_definition", None)
    if not task.has_state(TaskState.WAITING) or not _is_timer(definition):
        return None
    value = definition.details(task).value
    if isinstance(value, dict):  # a cycle timer before its first evaluation
        value = value.get("next")
    if not value:
        return None
    try:
        return parse_instant(value)
    except ExpressionFailed:
        return None


def waiting_timers(workflow: BpmnWorkflow) -> dict[str, WaitingTimer]:
    """One entry per waiting timer event (what `waiting_events()` reports, with task ids)."""
    found = {}
    for task in list(workflow.event_manager.tasks.values()):
        due = _timer_due(task)
        if due is not None:
            spec = task.task_spec
            found[str(task.id)] = WaitingTimer(str(task.id), (spec.bpmn_id or spec.name)[:120], due)
    return found


def current_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The instance's data as JSON: the open tasks' data, or the final data once completed."""
    if workflow.is_completed():
        data = dict(workflow.data)
    else:
        open_tasks = [t for t in workflow.tasks.values()
                      if t.state & (TaskState.READY | TaskState.WAITING | TaskState.STARTED)]
        data = {}
        for task in open_tasks or ([workflow.last_task] if workflow.last_task else []):
            data.update(task.data)
    data.pop("data_objects", None)
    return json.loads(json.dumps(data, default=str, allow_nan=False))
