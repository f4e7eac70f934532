"""Writing a step: one revision-checked UPDATE and the changed derived rows (prebuilt Core statements).

The statements are built once so SQLAlchemy memoizes their cache keys; the instance row is
updated in Core and its ORM object refreshed in place, so no ORM flush runs in a step.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, insert, inspect, update
from sqlalchemy.orm.attributes import set_committed_value

from casework.engine.run.derive import Derived
from casework.errors import Conflict
from casework.models.engine import NO_DUE, ProcessInstance, Timer, WorkItem

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_I, _W, _T = ProcessInstance.__table__, WorkItem.__table__, Timer.__table__

_REVISED = update(_I).where(_I.c.id == bindparam("b_id"), _I.c.revision == bindparam("b_revision"))
UPDATE_INSTANCE = _REVISED.values(
    revision=bindparam("v_revision"), state=bindparam("v_state"), data=bindparam("v_data"),
    status=bindparam("v_status"), updated_at=bindparam("v_updated_at"),
    completed_at=bindparam("v_completed_at"), model_version_id=bindparam("v_model_version_id"))
# The usual step leaves status, version and completion alone: not naming them keeps SQLite
# from rewriting their index entries (two fewer pages per commit).
UPDATE_INSTANCE_STATE = _REVISED.values(
    revision=bindparam("v_revision"), state=bindparam("v_state"), data=bindparam("v_data"),
    updated_at=bindparam("v_updated_at"))
DELETE_ITEMS = delete(_W).where(_W.c.instance_id == bindparam("b_instance"),
                                _W.c.task_id.in_(bindparam("b_tasks", expanding=True)))
DELETE_ITEM = delete(_W).where(_W.c.instance_id == bindparam("b_instance"), _W.c.task_id == bindparam("b_task"))
INSERT_ITEMS = insert(_W)
UPDATE_ITEM = (
    update(_W).where(_W.c.instance_id == bindparam("b_instance"), _W.c.task_id == bindparam("b_task"))
    .values(task_spec=bindparam("v_task_spec"), title=bindparam("v_title"), role=bindparam("v_role"),
            form_key=bindparam("v_form_key"), due_at=bindparam("v_due_at"), sort_at=bindparam("v_sort_at")))
DELETE_TIMERS = delete(_T).where(_T.c.instance_id == bindparam("b_instance"),
                                 _T.c.task_id.in_(bindparam("b_tasks", expanding=True)))
INSERT_TIMERS = insert(_T)
DELETE_TIMER = delete(_T).where(_T.c.instance_id == bindparam("b_instance"), _T.c.task_id == bindparam("b_task"))
_TIMER_ROW = update(_T).where(_T.c.instance_id == bindparam("b_instance"), _T.c.task_id == bindparam("b_task"))
UPDATE_TIMER = _TIMER_ROW.values(due_at=bindparam("v_due_at"))
# A timer replaced by another (a loop's next round) takes over the old row: one statement
# instead of a DELETE and an INSERT, and the instance_id index entry stays as it is.
MOVE_TIMER = _TIMER_ROW.values(task_id=bindparam("v_task"), name=bindparam("v_name"), due_at=bindparam("v_due_at"))
FIELDS = ("state", "data", "status", "updated_at", "completed_at", "model_version_id")
STATE_FIELDS = ("state", "data", "updated_at")


def write_instance(session: Session, instance: ProcessInstance, values: dict[str, Any]) -> None:
    """UPDATE ... WHERE id = ? AND revision = ?; no row means someone else saved first."""
    old = instance.revision
    params = {"b_id": instance.id, "b_revision": old, "v_revision": old + 1}
    lean = all(values[name] == getattr(instance, name) for name in FIELDS if name not in STATE_FIELDS)
    params.update({f"v_{name}": values[name] for name in (STATE_FIELDS if lean else FIELDS)})
    if session.connection().execute(UPDATE_INSTANCE_STATE if lean else UPDATE_INSTANCE, params).rowcount != 1:
        raise Conflict(f"流程实例 {instance.id} 已被他人更新 / instance {instance.id} was changed by someone else")
    for name in FIELDS:
        set_committed_value(instance, name, values[name])
    set_committed_value(instance, "revision", old + 1)


def write_rows(session: Session, instance: ProcessInstance, before: Derived, after: Derived,
               now: datetime, *, refresh: bool = False) -> None:
    """Write the difference between the rows implied before and after a step (no reads)."""
    conn, iid = session.connection(), instance.id
    gone = [tid for tid in before.items if tid not in after.items]
    if len(gone) == 1:
        conn.execute(DELETE_ITEM, {"b_instance": iid, "b_task": gone[0]})
    elif gone:
        conn.execute(DELETE_ITEMS, {"b_instance": iid, "b_tasks": gone})
    new = [h for tid, h in after.items.items() if tid not in before.items]
    if new:
        conn.execute(INSERT_ITEMS, [{
            "instance_id": iid, "task_id": h.task_id, "task_spec": h.task_spec, "key": instance.key,
            "title": h.title, "role": h.role, "form_key": h.form_key, "unit_id": instance.unit_id,
            "jurisdiction_id": instance.jurisdiction_id, "case_ref": instance.case_ref, "created_at": now,
            "due_at": h.due_at, "sort_at": h.due_at or NO_DUE, "assignee": None, "claimed_at": None}
            for h in new])
    for tid, h in after.items.items():
        if tid in before.items and (refresh or before.items[tid] != h):
            conn.execute(UPDATE_ITEM, {"b_instance": iid, "b_task": tid, "v_task_spec": h.task_spec,
                                       "v_title": h.title, "v_role": h.role, "v_form_key": h.form_key,
                                       "v_due_at": h.due_at, "v_sort_at": h.due_at or NO_DUE})
    gone = [tid for tid in before.timers if tid not in after.timers]
    new_timers = [t for tid, t in after.timers.items() if tid not in before.timers]
    while gone and new_timers:
        t = new_timers.pop()
        conn.execute(MOVE_TIMER, {"b_instance": iid, "b_task": gone.pop(), "v_task": t.task_id,
                                  "v_name": t.name, "v_due_at": t.due_at})
    if len(gone) == 1:
        conn.execute(DELETE_TIMER, {"b_instance": iid, "b_task": gone[0]})
    elif gone:
        conn.execute(DELETE_TIMERS, {"b_instance": iid, "b_tasks": gone})
    if new_timers:
        conn.execute(INSERT_TIMERS, [{"instance_id": iid, "task_id": t.task_id, "name": t.name,
                                      "due_at": t.due_at} for t in new_timers])
    for tid, t in after.timers.items():  # a cycle timer moves its due time
        if tid in before.timers and before.timers[tid].due_at != t.due_at:
            conn.execute(UPDATE_TIMER, {"b_instance": iid, "b_task": tid, "v_due_at": t.due_at})
    forget_rows(session, iid)


def forget_rows(session: Session, instance_id: int) -> None:
    """Drop this instance's work items/timers from the identity map: Core wrote past them."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, (WorkItem, Timer)) and inspect(obj).dict.get("instance_id") == instance_id:
            session.expunge(obj)
