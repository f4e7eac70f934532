"""Engine steps: each one loads an instance, acts, saves it under a revision check, re-derives rows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable
from uuid import UUID

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm.exc import StaleDataError
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from casework import audit, clock
from casework.engine.derive import current_data, human_tasks, waiting_timers
from casework.engine.errors import ExpressionFailed, ExpressionRejected
from casework.engine.forms import check_form_data
from casework.engine.prune import compact, maybe_compact
from casework.engine.scripting import SafeScriptEngine, StepContext
from casework.engine.serializer import SPECS, Specs, VersionEntry, dump_state, load_workflow, new_workflow
from casework.errors import CaseworkError, Conflict, InvalidInput, NotFound, PermissionDenied
from casework.models.engine import NO_DUE, ModelVersion, ProcessInstance, Timer, WorkItem

if TYPE_CHECKING:
    from sqlalchemy.orm import Session
    from SpiffWorkflow.bpmn import BpmnWorkflow


class StepFailed(CaseworkError):
    """The diagram could not advance (a failed expression, a missing variable, ...)."""

    status = 422


@dataclass
class Step:
    """One engine step in progress: the instance row, its workflow and who acts."""

    session: Session
    instance: ProcessInstance
    workflow: BpmnWorkflow
    actor: str
    now: datetime
    fresh: bool = False  # no rows yet (a new instance)
    refresh: bool = False  # rewrite kept rows too (after a migration)


def version_entry(session: Session, version_id: int) -> VersionEntry:
    """The cached, restored version (one small query for its sha; the spec JSON only on a miss)."""
    sha = session.scalar(select(ModelVersion.sha256).where(ModelVersion.id == version_id))
    return SPECS.get((version_id, sha), lambda: session.execute(
        select(ModelVersion.spec_json, ModelVersion.forms).where(ModelVersion.id == version_id)).one())


def specs_for(session: Session, version_id: int) -> Specs:
    return version_entry(session, version_id).specs


def latest_version(session: Session, key: str, version: int | None = None) -> ModelVersion:
    query = select(ModelVersion).where(ModelVersion.key == key)
    query = query.where(ModelVersion.version == version) if version else query.order_by(ModelVersion.version.desc())
    found = session.scalars(query.limit(1)).first()
    if found is None:
        raise NotFound(f"流程模型 {key}{' v' + str(version) if version else ''} 未部署 / "
                       f"process model {key}{' v' + str(version) if version else ''} is not deployed")
    return found


def get_instance(session: Session, instance_id: int) -> ProcessInstance:
    found = session.get(ProcessInstance, instance_id)
    if found is None:
        raise NotFound(f"流程实例 {instance_id} 不存在 / process instance {instance_id} not found")
    return found


def _engine(session, instance, actor, resources, now) -> SafeScriptEngine:
    return SafeScriptEngine(StepContext(session, instance, actor, resources if resources is not None else {}, now))


def open_step(session: Session, instance: ProcessInstance, *, actor: str,
              resources: dict | None = None, expected_revision: int | None = None) -> Step:
    """Load a running instance's workflow for one step."""
    if instance.status != "running":
        raise Conflict(f"流程实例 {instance.id} 状态为 {instance.status} / instance {instance.id} is {instance.status}")
    if expected_revision is not None and instance.revision != expected_revision:
        raise Conflict(f"流程实例 {instance.id} 已被他人更新（版本 {instance.revision}） / "
                       f"instance {instance.id} changed (revision {instance.revision}, expected {expected_revision})")
    now = clock.now()
    engine = _engine(session, instance, actor, resources, now)
    workflow = load_workflow(instance.state, specs_for(session, instance.model_version_id), engine)
    return Step(session, instance, workflow, actor, now)


def advance(step: Step, act: Callable[[BpmnWorkflow], Any]) -> Any:
    """Run `act` then the engine steps, turning diagram failures into one clear error."""
    try:
        result = act(step.workflow)
        step.workflow.do_engine_steps(did_complete_task=lambda task: maybe_compact(step.workflow))
        return result
    except CaseworkError:
        raise
    except SpiffWorkflowException as exc:
        inner = getattr(exc, "exception", None)
        if isinstance(inner, CaseworkError):
            raise inner from None
        element = getattr(getattr(exc, "task_spec", None), "bpmn_id", None) or "?"
        raise StepFailed(f"流程在元素 {element} 处出错：{exc} / the process failed at element {element}: {exc}") from None


