"""The staff's task queues: views, filters, keyset paging, bulk claim/reassign, saved filters."""
from __future__ import annotations

import base64
import json
from collections import namedtuple
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, bindparam, exists, or_, select, tuple_

from casework import audit, clock, engine
from casework.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from casework.models import Case, ProcessInstance, SavedFilter, User, WorkItem
from casework.models.engine import NO_DUE
from casework.rulebooks import UnknownRulebook, load_rulebook
from casework.services import scope
from casework.storage.db import plain_rows

from casework.services.actor import Actor, values_of

if TYPE_CHECKING:
    from casework.storage.unit_of_work import UnitOfWork

VIEWS = ("mine", "group", "all")
STATUSES = ("", "unclaimed", "claimed", "overdue")
FILTERS = ("process", "task", "jurisdiction", "unit", "case", "status", "provisional")
SUPERVISORS = frozenset({"bureau_head", "admin"})  # may hand over others' tasks
# Process-data keys a deadline's legal basis is read from (the calendar's, else the rule's).
PROVISIONAL_KEY = "deadline_provisional"
# Whether a deadline is provisional (its year's holiday notice not yet out): the calendar's
# Case.deadline_provisional column where the schema has it, else the process-data flag.
CASE_PROVISIONAL = getattr(Case, "deadline_provisional", None)


def _provisional_flag():
    return CASE_PROVISIONAL if CASE_PROVISIONAL is not None else ProcessInstance.data[PROVISIONAL_KEY].as_boolean()


def clean_filters(raw: dict[str, Any]) -> dict[str, Any]:
    """Only known filters, typed; bad values are a clear InvalidInput."""
    out: dict[str, Any] = {}
    for name in FILTERS:
        value = raw.get(name)
        if value in (None, ""):
            continue
        value = str(value).strip()
        if name in ("jurisdiction", "unit"):
            if not value.isdigit():
                raise InvalidInput(f"{name} 须为数字 / {name} must be a number")
            out[name] = int(value)
        elif name == "status":
            if value not in STATUSES:
                raise InvalidInput(f"未知状态 / unknown status: {value}")
            out[name] = value
        elif name == "provisional":
            out[name] = value in ("1", "true", "yes", "on")
        else:
            out[name] = value[:120]
    return out


