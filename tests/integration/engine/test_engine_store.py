"""A step's writes: timers move in place, the lean UPDATE, the audit head guessed or read."""
from __future__ import annotations

from sqlalchemy import event, select

from casework import audit
from casework.engine import complete, deploy, fire_due_timers, get_instance, list_work_items, start
from casework.models.audit import AuditHead
from casework.models.engine import Timer
from tests.helpers import TEST_BPMN, TEST_FORMS

LOOP = TEST_BPMN / "engine_user_loop.bpmn"


def _start_loop(container) -> int:
    with container.uow() as uow:
        deploy(uow.session, "engine_user_loop", LOOP.read_bytes(), forms_dir=TEST_FORMS, actor="tester")
        inst = start(uow.session, "engine_user_loop", data={"n": 0}, actor="c")
        uow.commit()
        return inst.id


def _round(container, again: bool = True) -> None:
    with container.uow() as uow:
        [item] = list_work_items(uow.session, role="inspector")
        complete(uow.session, item.id, {"again": again}, actor="i", roles={"inspector"})
        uow.commit()


def _timer(container) -> Timer:
    with container.uow() as uow:
        return uow.session.scalars(select(Timer)).one()


def test_a_loop_round_moves_its_timer_row_and_the_moved_timer_fires(container, clock):
    instance_id = _start_loop(container)
    first = _timer(container)
    clock.advance(days=1)
    _round(container)
    moved = _timer(container)
    assert moved.id == first.id and moved.task_id != first.task_id
    assert (moved.due_at - first.due_at).days == 1
    clock.advance(days=30, seconds=1)
    assert fire_due_timers(container.session_factory) == 1
    with container.uow() as uow:
        inst = get_instance(uow.session, instance_id)
        assert inst.status == "completed" and inst.completed_at is not None and inst.data["n"] == 1
        assert uow.session.scalars(select(Timer)).first() is None
        assert list_work_items(uow.session) == []


def test_a_loop_round_writes_eight_statements_and_completion_sets_status(container, clock):
    instance_id = _start_loop(container)
    _round(container)  # the audit head is now this process's guess
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_rest):
        seen.append(statement.split()[0].upper())
    with container.uow() as uow:
        [item] = list_work_items(uow.session, role="inspector")
    event.listen(container.engine, "before_cursor_execute", note)
    try:
        with container.uow() as uow:
            complete(uow.session, item.id, {"again": True}, actor="i", roles={"inspector"})
            uow.commit()
    finally:
        event.remove(container.engine, "before_cursor_execute", note)
    # the item + instance, UPDATE instance, DELETE/INSERT work item, move timer, audit x2
    assert seen.count("SELECT") == 1 and len([s for s in seen if s != "BEGIN"]) == 7, seen
    _round(container, again=False)
    with container.uow() as uow:
        inst = get_instance(uow.session, instance_id)
        assert (inst.status, inst.revision, inst.data["n"]) == ("completed", 5, 3)


def test_a_stale_audit_head_guess_is_read_again_under_the_lock(container, clock):
    _start_loop(container)
    _round(container)
    guesses = dict(audit._last_head)
    with container.uow() as uow:  # another process appends: this one's guess is now stale
        audit.record(uow.session, "other", "test.other", "x:1", {})
        uow.commit()
    audit._last_head.update(guesses)
    _round(container)
    for key in list(audit._last_head):  # a guess from a transaction that rolled back
        audit._last_head[key] = (1, "f" * 64)
    _round(container)
    with container.uow() as uow:
        result = audit.verify(uow.session)
        assert result.ok, result
        assert result.checked == uow.session.get(AuditHead, 1).seq