def save(step: Step, action: str, details: dict[str, Any]) -> ProcessInstance:
    """Persist the step: revision-checked UPDATE, re-derived rows, one audit event."""
    instance, workflow, session = step.instance, step.workflow, step.session
    compact(workflow)
    instance.state = dump_state(workflow)
    instance.data = current_data(workflow)
    instance.updated_at = step.now
    if workflow.is_completed():
        instance.status, instance.completed_at = "completed", step.now
    instance_id = instance.id
    try:
        session.flush()  # UPDATE ... WHERE id = ? AND revision = ?
    except StaleDataError:
        raise Conflict(f"流程实例 {instance_id} 已被他人更新 / "
                       f"instance {instance_id} was changed by someone else") from None
    sync_rows(session, instance, workflow, step.now, fresh=step.fresh, refresh=step.refresh)
    audit.record(session, step.actor, action, f"instance:{instance.id}",
                 {"key": instance.key, "revision": instance.revision, "status": instance.status, **details})
    return instance


def sync_rows(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow | None,
              now: datetime, *, fresh: bool = False, refresh: bool = False) -> None:
    """Re-derive the instance's work items and timers: delete what went, insert what came."""
    running = workflow is not None and instance.status == "running"
    want_items = human_tasks(workflow) if running else {}
    want_timers = waiting_timers(workflow) if running else {}
    have_items = {} if fresh else dict(session.execute(
        select(WorkItem.task_id, WorkItem.id).where(WorkItem.instance_id == instance.id)).all())
    have_timers = {} if fresh else dict(session.execute(
        select(Timer.task_id, Timer.id).where(Timer.instance_id == instance.id)).all())
    gone = [wid for tid, wid in have_items.items() if tid not in want_items]
    if gone:
        session.execute(delete(WorkItem).where(WorkItem.id.in_(gone)))
    new = [h for tid, h in want_items.items() if tid not in have_items]
    if new:
        session.execute(insert(WorkItem), [{
            "instance_id": instance.id, "task_id": h.task_id, "task_spec": h.task_spec, "key": instance.key,
            "title": h.title, "role": h.role, "form_key": h.form_key,
            "unit_id": instance.unit_id, "jurisdiction_id": instance.jurisdiction_id,
            "case_ref": instance.case_ref, "created_at": now, "due_at": h.due_at,
            "sort_at": h.due_at or NO_DUE} for h in new])
    for tid in set(want_items) & set(have_items) if refresh else ():
        h = want_items[tid]
        session.execute(update(WorkItem).where(WorkItem.id == have_items[tid]).values(
            task_spec=h.task_spec, title=h.title, role=h.role, form_key=h.form_key, due_at=h.due_at,
            sort_at=h.due_at or NO_DUE))
    gone = [tid for tid, t in have_timers.items() if tid not in want_timers]
    if gone:
        session.execute(delete(Timer).where(Timer.id.in_([have_timers[t] for t in gone])))
    new_timers = [t for tid, t in want_timers.items() if tid not in have_timers]
    if new_timers:
        session.execute(insert(Timer), [{"instance_id": instance.id, "task_id": t.task_id, "name": t.name,
                                         "due_at": t.due_at} for t in new_timers])
    for tid in set(want_timers) & set(have_timers):  # a cycle timer moves its due time
        session.execute(update(Timer).where(Timer.id == have_timers[tid], Timer.due_at != want_timers[tid].due_at)
                        .values(due_at=want_timers[tid].due_at))


