"""Task queues: list, claim, unclaim and complete work items."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from casework import clock, engine
from casework.errors import PermissionDenied
from casework.models import Case
from casework.models.engine import ModelVersion, ProcessInstance, WorkItem
from casework.services import scope

if TYPE_CHECKING:
    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork


def list_tasks(uow: UnitOfWork, *, actor: Actor, role: str | None = None,
               case_ref: str | None = None, limit: int = 50) -> list[dict]:
    """Open tasks `actor` may work: in scope (the one rule) and in a lane of their roles."""
    if role and role not in actor.roles:
        raise PermissionDenied(f"无此角色 / you do not have role {role}")
    roles = [role] if role else sorted(actor.roles)
    with uow:
        query = (select(WorkItem).where(actor.where(WorkItem.unit_id, WorkItem.jurisdiction_id),
                                        WorkItem.role.in_(roles))
                 .order_by(WorkItem.sort_at, WorkItem.id).limit(max(1, min(limit, 500))))
        if case_ref:
            query = query.where(WorkItem.case_ref == case_ref)
        items = list(uow.session.scalars(query))
        refs = {w.case_ref for w in items if w.due_at is not None and w.case_ref}
        provisional = set(uow.session.scalars(select(Case.ref).where(
            Case.ref.in_(refs), Case.deadline_provisional.is_(True)))) if refs else set()
        return [{**task_summary(w), "deadline_provisional": w.due_at is not None
                 and w.case_ref in provisional} for w in items]


def claim_task(uow: UnitOfWork, *, actor: Actor, work_item_id: int) -> None:
    with uow:
        scope.work_item(uow.session, actor, work_item_id)
        engine.claim(uow.session, work_item_id, user=actor.name, roles=set(actor.roles),
                     unit_id=actor.unit_id)
        uow.commit()


def unclaim_task(uow: UnitOfWork, *, actor: Actor, work_item_id: int) -> None:
    with uow:
        scope.work_item(uow.session, actor, work_item_id)
        engine.unclaim(uow.session, work_item_id, user=actor.name)
        uow.commit()


def complete_task(uow: UnitOfWork, *, actor: Actor, work_item_id: int,
                  data: dict[str, Any]) -> dict:
    """Complete one task with its form data: one engine step, one transaction."""
    with uow:
        scope.work_item(uow.session, actor, work_item_id)
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


def task_form(uow: UnitOfWork, *, actor: Actor, work_item_id: int) -> dict:
    """A task in the actor's scope with the JSON-Schema form of its deployed model version."""
    with uow:
        item = scope.work_item(uow.session, actor, work_item_id)
        instance = uow.session.get(ProcessInstance, item.instance_id)
        version = uow.session.get(ModelVersion, instance.model_version_id)
        form = (version.forms or {}).get(item.form_key or "", {})
        notes = (instance.data.get("task_notes") or {}).get(item.form_key or "", [])  # guidance the process keeps
        return {**task_summary(item), "form": form, "case_title": instance.data.get("unit_name", ""), "notes": notes,
                "may_act": item.role in actor.roles and (item.role != "unit" or actor.unit_id == item.unit_id)}
