"""Engine steps: each one loads an instance, acts, saves it under a revision check, re-derives rows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable
from uuid import UUID

from sqlalchemy import bindparam, delete, select
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from casework import audit, clock
from casework.engine.run.derive import EMPTY, Derived, current_data, derive
from casework.engine.model.forms import check_form_data
from casework.engine.run.prune import compact, maybe_compact
from casework.engine.expressions.scripting import SafeScriptEngine, StepContext
from casework.engine.model.serializer import SPECS, Specs, VersionEntry, dump_state, load_workflow, new_workflow
from casework.engine.run.store import write_instance, write_rows
from casework.errors import CaseworkError, Conflict, InvalidInput, NotFound, PermissionDenied
from casework.models.engine import ModelVersion, ProcessInstance, Timer, WorkItem

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
    before: Derived = EMPTY  # the rows as the loaded state implied them
    refresh: bool = False  # rewrite kept rows too (after a migration)
    model_version_id: int | None = None  # set by a migration


def version_entry(session: Session, version_id: int, sha: str | None = None) -> VersionEntry:
    """The cached, restored version (one small query for its sha; the spec JSON only on a miss)."""
    if sha is None:
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


def open_step(session: Session, instance: ProcessInstance, *, actor: str, resources: dict | None = None,
              expected_revision: int | None = None, version: VersionEntry | None = None) -> Step:
    """Load a running instance's workflow for one step."""
    if instance.status != "running":
        raise Conflict(f"流程实例 {instance.id} 状态为 {instance.status} / instance {instance.id} is {instance.status}")
    if expected_revision is not None and instance.revision != expected_revision:
        raise Conflict(f"流程实例 {instance.id} 已被他人更新（版本 {instance.revision}） / "
                       f"instance {instance.id} changed (revision {instance.revision}, expected {expected_revision})")
    now = clock.now()
    engine = _engine(session, instance, actor, resources, now)
    version = version or version_entry(session, instance.model_version_id)
    workflow = load_workflow(instance.state, version.specs, engine)
    return Step(session, instance, workflow, actor, now, before=derive(workflow))


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
    completed = workflow.is_completed()
    write_instance(session, instance, {
        "state": dump_state(workflow), "data": current_data(workflow),
        "status": "completed" if completed else instance.status, "updated_at": step.now,
        "completed_at": step.now if completed else instance.completed_at,
        "model_version_id": step.model_version_id or instance.model_version_id})
    after = derive(workflow) if instance.status == "running" else EMPTY
    write_rows(session, instance, step.before, after, step.now, refresh=step.refresh)
    audit.record(session, step.actor, action, f"instance:{instance.id}",
                 {"key": instance.key, "revision": instance.revision, "status": instance.status, **details})
    return instance


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
    step = Step(session, instance, workflow, actor, now)

    def seed(wf):
        for task in wf.get_tasks(state=TaskState.READY):
            task.data.update(data)
    advance(step, seed)
    return save(step, "engine.start", {"version": model.version, "case_ref": case_ref})


_COMPLETE_QUERY = (  # built once: SQLAlchemy memoizes its cache key
    select(WorkItem.__table__, ProcessInstance, ModelVersion.sha256)
    .join(ProcessInstance, ProcessInstance.id == WorkItem.instance_id)
    .join(ModelVersion, ModelVersion.id == ProcessInstance.model_version_id)
    .where(WorkItem.id == bindparam("item_id")))


def complete(session: Session, work_item_id: int, data: dict, *, actor: str, roles: set[str],
             unit_id: int | None = None, expected_revision: int | None = None,
             resources: dict | None = None) -> ProcessInstance:
    """Complete a READY user task with form data, as a user holding the lane's role."""
    row = session.execute(_COMPLETE_QUERY, {"item_id": work_item_id}).first()
    if row is None:
        raise Conflict(f"待办 {work_item_id} 已办结或不存在 / work item {work_item_id} was already completed or does not exist")
    item, instance, sha = row, row.ProcessInstance, row.sha256
    check_may_act(item, actor=actor, roles=roles, unit_id=unit_id)
    if item.assignee and item.assignee != actor:
        raise Conflict(f"待办已由 {item.assignee} 签收 / work item is claimed by {item.assignee}")
    version = version_entry(session, instance.model_version_id, sha)
    check_form_data(version, item.form_key, data)
    step = open_step(session, instance, actor=actor, resources=resources, expected_revision=expected_revision,
                     version=version)
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
    session.execute(delete(WorkItem).where(WorkItem.instance_id == instance.id))
    session.execute(delete(Timer).where(Timer.instance_id == instance.id))
    audit.record(session, actor, "engine.error", f"instance:{instance.id}", {"error": message[:500]})