def _check_start_data(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidInput("流程数据须为对象 / process data must be an object")
    bad = [k for k in data if not isinstance(k, str) or not k.isidentifier() or k.startswith("_")]
    if bad:
        raise InvalidInput(f"变量名不合法：{bad[0]!r} / invalid variable name {bad[0]!r}")
    return dict(data)


def start(session: Session, key: str, *, data: dict, actor: str, case_ref: str | None = None,
          unit_id: int | None = None, jurisdiction_id: int | None = None, version: int | None = None,
          resources: dict | None = None) -> ProcessInstance:
    """Start an instance of the latest (or the given) version of `key` and run it to its first wait."""
    data = _check_start_data(data)
    model = latest_version(session, key, version)
    now = clock.now()
    instance = ProcessInstance(model_version_id=model.id, key=key, status="running", state="", data={},
                               case_ref=case_ref, unit_id=unit_id, jurisdiction_id=jurisdiction_id,
                               created_at=now, updated_at=now)
    session.add(instance)
    session.flush()
    engine = _engine(session, instance, actor, resources, now)
    workflow = new_workflow(specs_for(session, model.id), engine)
    step = Step(session, instance, workflow, actor, now, fresh=True)

    def seed(wf):
        for task in wf.get_tasks(state=TaskState.READY):
            task.data.update(data)
    advance(step, seed)
    return save(step, "engine.start", {"version": model.version, "case_ref": case_ref})


def complete(session: Session, work_item_id: int, data: dict, *, actor: str, roles: set[str],
             unit_id: int | None = None, expected_revision: int | None = None,
             resources: dict | None = None) -> ProcessInstance:
    """Complete a READY user task with form data, as a user holding the lane's role."""
    item = session.get(WorkItem, work_item_id)
    if item is None:
        raise Conflict(f"待办 {work_item_id} 已办结或不存在 / work item {work_item_id} was already completed or does not exist")
    check_may_act(item, actor=actor, roles=roles, unit_id=unit_id)
    if item.assignee and item.assignee != actor:
        raise Conflict(f"待办已由 {item.assignee} 签收 / work item is claimed by {item.assignee}")
    instance = get_instance(session, item.instance_id)
    check_form_data(version_entry(session, instance.model_version_id), item.form_key, data)
    step = open_step(session, instance, actor=actor, resources=resources, expected_revision=expected_revision)
    task_id = UUID(item.task_id)

    def run(wf):
        task = wf.get_task_from_id(task_id)
        if task is None or not task.has_state(TaskState.READY):
            raise Conflict(f"任务 {item.task_spec} 已不可办理 / task {item.task_spec} is no longer ready")
        task.data.update(data)
        task.run()
    advance(step, run)
    return save(step, "engine.complete", {"work_item": work_item_id, "task": item.task_spec,
                                          "fields": sorted(data)})


def check_may_act(item: WorkItem, *, actor: str, roles: set[str], unit_id: int | None) -> None:
    """The lane's role, and for the unit lane the user's own unit."""
    if item.role not in set(roles or ()):
        raise PermissionDenied(f"需要角色 {item.role} / role {item.role} required")
    if item.role == "unit" and (unit_id is None or unit_id != item.unit_id):
        raise PermissionDenied("只能办理本单位的待办 / only your own unit's work items")


def send_message(session: Session, instance_id: int, message_name: str, payload: dict, *,
                 actor: str, resources: dict | None = None) -> ProcessInstance:
    """Deliver a message to one instance (correlation is by instance id)."""
    payload = _check_start_data(payload)
    instance = get_instance(session, instance_id)
    step = open_step(session, instance, actor=actor, resources=resources)

    def deliver(wf):
        waiting = [t for t in wf.event_manager.tasks.values()
                   if t.has_state(TaskState.WAITING)
                   and isinstance(getattr(t.task_spec, "event_definition", None), MessageEventDefinition)
                   and t.task_spec.event_definition.name == message_name]
        if not waiting:
            raise Conflict(f"流程实例 {instance_id} 未在等待消息 {message_name} / "
                           f"instance {instance_id} is not waiting for message {message_name}")
        definition = waiting[0].task_spec.event_definition
        for task in waiting:
            if getattr(task.task_spec.event_definition, "message_var", None) is None:
                task.data.update(payload)
        wf.catch(BpmnEvent(definition, payload=dict(payload)))
    advance(step, deliver)
    return save(step, "engine.message", {"message": message_name, "fields": sorted(payload)})


def fail_instance(session: Session, instance: ProcessInstance, message: str, *, actor: str) -> None:
    """Mark an instance as failed (its rows removed) so sweeps stop retrying it."""
    instance.status, instance.error, instance.updated_at = "error", message[:4000], clock.now()
    session.flush()
    sync_rows(session, instance, None, instance.updated_at)
    audit.record(session, actor, "engine.error", f"instance:{instance.id}", {"error": message[:500]})


__all__ = ["ExpressionFailed", "ExpressionRejected", "StepFailed", "complete", "get_instance",
           "send_message", "start"]
