"""Engine steps: each one loads an instance, acts, saves it under a revision check, re-derives rows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable
from uuid import UUID

from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import SQLAlchemyError
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from casework import audit, clock
from casework.engine.budget import LIMITS, StepBudget
from casework.engine.errors import BudgetExceeded
from casework.engine.expressions.functions import DEFAULT_FUNCTIONS
from casework.engine.expressions.scripting import SafeScriptEngine, StepContext
from casework.engine.model.forms import check_form_data
from casework.engine.model.serializer import SPECS, Specs, VersionEntry, dump_state, load_workflow, new_workflow
from casework.engine.run.derive import EMPTY, Derived, current_data, derive
from casework.engine.run.firing import due_timer_ids, fire_timers
from casework.engine.run.incidents import after_rollback, record_incident
from casework.engine.run.prune import compact, maybe_compact
from casework.engine.run.store import write_instance, write_rows
from casework.engine.values import check_plain
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
    budget: StepBudget
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


def new_budget(resources: dict | None) -> StepBudget:
    """The step's budget; the container may pass other limits as `resources["limits"]`."""
    return StepBudget((resources or {}).get("limits") or LIMITS)


def _engine(session, instance, actor, resources, now, budget) -> SafeScriptEngine:
    """The script engine of one step; expressions call the container's helpers (`resources["functions"]`)."""
    resources = resources if resources is not None else {}
    return SafeScriptEngine(StepContext(session, instance, actor, resources, now, budget,
                                        resources.get("functions") or DEFAULT_FUNCTIONS))


_LOCKED = select(ProcessInstance).where(ProcessInstance.id == bindparam("iid")).with_for_update()


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def lock_instance(session: Session, instance_id: int) -> ProcessInstance:
    """The instance row, locked for this step (PostgreSQL: FOR UPDATE; SQLite: BEGIN IMMEDIATE
    already serialises writers). A second step on it waits, then sees the first one's result."""
    if not is_postgres(session):
        return get_instance(session, instance_id)
    found = session.scalars(_LOCKED, {"iid": instance_id}, execution_options={"populate_existing": True}).first()
    if found is None:
        raise NotFound(f"流程实例 {instance_id} 不存在 / process instance {instance_id} not found")
    return found


def open_step(session: Session, instance: ProcessInstance, *, actor: str, resources: dict | None = None,
              expected_revision: int | None = None, version: VersionEntry | None = None) -> Step:
    """Load a running instance's workflow for one step."""
    if instance.status != "running":
        raise Conflict(f"流程实例 {instance.id} 状态为 {instance.status} / instance {instance.id} is {instance.status}")
    if expected_revision is not None and instance.revision != expected_revision:
        raise Conflict(f"流程实例 {instance.id} 已被他人更新（版本 {instance.revision}） / "
                       f"instance {instance.id} changed (revision {instance.revision}, expected {expected_revision})")
    now = clock.now()
    budget = new_budget(resources)
    engine = _engine(session, instance, actor, resources, now, budget)
    version = version or version_entry(session, instance.model_version_id)
    workflow = load_workflow(instance.state, version.specs, engine)
    return Step(session, instance, workflow, actor, now, budget, before=derive(workflow))


def _element(task: Any) -> str:
    return getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name


def advance(step: Step, act: Callable[[BpmnWorkflow], Any]) -> Any:
    """Run `act` then the engine steps within the step's budget; failures become one clear error."""
    budget = step.budget

    def will_run(task) -> None:
        budget.task(_element(task))
        spec = task.task_spec
        if isinstance(spec, MultiInstanceTask) and spec.data_input is not None:
            collection = task.data.get(spec.data_input.bpmn_id)
            if isinstance(collection, (list, tuple, dict, str)):
                budget.instances(len(collection))

    try:
        result = act(step.workflow)
        step.workflow.do_engine_steps(will_complete_task=will_run,
                                      did_complete_task=lambda task: maybe_compact(step.workflow))
        return result
    except CaseworkError:
        raise
    except SpiffWorkflowException as exc:
        inner = getattr(exc, "exception", None)
        if isinstance(inner, CaseworkError):
            raise inner from None
        element = getattr(getattr(exc, "task_spec", None), "bpmn_id", None) or budget.element or "?"
        raise StepFailed(f"流程在元素 {element} 处出错：{_short(exc)} / the process failed at element {element}: "
                         f"{_short(exc)}") from None
    except SQLAlchemyError:
        raise
    except Exception as exc:  # anything else the library raises inside a step names the element too
        element = _element_of(exc) or budget.element or "?"
        raise StepFailed(f"流程在元素 {element} 处出错：{_short(exc)} / the process failed at element {element}: "
                         f"{_short(exc)}") from None


