"""The queues: list work items by index with keyset paging; claim and unclaim."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Iterable

from sqlalchemy import and_, or_, select, update

from casework import audit, clock
from casework.engine.run.runtime import check_may_act
from casework.errors import Conflict, NotFound, PermissionDenied
from casework.models.engine import WorkItem

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def list_work_items(session: Session, *, role: str | Iterable[str] | None = None, unit_id: int | None = None,
                    assignee: str | None = None, case_ref: str | None = None,
                    jurisdiction_id: int | None = None, key: str | None = None,
                    after: tuple[datetime, int] | None = None, limit: int = 50) -> list[WorkItem]:
    """Work items sorted by due date (undated last), then id; pass `after=item.cursor` for the next page."""
    query = select(WorkItem)
    if role is not None:
        query = query.where(WorkItem.role == role) if isinstance(role, str) else query.where(WorkItem.role.in_(list(role)))
    for column, value in ((WorkItem.unit_id, unit_id), (WorkItem.assignee, assignee),
                          (WorkItem.case_ref, case_ref), (WorkItem.jurisdiction_id, jurisdiction_id),
                          (WorkItem.key, key)):
        if value is not None:
            query = query.where(column == value)
    if after is not None:
        sort_at, last_id = after
        query = query.where(or_(WorkItem.sort_at > sort_at, and_(WorkItem.sort_at == sort_at, WorkItem.id > last_id)))
    query = query.order_by(WorkItem.sort_at, WorkItem.id).limit(max(1, min(int(limit), 500)))
    return list(session.scalars(query))


def _item(session: Session, work_item_id: int) -> WorkItem:
    item = session.get(WorkItem, work_item_id)
    if item is None:
        raise NotFound(f"待办 {work_item_id} 不存在 / work item {work_item_id} not found")
    return item


def claim(session: Session, work_item_id: int, *, user: str, roles: set[str],
          unit_id: int | None = None) -> WorkItem:
    """Take a work item; someone else's claim is a conflict, one's own is a no-op."""
    item = _item(session, work_item_id)
    check_may_act(item, actor=user, roles=roles, unit_id=unit_id)
    if item.assignee == user:
        return item
    now = clock.now()
    result = session.execute(
        update(WorkItem).where(WorkItem.id == work_item_id, WorkItem.assignee.is_(None))
        .values(assignee=user, claimed_at=now).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.refresh(item)
        raise Conflict(f"待办已由 {item.assignee} 签收 / work item already claimed by {item.assignee}")
    session.refresh(item)
    audit.record(session, user, "engine.claim", f"instance:{item.instance_id}",
                 {"work_item": item.id, "task": item.task_spec})
    return item


def unclaim(session: Session, work_item_id: int, *, user: str, force: bool = False) -> WorkItem:
    """Give a work item back (only its assignee, or `force` for a supervisor)."""
    item = _item(session, work_item_id)
    if item.assignee is None:
        return item
    if item.assignee != user and not force:
        raise PermissionDenied(f"待办由 {item.assignee} 签收 / work item is claimed by {item.assignee}")
    previous = item.assignee
    item.assignee, item.claimed_at = None, None
    session.flush()
    audit.record(session, user, "engine.unclaim", f"instance:{item.instance_id}",
                 {"work_item": item.id, "task": item.task_spec, "was": previous})
    return item
