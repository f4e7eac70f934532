"""Cancel (terminate) a running instance: its open tasks, work items and timers end, and why.

One engine step like any other: the instance row is locked first, its due timers fire
first (a deadline passed before the cancellation is still passed), the step runs under the
budget, saves under the revision check, re-derives its rows (none are left) and writes one
audit event. The caller's unit of work commits. A finished instance is refused.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from SpiffWorkflow.util.task import TaskState

from casework.engine.errors import BudgetExceeded
from casework.engine.run.derive import current_data
from casework.engine.run.incidents import record_incident
from casework.engine.run.runtime import advance, fire_late_timers, lock_instance, open_step, save, too_late
from casework.errors import Conflict, InvalidInput

if TYPE_CHECKING:
    from sqlalchemy.orm import Session
    from SpiffWorkflow.bpmn import BpmnWorkflow

    from casework.models.engine import ProcessInstance

CANCELLED = "cancelled"
REASON_MAX = 2000


def cancel(session: Session, instance_id: int, *, reason: str, actor: str,
           resources: dict | None = None) -> ProcessInstance:
    """Terminate a running instance, recording `reason` in its data (`cancellation`) and the
    audit trail; its work items and timers are removed. Refused for a finished instance."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写终止理由 / a reason is required to cancel a process")
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"终止理由过长 / the reason is longer than {REASON_MAX} characters")
    instance = lock_instance(session, instance_id)
    if instance.status != "running":
        raise Conflict(f"流程实例 {instance_id} 已结束（{instance.status}），不能终止 / "
                       f"instance {instance_id} is {instance.status}: only a running one can be cancelled")
    step = open_step(session, instance, actor=actor, resources=resources)
    late = fire_late_timers(step)
    if step.workflow.is_completed():  # the due timers ended it: they are kept, the cancel refused
        raise too_late(step, "终止流程 / cancel", late)
    record = {"reason": reason, "by": actor, "at": step.now.isoformat()}
    try:
        ended = advance(step, lambda wf: _terminate(wf, record, step.budget))
        return save(step, "engine.cancelled", {"reason": reason, "tasks": ended,
                                               **({"timers": sorted(late)} if late else {})},
                    ended=CANCELLED)
    except BudgetExceeded as exc:
        record_incident(session, key=instance.key, instance_id=instance.id, error=exc, actor=actor)
        raise


def _terminate(workflow: BpmnWorkflow, record: dict[str, Any], budget) -> list[str]:
    """Keep the data the open tasks held, then cancel every unfinished task (subprocesses too)."""
    data = current_data(workflow)
    open_specs = sorted({t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)
                         if getattr(t.task_spec, "bpmn_id", None)})
    for name in open_specs:
        budget.task(name)
    workflow.cancel()
    workflow.data.update(data)
    workflow.data["cancellation"] = {**record, "open_tasks": open_specs}
    return open_specs