def _element_of(exc: BaseException) -> str | None:
    """The element whose task the library was handling when it raised (innermost frame first)."""
    tb, found = exc.__traceback__, None
    while tb is not None:
        for name in ("my_task", "task"):
            spec = getattr(tb.tb_frame.f_locals.get(name), "task_spec", None)
            if spec is not None:
                found = getattr(spec, "bpmn_id", None) or getattr(spec, "name", None) or found
        tb = tb.tb_next
    return found


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{exc.__class__.__name__}: {text[:300]}" if not isinstance(exc, SpiffWorkflowException) else text[:300]


def save(step: Step, action: str, details: dict[str, Any], *, ended: str = "completed") -> ProcessInstance:
    """Persist the step: revision-checked UPDATE, re-derived rows, one audit event (a finished
    workflow gets status `ended`: completed, or cancelled by `run.cancel`)."""
    instance, workflow, session = step.instance, step.workflow, step.session
    compact(workflow)
    completed = workflow.is_completed()
    state, data = _dump(step)
    write_instance(session, instance, {
        "state": state, "data": data,
        "status": ended if completed else instance.status, "updated_at": step.now,
        "completed_at": step.now if completed else instance.completed_at,
        "model_version_id": step.model_version_id or instance.model_version_id})
    after = derive(workflow) if instance.status == "running" else EMPTY
    write_rows(session, instance, step.before, after, step.now, refresh=step.refresh)
    audit.record(session, step.actor, action, f"instance:{instance.id}",
                 {"key": instance.key, "revision": instance.revision, "status": instance.status, **details})
    return instance


def _dump(step: Step) -> tuple[str, dict[str, Any]]:
    """The state and data to store, inside the budget and storable alike on both databases."""
    try:
        state = dump_state(step.workflow)
        data = current_data(step.workflow)
    except ValueError as exc:  # NaN/Infinity (json allow_nan=False)
        where = step.budget.element or "?"
        raise StepFailed(f"元素 {where}：数据含非有限数 / element {where}: the data holds a non-finite number "
                         f"({exc})") from None
    step.budget.state(len(state))
    try:
        state.encode("utf-8")
    except UnicodeEncodeError:
        where = step.budget.element or "?"
        raise StepFailed(f"元素 {where}：数据含无效的 Unicode / element {where}: the data holds invalid Unicode") from None
    return state, data


def _check_start_data(data: Any, where: str = "data") -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidInput("流程数据须为对象 / process data must be an object")
    bad = [k for k in data if not isinstance(k, str) or not k.isidentifier() or k.startswith("_")]
    if bad:
        raise InvalidInput(f"变量名不合法：{bad[0]!r} / invalid variable name {bad[0]!r}")
    check_plain(data, where)
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
    budget = new_budget(resources)
    engine = _engine(session, instance, actor, resources, now, budget)
    workflow = new_workflow(specs_for(session, model.id), engine)
    step = Step(session, instance, workflow, actor, now, budget)

    def seed(wf):
        for task in wf.get_tasks(state=TaskState.READY):
            task.data.update(data)
    try:
        advance(step, seed)
        return save(step, "engine.start", {"version": model.version, "case_ref": case_ref})
    except BudgetExceeded as exc:
        record_incident(session, key=key, instance_id=None, error=exc, actor=actor)
        raise


_COMPLETE_QUERY = (  # built once: SQLAlchemy memoizes its cache key
    select(WorkItem.__table__, ProcessInstance, ModelVersion.sha256)
    .join(ProcessInstance, ProcessInstance.id == WorkItem.instance_id)
    .join(ModelVersion, ModelVersion.id == ProcessInstance.model_version_id)
    .where(WorkItem.id == bindparam("item_id")))
# PostgreSQL: the instance row is locked as the step starts, so a second step on the same
# instance waits and then finds the item gone, before any action ran.
_COMPLETE_QUERY_LOCKED = _COMPLETE_QUERY.with_for_update(of=ProcessInstance.__table__)


