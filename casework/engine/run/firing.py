"""Firing due timers inside a step (the sweep's and, before any other act, the step's own)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from casework.engine.model.specs import ClockCycle
from casework.engine.run.derive import Derived, waiting_timers

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn import BpmnWorkflow


def due_timer_ids(derived: Derived, now: datetime) -> set[str]:
    """Task ids of the waiting timers due by `now` (from the rows the loaded state implies)."""
    return {tid for tid, timer in derived.timers.items() if timer.due_at <= now}


def fire_timers(workflow: BpmnWorkflow, due_task_ids: set[str], now: datetime) -> int:
    """Mark the due timers fired (they may be due by `now` ahead of the clock), then refresh."""
    count = 0
    waiting = waiting_timers(workflow)
    for task in list(workflow.event_manager.tasks.values()):
        if str(task.id) in due_task_ids and str(task.id) in waiting and waiting[str(task.id)].due_at <= now:
            if not isinstance(task.task_spec.event_definition, ClockCycle):  # cycles count themselves
                task._set_internal_data(event_fired=True)
            count += 1
    workflow.refresh_timers()
    return count
