"""Per version: instances running on it and where they wait; bulk migration (preview, apply)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from casework.engine.model.deploy import list_versions
from casework.engine.run.migrate import migrate, preview_migration
from casework.engine.run.runtime import latest_version
from casework.errors import CaseworkError
from casework.models.engine import ProcessInstance, WorkItem
from casework.models.modeling import ModelDraft
from casework.services.modeling.diff import diff_xml

if TYPE_CHECKING:
    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork

MAX_BULK = 500


def models_page(uow: UnitOfWork, *, actor: Actor) -> list[dict]:
    """Every model: its versions (running instances, where they wait) and its draft if any."""
    actor.require("manager", "admin")
    with uow:
        s = uow.session
        running = dict(s.execute(select(ProcessInstance.model_version_id, func.count())
                                 .where(ProcessInstance.status == "running")
                                 .group_by(ProcessInstance.model_version_id)).all())
        waits: dict[int, dict[str, int]] = {}
        for vid, spec, n in s.execute(
                select(ProcessInstance.model_version_id, WorkItem.task_spec, func.count())
                .join(WorkItem, WorkItem.instance_id == ProcessInstance.id)
                .where(ProcessInstance.status == "running")
                .group_by(ProcessInstance.model_version_id, WorkItem.task_spec)):
            waits.setdefault(vid, {})[spec] = n
        drafts = {d.key: d for d in s.scalars(select(ModelDraft))}
        models: dict[str, dict] = {}
        for v in list_versions(s):
            model = models.setdefault(v.key, {"key": v.key, "versions": [], "draft": None})
            model["versions"].append({"version": v.version, "deployed_by": v.deployed_by,
                                      "deployed_at": v.deployed_at, "running": running.get(v.id, 0),
                                      "waits": sorted(waits.get(v.id, {}).items())})
            if v.key in drafts:
                d = drafts[v.key]
                model["draft"] = {"revision": d.revision, "base_version": d.base_version,
                                  "problems": len(d.problems or []), "saved_by": d.saved_by}
        return list(models.values())


def diff_versions(uow: UnitOfWork, *, actor: Actor, key: str, old: int, new: int) -> dict:
    actor.require("manager", "admin", "auditor")
    with uow:
        before, after = latest_version(uow.session, key, old), latest_version(uow.session, key, new)
        return diff_xml(before.bpmn_xml, after.bpmn_xml)


def _running_on(session, key: str, version: int) -> list[int]:
    model = latest_version(session, key, version)
    return list(session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.model_version_id == model.id, ProcessInstance.status == "running")
        .order_by(ProcessInstance.id).limit(MAX_BULK)))


def preview_bulk(uow: UnitOfWork, *, actor: Actor, key: str, from_version: int, to_version: int) -> list[dict]:
    """For each running instance on `from_version`: can it move to `to_version`, and if not why."""
    actor.require("manager", "admin")
    with uow:
        rows = []
        for ident in _running_on(uow.session, key, from_version):
            p = preview_migration(uow.session, ident, to_version)
            rows.append({"instance": ident, "safe": p.safe, "reasons": p.reasons,
                         "changed": p.changed, "removed": p.removed, "added": p.added})
        uow.session.rollback()  # previews open steps: keep nothing
        return rows


def apply_bulk(uow: UnitOfWork, *, actor: Actor, key: str, from_version: int, to_version: int,
               instances: list[int]) -> list[dict]:
    """Move the chosen instances, each in its own transaction with its audit event; refusals listed."""
    actor.require("manager", "admin")
    with uow:
        allowed = set(_running_on(uow.session, key, from_version))
    results = []
    for ident in instances[:MAX_BULK]:
        if ident not in allowed:
            results.append({"instance": ident, "ok": False, "message": "不在该版本上运行 / not running on that version"})
            continue
        try:
            with uow:
                migrate(uow.session, ident, to_version, actor=actor.name)
                uow.commit()
            results.append({"instance": ident, "ok": True, "message": ""})
        except CaseworkError as exc:
            uow.session.rollback()
            results.append({"instance": ident, "ok": False, "message": str(exc)})
    return results