def complete(session: Session, work_item_id: int, data: dict, *, actor: str, roles: set[str],
             unit_id: int | None = None, expected_revision: int | None = None,
             resources: dict | None = None) -> ProcessInstance:
    """Complete a READY user task with form data, as a user holding the lane's role."""
    if is_postgres(session):
        row = session.execute(_COMPLETE_QUERY_LOCKED, {"item_id": work_item_id},
                              execution_options={"populate_existing": True}).first()
    else:
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
    late = fire_late_timers(step)

    def run(wf):
        task = wf.get_task_from_id(task_id)
        if task is None or not task.has_state(TaskState.READY):
            if late:
                raise too_late(step, item.task_spec, late)
            raise Conflict(f"任务 {item.task_spec} 已不可办理 / task {item.task_spec} is no longer ready")
        step.budget.task(item.task_spec)
        task.data.update(data)
        task.run()
    try:
        advance(step, run)
        return save(step, "engine.complete", {"work_item": work_item_id, "task": item.task_spec,
                                              "fields": sorted(data), **({"timers": sorted(late)} if late else {})})
    except BudgetExceeded as exc:
        record_incident(session, key=instance.key, instance_id=instance.id, error=exc, actor=actor)
        raise


def check_may_act(item: WorkItem, *, actor: str, roles: set[str], unit_id: int | None) -> None:
    """The lane's role, and for the unit lane the user's own unit."""
    if item.role not in set(roles or ()):
        raise PermissionDenied(f"需要角色 {item.role} / role {item.role} required")
    if item.role == "unit" and (unit_id is None or unit_id != item.unit_id):
        raise PermissionDenied("只能办理本单位的待办 / only your own unit's work items")


def send_message(session: Session, instance_id: int, message_name: str, payload: dict, *,
                 actor: str, resources: dict | None = None) -> ProcessInstance:
    """Deliver a message to one instance (correlation is by instance id)."""
    payload = _check_start_data(payload, "payload")
    instance = lock_instance(session, instance_id)
    step = open_step(session, instance, actor=actor, resources=resources)
    late = fire_late_timers(step)

    def deliver(wf):
        waiting = [t for t in wf.event_manager.tasks.values()
                   if t.has_state(TaskState.WAITING)
                   and isinstance(getattr(t.task_spec, "event_definition", None), MessageEventDefinition)
                   and t.task_spec.event_definition.name == message_name]
        if not waiting:
            if late:
                raise too_late(step, f"message {message_name}", late)
            raise Conflict(f"流程实例 {instance_id} 未在等待消息 {message_name} / "
                           f"instance {instance_id} is not waiting for message {message_name}")
        definition = waiting[0].task_spec.event_definition
        for task in waiting:
            if getattr(task.task_spec.event_definition, "message_var", None) is None:
                task.data.update(payload)
        wf.catch(BpmnEvent(definition, payload=dict(payload)))
    try:
        advance(step, deliver)
        return save(step, "engine.message", {"message": message_name, "fields": sorted(payload),
                                             **({"timers": sorted(late)} if late else {})})
    except BudgetExceeded as exc:
        record_incident(session, key=instance.key, instance_id=instance.id, error=exc, actor=actor)
        raise


def fire_late_timers(step: Step) -> set[str]:
    """Before a step acts, the instance's timers due by the clock fire (a deadline passed while
    no sweep ran is still a deadline passed); the act then meets the process as it is now."""
    due = due_timer_ids(step.before, step.now)
    if due:
        advance(step, lambda wf: fire_timers(wf, due, step.now))
    return due


class TooLate(Conflict):
    """The act came after a deadline: the due timers fired first and closed it."""


def too_late(step: Step, what: str, late: set[str]) -> TooLate:
    """Keep the fired timers (in their own transaction), refuse the act."""
    instance_id, actor = step.instance.id, step.actor
    names = sorted({t.name for tid, t in step.before.timers.items() if tid in late})
    resources = step.workflow.script_engine.step.resources

    def keep(side: Session) -> None:
        again = open_step(side, lock_instance(side, instance_id), actor=actor, resources=resources)
        due = fire_late_timers(again)
        save(again, "engine.timer", {"timers": sorted(due), "fired": len(due), "before": what})
    after_rollback(step.session, keep)
    return TooLate(f"期限已过（{', '.join(names)}），{what} 已不可办理，流程已按逾期处理 / the deadline passed "
                   f"({', '.join(names)}): {what} can no longer be done; the process took its missed-deadline path")


def fail_instance(session: Session, instance: ProcessInstance, message: str, *, actor: str) -> None:
    """Mark an instance as failed (its rows removed) so sweeps stop retrying it."""
    instance.status, instance.error, instance.updated_at = "error", message[:4000], clock.now()
    session.flush()
    session.execute(delete(WorkItem).where(WorkItem.instance_id == instance.id))
    session.execute(delete(Timer).where(Timer.instance_id == instance.id))
    audit.record(session, actor, "engine.error", f"instance:{instance.id}", {"error": message[:500]})

