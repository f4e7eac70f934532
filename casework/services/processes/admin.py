"""Managers deploy new process versions and move running instances between them."""
from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from casework import audit, clock, engine
from casework.engine.run.incidents import list_incidents as list_incidents_of
from casework.engine.run.migrate import migrate, preview_migration
from casework.errors import InvalidInput
from casework.services.modeling.forms import deploy_with_edits

if TYPE_CHECKING:
    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork

MAX_DIAGRAM_BYTES = 2 * 1024 * 1024


def deploy_model(uow: UnitOfWork, *, actor: Actor, key: str, bpmn_xml: bytes) -> dict:
    """Validate and deploy a diagram as the model's next version (identical XML and forms: no-op).

    Forms as every deploy reads them: `forms/` with the modeler's saved edits over it; the edited
    ones used are audited and returned (`edited_forms`: form key -> revision of the edit).
    """
    actor.require("manager", "admin")
    if len(bpmn_xml) > MAX_DIAGRAM_BYTES:
        raise InvalidInput(f"流程图过大 / diagram larger than {MAX_DIAGRAM_BYTES} bytes")
    with uow:
        version, edited, new = deploy_with_edits(uow.session, key, bpmn_xml, actor=actor.name)
        if new:
            audit.record(uow.session, actor.name, "model.deploy", f"model:{key}",
                         {"version": version.version, "edited_forms": edited})
        uow.commit()
        return {"key": version.key, "version": version.version, "sha256": version.sha256,
                "new": new, "edited_forms": edited}


def list_models(uow: UnitOfWork, *, actor: Actor, key: str | None = None) -> list[dict]:
    """Every deployed version (of `key`, or of all models)."""
    actor.require("manager", "admin", "auditor")
    with uow:
        return [{"key": v.key, "version": v.version, "sha256": v.sha256[:12],
                 "deployed_by": v.deployed_by, "deployed_at": v.deployed_at.isoformat()}
                for v in engine.list_versions(uow.session, key)]


def migrate_instance(uow: UnitOfWork, *, actor: Actor, instance_id: int, to_version: int,
                     apply: bool = False) -> dict:
    """Preview (default) or apply moving a running instance to another version."""
    actor.require("manager", "admin")
    with uow:
        preview = preview_migration(uow.session, instance_id, to_version)
        result = {**asdict(preview), "safe": preview.safe, "applied": False}
        if apply:
            migrate(uow.session, instance_id, to_version, actor=actor.name)
            uow.commit()
            result["applied"] = True
        return result


def list_incidents(uow: UnitOfWork, *, actor: Actor, key: str | None = None, limit: int = 50) -> list[dict]:
    """Steps refused for going over their budget, newest first (the manager's list)."""
    actor.require("manager", "admin", "auditor")
    with uow:
        return [{"id": i.id, "at": clock.format_local(i.created_at), "key": i.key, "instance": i.instance_id,
                 "element": i.element, "limit": i.limit, "actor": i.actor, "message": i.message}
                for i in list_incidents_of(uow.session, key=key, limit=limit)]
