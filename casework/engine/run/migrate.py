"""Moving a running instance to another version of its model: previewed, refused when unsafe."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, DurationTimerEventDefinition
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from casework.engine.run.runtime import advance, get_instance, latest_version, open_step, save, specs_for
from casework.engine.model.serializer import registry
from casework.errors import Conflict, RuleViolation
from casework.models.engine import ModelVersion

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.models.engine import ProcessInstance

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


@dataclass
class MigrationPreview:
    """What moving an instance to `to_version` would change, and why it may be refused."""

    instance_id: int
    from_version: int
    to_version: int
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def safe(self) -> bool:
        return not self.reasons


def _name(task) -> str:
    return getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name


def _diff(session: Session, instance: ProcessInstance, to_version: int, step):
    current = session.get(ModelVersion, instance.model_version_id)
    target = latest_version(session, instance.key, to_version)
    spec, subs = specs_for(session, target.id)
    top, sub_diffs = diff_workflow(registry(), step.workflow, spec, subs)
    preview = MigrationPreview(instance.id, current.version, target.version)
    preview.changed = sorted({_name(t) for t in top.changed})
    preview.removed = sorted({_name(t) for t in top.removed})
    for task in top.removed:
        if task.has_state(ACTIVE):
            preview.reasons.append(f"活动任务 {_name(task)} 在 v{target.version} 中已删除 / "
                                   f"active task {_name(task)} no longer exists in v{target.version}")
    for task in step.workflow.get_tasks(state=TaskState.WAITING, skip_subprocesses=True):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, (DurationTimerEventDefinition, CycleTimerEventDefinition)):
            preview.reasons.append(f"计时中的定时器 {_name(task)} 会重新计时 / "
                                   f"running timer {_name(task)} would restart")
    for sp_id, sp_diff in sub_diffs.items():
        if sp_diff is None and not step.workflow.subprocesses[sp_id].completed:
            preview.reasons.append(f"运行中的子流程 {step.workflow.subprocesses[sp_id].spec.name} 已删除 / "
                                   f"running subprocess {step.workflow.subprocesses[sp_id].spec.name} was removed")
        elif sp_diff is not None and any(t.has_state(ACTIVE) for t in sp_diff.removed):
            preview.reasons.append("子流程中的活动任务已删除 / an active task in a subprocess was removed")
    added = {s.bpmn_id for s in spec.task_specs.values() if getattr(s, "bpmn_id", None)}
    preview.added = sorted(added - {getattr(s, "bpmn_id", None) for s in step.workflow.spec.task_specs.values()})
    if target.id == instance.model_version_id:
        preview.reasons.append("已是该版本 / already on that version")
    return preview, target, top, sub_diffs, spec, subs


def preview_migration(session: Session, instance_id: int, to_version: int) -> MigrationPreview:
    """The changes a migration would make; `.safe` is False with `.reasons` when it would be refused."""
    instance = get_instance(session, instance_id)
    step = open_step(session, instance, actor="preview")
    return _diff(session, instance, to_version, step)[0]


def migrate(session: Session, instance_id: int, to_version: int, *, actor: str,
            expected_revision: int | None = None) -> ProcessInstance:
    """Move a running instance to `to_version` of its model, or refuse naming why."""
    instance = get_instance(session, instance_id)
    step = open_step(session, instance, actor=actor, expected_revision=expected_revision)
    preview, target, top, sub_diffs, spec, subs = _diff(session, instance, to_version, step)
    if not preview.safe:
        raise RuleViolation("不能迁移：" + "；".join(preview.reasons) + " / cannot migrate")
    workflow = step.workflow

    def apply(wf):
        migrate_workflow(top, wf, spec)
        for sp_id, sp_diff in sub_diffs.items():
            sp = wf.subprocesses.get(sp_id)
            if sp is not None and sp_diff is not None and sp.spec.name in subs:
                migrate_workflow(sp_diff, sp, subs[sp.spec.name])
        wf.subprocess_specs = subs
    advance(step, apply)
    if workflow.spec is not spec:
        raise Conflict("迁移未生效 / migration did not apply")
    step.model_version_id, step.refresh = target.id, True
    return save(step, "engine.migrate", {"from_version": preview.from_version, "to_version": target.version,
                                         "changed": preview.changed})