def encode_cursor(item: WorkItem) -> str:
    raw = json.dumps([clock.as_utc(item.sort_at).isoformat(), item.id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[datetime, int]:
    try:
        padded = text + "=" * (-len(text) % 4)
        at, ident = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return clock.parse_iso(at), int(ident)
    except (ValueError, TypeError):
        raise InvalidInput("分页参数无效 / bad page cursor") from None


# A row's columns: plain values, no ORM objects (a page is read, never changed).
ROW_COLUMNS = (WorkItem.id, WorkItem.instance_id, WorkItem.title, WorkItem.role, WorkItem.key,
               WorkItem.task_spec, WorkItem.form_key, WorkItem.unit_id, WorkItem.jurisdiction_id,
               WorkItem.case_ref, WorkItem.assignee, WorkItem.due_at, WorkItem.sort_at)


def _basis_columns() -> tuple:
    """A row's deadline basis (the calendar's, else the rule's), read from its instance."""
    data = ProcessInstance.data
    if CASE_PROVISIONAL is not None:  # any case of the instance with a provisional deadline
        flag = exists().where(Case.instance_id == ProcessInstance.id, CASE_PROVISIONAL.is_(True))
    else:
        flag = data[PROVISIONAL_KEY].as_boolean()
    return (data["deadline_article"].as_string().label("d_article"),
            data["deadline_source"].as_string().label("d_source"),
            data["article"].as_string().label("b_article"), data["source"].as_string().label("b_source"),
            flag.label("b_provisional"), ProcessInstance.model_version_id.label("model_version_id"))


BASIS_COLUMNS = _basis_columns()  # built once: JSON path expressions are costly to build
# Filters compared for equality, by the column they compare.
VALUE_FILTERS = (("process", WorkItem.key), ("task", WorkItem.task_spec), ("jurisdiction", WorkItem.jurisdiction_id),
                 ("unit", WorkItem.unit_id), ("case", WorkItem.case_ref))


def _basis(item: Any) -> dict:
    return {"article": item.d_article or item.b_article or "", "source": item.d_source or item.b_source or "",
            "provisional": bool(item.b_provisional)}


def queue(uow: UnitOfWork, *, actor: Actor, view: str = "group", filters: dict | None = None,
          after: str | None = None, limit: int = 25) -> dict:
    """One page of the queue, overdue first (due date ascending), then `next` cursor."""
    if view not in VIEWS:
        raise InvalidInput(f"未知视图 / unknown view: {view}")
    f = clean_filters(filters or {})
    limit = max(1, min(int(limit), 100))
    now = clock.now()
    params = {name: f[name] for name, _column in VALUE_FILTERS if name in f}
    if after:
        params["after_at"], params["after_id"] = decode_cursor(after)
    if f.get("status") == "overdue":
        params["now"] = now
    query, page_row = _statement(actor, view, tuple(sorted(params)), f.get("status"), f.get("provisional"), limit)
    with uow:  # plain rows: the session's connection, without the ORM's per-execution work
        items = [page_row._make(r) for r in plain_rows(uow.session.connection(), query, params)]
    more = len(items) > limit
    items = items[:limit]
    today = clock.to_local(now).date()
    return {"rows": [row(w, _basis(w), now, today) for w in items], "next": encode_cursor(items[-1]) if more else None,
            "view": view, "filters": f}


@lru_cache(maxsize=256)
def _statement(actor: Actor, view: str, bound: tuple[str, ...], status: str | None, provisional: bool | None,
               limit: int):
    """The page query for one actor and one shape of filters, built once (the values named in
    `bound` are bound at execution): one query for the page's rows, walked in deadline order
    on an index, then each row's deadline basis from its instance."""
    page = _page(actor, view, bound, status, provisional).limit(limit + 1).subquery()
    query = (select(page, *BASIS_COLUMNS).outerjoin(ProcessInstance, ProcessInstance.id == page.c.instance_id)
             .order_by(page.c.sort_at, page.c.id))
    # Its rows as named tuples: a field is read many times, and cheaply so from a named tuple.
    return query, namedtuple("PageRow", [column.key for column in query.selected_columns])


def _page(actor: Actor, view: str, bound: tuple[str, ...], status: str | None, provisional: bool | None):
    """The work items the actor sees in `view` under the filters, after the cursor, in deadline order."""
    query = select(*ROW_COLUMNS).where(actor.where(WorkItem.unit_id, WorkItem.jurisdiction_id))
    if view == "mine":
        query = query.where(WorkItem.assignee == actor.name)
    elif view == "group" or not actor.roles & SUPERVISORS:
        query = query.where(WorkItem.role.in_(values_of(WorkItem.role, actor.roles)))
    for name, column in VALUE_FILTERS:
        if name in bound:
            query = query.where(column == bindparam(name, type_=column.type))
    if status == "unclaimed":
        query = query.where(WorkItem.assignee.is_(None))
    elif status == "claimed":
        query = query.where(WorkItem.assignee.is_not(None))
    elif status == "overdue":
        query = query.where(WorkItem.sort_at < bindparam("now", type_=WorkItem.sort_at.type))
    if provisional is not None:
        flag = _provisional_flag()
        query = (query.join(Case, Case.ref == WorkItem.case_ref) if CASE_PROVISIONAL is not None
                 else query.join(ProcessInstance, ProcessInstance.id == WorkItem.instance_id))
        query = query.where(flag.is_(True) if provisional else or_(flag.is_(None), flag.is_(False)))
    if "after_at" in bound:
        # A row-value comparison: the database seeks the (.., sort_at, id) index to the cursor.
        cursor = tuple_(bindparam("after_at", type_=WorkItem.sort_at.type), bindparam("after_id", type_=Integer))
        query = query.where(tuple_(WorkItem.sort_at, WorkItem.id) > cursor)
    return query.order_by(WorkItem.sort_at, WorkItem.id)


def deadline_bases(uow: UnitOfWork, instance_ids: list[int]) -> dict[int, dict]:
    """The deadline basis of each instance (a case page's; a queue page reads it in its own query)."""
    if not instance_ids:
        return {}
    data = ProcessInstance.data
    result = uow.session.execute(select(
        ProcessInstance.id, data["deadline_article"].as_string(), data["deadline_source"].as_string(),
        data["article"].as_string(), data["source"].as_string(), _provisional_flag(),
    ).outerjoin(Case, Case.instance_id == ProcessInstance.id).where(ProcessInstance.id.in_(instance_ids)))
    out = {}
    for ident, d_article, d_source, article, source, provisional in result:
        out[ident] = {"article": d_article or article or "", "source": d_source or source or "",
                      "provisional": bool(provisional)}
    return out


@lru_cache(maxsize=64)
def instrument_title(source: str) -> str:
    """The instrument's title for a rulebook code (the files are read once per process)."""
    try:
        return load_rulebook(source).instrument.title if source else ""
    except UnknownRulebook:
        return source


def row(item: Any, basis: dict, now: datetime, today: date | None = None) -> dict:
    """A page row's values from a work item (or a result row with its columns) and its basis;
    `today` is `now`'s local date (a page of rows passes it, worked out once)."""
    due = None if item.due_at is None else clock.as_utc(item.due_at)
    remaining = None
    if due is not None:
        local = due.astimezone(clock.SHANGHAI)
        remaining = (local.date() - (today or clock.to_local(now).date())).days
        if due > now and local.time() == datetime.min.time():
            remaining -= 1  # a deadline ending at 24:00 still has the whole day
    title = instrument_title(basis.get("source", ""))
    article = basis.get("article", "")
    return {
        "id": item.id, "case_ref": item.case_ref, "name": item.title, "role": item.role,
        "process": item.key, "task": item.task_spec, "form_key": item.form_key,
        "unit_id": item.unit_id, "jurisdiction_id": item.jurisdiction_id,
        "assignee": item.assignee, "due_at": "" if due is None else clock.format_local_deadline(local),
        "overdue": due is not None and due < now, "remaining_days": remaining,
        "article": article, "instrument": title,
        "basis": f"《{title}》{article}" if title and article else article,
        "provisional": basis.get("provisional", False), "model_version_id": getattr(item, "model_version_id", None),
        "cursor_sort": item.sort_at != NO_DUE,
    }


def bulk_claim(uow: UnitOfWork, *, actor: Actor, ids: list[int]) -> dict:
    """Claim each task in one transaction; any failure claims none."""
    with uow:
        for ident in ids:
            scope.work_item(uow.session, actor, ident)
            engine.claim(uow.session, ident, user=actor.name, roles=set(actor.roles), unit_id=actor.unit_id)
        uow.commit()
    return {"claimed": len(ids)}


def hand_over(uow: UnitOfWork, *, actor: Actor, ids: list[int], to: str) -> dict:
    """Give tasks to a colleague holding the lane's role (one's own; a supervisor's: any)."""
    with uow:
        target = uow.session.execute(select(User).where(User.username == to, User.active.is_(True))).scalar_one_or_none()
        if target is None:
            raise NotFound(f"用户不存在 / no such user: {to}")
        for ident in ids:
            item = scope.work_item(uow.session, actor, ident)
            if item.assignee not in (None, actor.name) and not actor.roles & SUPERVISORS:
                raise PermissionDenied(f"待办由 {item.assignee} 签收 / claimed by {item.assignee}")
            if item.role not in (target.roles or []) or not _target_sees(target, item):
                raise Conflict(f"{to} 不能办理待办 {ident} / {to} cannot work item {ident}")
            previous = item.assignee
            item.assignee, item.claimed_at = target.username, clock.now()
            audit.record(uow.session, actor.name, "engine.hand_over", f"instance:{item.instance_id}",
                         {"work_item": item.id, "from": previous, "to": target.username})
        uow.commit()
    return {"handed_over": len(ids), "to": to}


def _target_sees(user: User, item: WorkItem) -> bool:
    return Actor.of_user(user).may_see(item.unit_id, item.jurisdiction_id)


# Read on every queue page: built once, run on the session's connection (plain rows).
SAVED_FILTERS = (select(SavedFilter.id, SavedFilter.name, SavedFilter.query)
                 .join(User, User.id == SavedFilter.user_id)
                 .where(User.username == bindparam("username", type_=User.username.type)).order_by(SavedFilter.name))


def list_saved_filters(uow: UnitOfWork, *, actor: Actor) -> list[dict]:
    with uow:
        rows = uow.session.connection().execute(SAVED_FILTERS, {"username": actor.name})
        return [{"id": r.id, "name": r.name, "query": r.query} for r in rows]


def save_filter(uow: UnitOfWork, *, actor: Actor, name: str, query: dict) -> int:
    name = name.strip()
    if not name or len(name) > 80:
        raise InvalidInput("筛选名称必填，最多 80 字 / a name of at most 80 characters is required")
    clean = {"view": query.get("view") if query.get("view") in VIEWS else "group", **clean_filters(query)}
    with uow:
        user = uow.session.execute(select(User).where(User.username == actor.name)).scalar_one_or_none()
        if user is None:
            raise NotFound(f"用户不存在 / no such user: {actor.name}")
        row = uow.session.execute(select(SavedFilter).where(SavedFilter.user_id == user.id,
                                                            SavedFilter.name == name)).scalar_one_or_none()
        if row is None:
            row = SavedFilter(user_id=user.id, name=name, query=clean, created_at=clock.now())
            uow.session.add(row)
        else:
            row.query = clean
        uow.session.flush()
        ident = row.id
        uow.commit()
        return ident


def delete_filter(uow: UnitOfWork, *, actor: Actor, filter_id: int) -> None:
    with uow:
        row = uow.session.execute(select(SavedFilter).join(User, User.id == SavedFilter.user_id)
                                  .where(SavedFilter.id == filter_id, User.username == actor.name)).scalar_one_or_none()
        if row is None:
            raise NotFound(f"筛选不存在 / no such filter: {filter_id}")
        uow.session.delete(row)
        uow.commit()
