"""Task queues: list, claim, unclaim and complete work items."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from casework import clock, engine
from casework.errors import NotFound, PermissionDenied
from casework.models.engine import WorkItem

if TYPE_CHECKING:
    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork


def list_tasks(uow: UnitOfWork, *, actor: Actor, role: str | None = None,
               case_ref: str | None = None, limit: int = 50) -> list[dict]:
    """Open tasks `actor` may work: unit users their unit's, staff those of their roles."""
    with uow:
        if actor.unit_id is not None:
            items = engine.list_work_items(uow.session, role="unit", unit_id=actor.unit_id,
                                           case_ref=case_ref, limit=limit)
        else:
            roles = [role] if role else sorted(actor.roles - {"unit"})
            if role and role not in actor.roles:
                raise PermissionDenied(f"无此角色 / you do not have role {role}")
            items = []
            for r in roles:
                items += engine.list_work_items(uow.session, role=r, case_ref=case_ref,
                                                jurisdiction_id=actor.jurisdiction_id, limit=limit)
            items.sort(key=lambda w: (w.due_at is None, w.due_at or clock.now(), w.id))
            items = items[:limit]
        return [task_summary(w) for w in items]


def _check_jurisdiction(uow: UnitOfWork, actor: Actor, work_item_id: int) -> None:
    """Staff of one bureau act only on their jurisdiction's work (the engine checks roles)."""
    if actor.jurisdiction_id is None or actor.unit_id is not None:
        return
    item = uow.session.get(WorkItem, work_item_id)
    if item is not None and item.jurisdiction_id not in (None, actor.jurisdiction_id):
        raise NotFound(f"待办不存在 / no such work item: {work_item_id}")


def claim_task(uow: UnitOfWork, *, actor: Actor, work_item_id: int) -> None:
    with uow:
        _check_jurisdiction(uow, actor, work_item_id)
        engine.claim(uow.session, work_item_id, user=actor.name, roles=set(actor.roles))
        uow.commit()


def unclaim_task(uow: UnitOfWork, *, actor: Actor, work_item_id: int) -> None:
    with uow:
        engine.unclaim(uow.session, work_item_id, user=actor.name)
        uow.commit()


def complete_task(uow: UnitOfWork, *, actor: Actor, work_item_id: int,
                  data: dict[str, Any]) -> dict:
    """Complete one task with its form data: one engine step, one transaction."""
    with uow:
        _check_jurisdiction(uow, actor, work_item_id)
        instance = engine.complete(uow.session, work_item_id, data, actor=actor.name,
                                   roles=set(actor.roles), unit_id=actor.unit_id,
                                   resources=uow.resources)
        uow.commit()
        return {"case_ref": instance.case_ref, "status": instance.status}


def task_summary(item) -> dict:
    return {
        "id": item.id, "case_ref": item.case_ref, "name": item.title, "role": item.role,
        "form_key": item.form_key, "unit_id": item.unit_id, "assignee": item.assignee,
        "due_at": clock.format_deadline(item.due_at), "created_at": clock.format_local(item.created_at),
    }
