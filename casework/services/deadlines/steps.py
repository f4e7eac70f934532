"""Re-derive a running process's deadline: its deadline_at data and the timers that read it.

Uses the engine's own step (open, change, save): one revision-checked write, work items
and timers re-derived by the engine, one audit event.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from SpiffWorkflow.util.task import TaskState

from casework.engine.run.runtime import advance, get_instance, open_step, save

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DATA_AT, DATA_DATE = "deadline_at", "deadline_date"


def revise_instance_deadline(session: Session, instance_id: int, before_date: str,
                             end_utc: datetime, day: date, actor: str) -> bool:
    """Move the instance's deadline that ends on `before_date` to `day`; False if none."""
    instance = get_instance(session, instance_id)
    if instance.status != "running":
        return False
    step = open_step(session, instance, actor=actor)
    new_at = end_utc.isoformat()

    def act(workflow) -> int:
        changed = 0
        for task in workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK):
            if task.data.get(DATA_DATE) == before_date:
                old_at = task.data.get(DATA_AT)
                task.data[DATA_AT], task.data[DATA_DATE] = new_at, day.isoformat()
                changed += 1
                if old_at and task._get_internal_data("event_value") == old_at:
                    task._set_internal_data(event_value=new_at)  # a waiting timeDate timer
        return changed

    if not advance(step, act):
        return False
    save(step, "engine.deadline_revised", {"from": before_date, "to": day.isoformat()})
    return True
