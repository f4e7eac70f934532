"""engine.cancel: a running instance terminated with its reason — work items and timers gone,
one audited transaction, refused for a finished instance (SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casework.engine import (action, cancel, complete, deploy, fire_due_timers, get_instance, list_work_items,
                             next_timer_due, send_message, start)
from casework.engine.run.runtime import TooLate
from casework.errors import Conflict, InvalidInput
from casework.models.audit import AuditEvent
from casework.models.engine import Timer, WorkItem
from casework.engine.expressions.actions import get_action
from tests.helpers import TEST_BPMN, TEST_FORMS

if get_action("test_record") is None:  # test_engine_runtime registers the full one
    @action("test_record", inputs={"label": str}, outputs={"recorded": str})
    def _record(ctx, label):
        return {"recorded": label}


def _deploy(uow, *keys):
    with uow:
        for key in keys:
            deploy(uow.session, key, (TEST_BPMN / f"{key}.bpmn").read_bytes(), forms_dir=TEST_FORMS,
                   actor="tester")
        uow.commit()


def _waiting_for_the_unit(container) -> int:
    """engine_basic at the unit's answer: one work item, one boundary timer."""
    _deploy(container.uow(), "engine_basic")
    with container.uow() as uow:
        inst = start(uow.session, "engine_basic", data={"rounds": 0}, actor="clerk1", case_ref="C-1",
                     unit_id=7)
        [draft] = list_work_items(uow.session, role="clerk")
        complete(uow.session, draft.id, {"facts": "no record kept", "days": 3}, actor="clerk1",
                 roles={"clerk"})
        uow.commit()
        return inst.id


def _rows(session, model, instance_id) -> int:
    return session.scalar(select(func.count()).select_from(model).where(model.instance_id == instance_id))


def _actions(session, instance_id) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).where(
        AuditEvent.subject == f"instance:{instance_id}").order_by(AuditEvent.seq)))


def test_cancel_ends_work_items_and_timers_and_records_why(container, clock):
    instance_id = _waiting_for_the_unit(container)
    with container.uow() as uow:
        [item] = list_work_items(uow.session, role="unit", unit_id=7)
        assert _rows(uow.session, Timer, instance_id) == 1
        revision = get_instance(uow.session, instance_id).revision
        inst = cancel(uow.session, instance_id, reason="原决定经行政复议被撤销", actor="legal1")
        uow.commit()
    assert (inst.status, inst.revision) == ("cancelled", revision + 1)
    with container.uow() as uow:
        inst = get_instance(uow.session, instance_id)
        assert inst.status == "cancelled" and inst.completed_at is not None
        assert inst.data["facts"] == "no record kept" and inst.data["days"] == 3  # the data is kept
        assert inst.data["cancellation"]["reason"] == "原决定经行政复议被撤销"
        assert inst.data["cancellation"]["by"] == "legal1"
        assert inst.data["cancellation"]["open_tasks"] == ["respond", "too_late"]
        assert _rows(uow.session, WorkItem, instance_id) == 0 and _rows(uow.session, Timer, instance_id) == 0
        assert next_timer_due(uow.session) is None
        assert _actions(uow.session, instance_id)[-1] == "engine.cancelled"
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "engine.cancelled")).one()
        assert event.actor == "legal1" and event.data["reason"] == "原决定经行政复议被撤销"
        assert event.data["status"] == "cancelled"
        with pytest.raises(Conflict):  # the unit's old work item is gone
            complete(uow.session, item.id, {"accepted": True}, actor="unit7", roles={"unit"}, unit_id=7)
    clock.advance(days=10)
    assert fire_due_timers(container.session_factory) == 0  # nothing left to fire


def test_a_finished_instance_is_refused_and_nothing_is_written(container, clock):
    instance_id = _waiting_for_the_unit(container)
    with container.uow() as uow:
        cancel(uow.session, instance_id, reason="撤销", actor="legal1")
        uow.commit()
    with container.uow() as uow:
        with pytest.raises(Conflict, match="cancelled"):
            cancel(uow.session, instance_id, reason="again", actor="legal1")
    with container.uow() as uow:
        assert _actions(uow.session, instance_id).count("engine.cancelled") == 1


def test_a_reason_is_required(container, clock):
    instance_id = _waiting_for_the_unit(container)
    with container.uow() as uow:
        with pytest.raises(InvalidInput, match="reason"):
            cancel(uow.session, instance_id, reason="  ", actor="legal1")
        assert get_instance(uow.session, instance_id).status == "running"


def test_due_timers_fire_first_and_a_process_they_end_is_not_cancelled(container, clock):
    """The unit's deadline passed before the cancellation: the missed-deadline path ran (and
    finished the process); the cancel is refused and the timer's effects are kept."""
    instance_id = _waiting_for_the_unit(container)
    clock.advance(days=3, seconds=1)  # no sweep ran
    with container.uow() as uow:
        with pytest.raises(TooLate):
            cancel(uow.session, instance_id, reason="撤销", actor="legal1", resources={})
        uow.rollback()
    with container.uow() as uow:
        inst = get_instance(uow.session, instance_id)
        assert inst.status == "completed" and inst.data["recorded"] == "late:no record kept"
        assert "engine.cancelled" not in _actions(uow.session, instance_id)


def test_a_cancelled_instance_takes_no_message(container, clock):
    _deploy(container.uow(), "engine_message")
    with container.uow() as uow:
        inst = start(uow.session, "engine_message", data={}, actor="clerk1")
        cancel(uow.session, inst.id, reason="案件撤销", actor="clerk1")
        uow.commit()
    with container.uow() as uow:
        with pytest.raises(Conflict):
            send_message(uow.session, inst.id, "unit_reply", {"answer": "yes"}, actor="unit7")
