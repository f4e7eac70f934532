"""Engine steps end to end: start, complete, boundary timer, queues, messages, loops, versions."""
from __future__ import annotations

import builtins

import pytest
from sqlalchemy import func, select

from casework.engine import (
    action,
    claim,
    complete,
    deploy,
    fire_due_timers,
    get_instance,
    list_work_items,
    next_timer_due,
    send_message,
    start,
    unclaim,
)
from casework.engine.budget import Limits
from casework.errors import Conflict, InvalidInput, PermissionDenied
from casework.models.audit import AuditEvent
from casework.models.engine import ModelVersion, Timer, WorkItem
from tests.helpers import TEST_BPMN, TEST_FORMS



@action("test_record", inputs={"label": str}, outputs={"recorded": str})
def _record(ctx, label):
    ctx.resources.setdefault("calls", []).append((ctx.instance.id, label))
    return {"recorded": label, "not_declared": "dropped"}


def _deploy(uow, *keys):
    with uow:
        for key in keys:
            deploy(uow.session, key, (TEST_BPMN / f"{key}.bpmn").read_bytes(), forms_dir=TEST_FORMS, actor="tester")
        uow.commit()


def _items(session, **kw):
    return list_work_items(session, **kw)


def test_start_complete_then_boundary_timer_fires(container, clock):
    _deploy(container.uow(), "engine_basic")
    resources = {}
    with container.uow() as uow:
        inst = start(uow.session, "engine_basic", data={"rounds": 0}, actor="clerk1",
                     case_ref="CASE-1", unit_id=7)
        [draft] = _items(uow.session, role="clerk")
        assert (draft.title, draft.form_key, draft.case_ref, draft.due_at) == ("拟稿", "test_draft", "CASE-1", None)
        complete(uow.session, draft.id, {"facts": "no record kept", "days": 3}, actor="clerk1", roles={"clerk"})
        [respond] = _items(uow.session, role="unit", unit_id=7)
        assert respond.due_at.isoformat() == "2026-03-05T01:00:00+00:00"
        assert next_timer_due(uow.session) == respond.due_at
        uow.commit()
        instance_id = inst.id
    assert fire_due_timers(container.session_factory, resources=resources) == 0  # not yet due
    clock.advance(days=3, seconds=1)
    assert fire_due_timers(container.session_factory, resources=resources) == 1
    assert resources["calls"] == [(instance_id, "late:no record kept")]
    with container.uow() as uow:
        inst = get_instance(uow.session, instance_id)
        assert inst.status == "completed" and inst.completed_at is not None
        assert inst.data["recorded"] == "late:no record kept"
        assert inst.data["record"] == {"recorded": "late:no record kept"}
        assert "not_declared" not in inst.data
        assert uow.session.scalar(select(func.count()).select_from(WorkItem)) == 0
        assert uow.session.scalar(select(func.count()).select_from(Timer)) == 0
        assert next_timer_due(uow.session) is None
        actions = uow.session.scalars(select(AuditEvent.action).where(
            AuditEvent.subject == f"instance:{instance_id}").order_by(AuditEvent.seq)).all()
        assert actions == ["engine.start", "engine.complete", "engine.timer"]


def test_complete_checks_role_unit_form_and_revision(container, clock):
    _deploy(container.uow(), "engine_basic")
    with container.uow() as uow:
        s = uow.session
        inst = start(s, "engine_basic", data={"rounds": 0}, actor="c", unit_id=7)
        [draft] = _items(s)
        with pytest.raises(PermissionDenied):
            complete(s, draft.id, {"facts": "x", "days": 3}, actor="i", roles={"inspector"})
        with pytest.raises(InvalidInput, match="days"):
            complete(s, draft.id, {"facts": "x"}, actor="c", roles={"clerk"})
        with pytest.raises(InvalidInput, match="days"):
            complete(s, draft.id, {"facts": "x", "days": 0}, actor="c", roles={"clerk"})
        with pytest.raises(InvalidInput, match="extra"):
            complete(s, draft.id, {"facts": "x", "days": 2, "extra": 1}, actor="c", roles={"clerk"})
        with pytest.raises(Conflict):
            complete(s, draft.id, {"facts": "x", "days": 2}, actor="c", roles={"clerk"},
                     expected_revision=inst.revision - 1)
        complete(s, draft.id, {"facts": "x", "days": 2}, actor="c", roles={"clerk"},
                 expected_revision=inst.revision)
        [respond] = _items(s)
        with pytest.raises(PermissionDenied):
            complete(s, respond.id, {"accepted": True}, actor="u", roles={"unit"}, unit_id=8)
        with pytest.raises(Conflict):  # the draft item is gone
            complete(s, draft.id, {"facts": "x", "days": 2}, actor="c", roles={"clerk"})
        complete(s, respond.id, {"accepted": True}, actor="u", roles={"unit"}, unit_id=7)
        assert get_instance(s, inst.id).status == "completed"
        uow.commit()


def test_claim_unclaim_and_keyset_paging(container, clock):
    _deploy(container.uow(), "engine_basic")
    with container.uow() as uow:
        s = uow.session
        ids = []
        for n in range(7):
            inst = start(s, "engine_basic", data={"rounds": 0}, actor="c", case_ref=f"C{n}")
            [item] = _items(s, case_ref=f"C{n}")
            if n % 2:  # odd ones get a due date through the unit lane
                complete(s, item.id, {"facts": "f", "days": 7 - n}, actor="c", roles={"clerk"})
            ids.append(inst.id)
        pages, after = [], None
        while True:
            page = _items(s, limit=3, after=after)
            if not page:
                break
            pages.append([i.case_ref for i in page])
            after = page[-1].cursor
        flat = [c for p in pages for c in p]
        assert flat[:3] == ["C5", "C3", "C1"]  # dated first, soonest first
        assert flat[3:] == ["C0", "C2", "C4", "C6"]  # undated by id
        [item] = _items(s, case_ref="C0")
        claim(s, item.id, user="alice", roles={"clerk"})
        claim(s, item.id, user="alice", roles={"clerk"})
        with pytest.raises(Conflict):
            claim(s, item.id, user="bob", roles={"clerk"})
        assert [i.case_ref for i in _items(s, assignee="alice")] == ["C0"]
        with pytest.raises(Conflict):
            complete(s, item.id, {"facts": "f", "days": 2}, actor="bob", roles={"clerk"})
        with pytest.raises(PermissionDenied):
            unclaim(s, item.id, user="bob")
        unclaim(s, item.id, user="alice")
        claim(s, item.id, user="bob", roles={"clerk"})
        complete(s, item.id, {"facts": "f", "days": 2}, actor="bob", roles={"clerk"})
        uow.commit()


def test_message_delivered_to_instance(container, clock):
    _deploy(container.uow(), "engine_message")
    with container.uow() as uow:
        s = uow.session
        inst = start(s, "engine_message", data={}, actor="c")
        assert _items(s) == []
        with pytest.raises(Conflict):
            send_message(s, inst.id, "other", {}, actor="portal")
        send_message(s, inst.id, "unit_reply", {"reply": "done"}, actor="portal")
        [review] = _items(s)
        assert get_instance(s, inst.id).data["reply"] == "done"
        complete(s, review.id, {"again": False}, actor="c", roles={"clerk"})
        assert get_instance(s, inst.id).status == "completed"
        uow.commit()


def test_two_thousand_round_loop_finishes(container, clock):
    _deploy(container.uow(), "engine_loop")
    with container.uow() as uow:
        # 6,000 engine tasks in one step: this test is about depth, so no wall-time budget.
        inst = start(uow.session, "engine_loop", data={"n": 0, "rounds": 2000}, actor="c",
                     resources={"limits": Limits(seconds=600)})
        assert inst.status == "completed"
        assert inst.data == {"n": 2000, "rounds": 2000}
        assert len(inst.state) < 40_000
        uow.commit()


def test_user_loop_state_stays_bounded(container, clock):
    _deploy(container.uow(), "engine_user_loop")
    sizes = {}
    with container.uow() as uow:
        s = uow.session
        inst = start(s, "engine_user_loop", data={"n": 0}, actor="c")
        for round_ in range(1, 401):
            [item] = _items(s, role="inspector")
            complete(s, item.id, {"again": True}, actor="i", roles={"inspector"})
            sizes[round_] = len(get_instance(s, inst.id).state)
        assert get_instance(s, inst.id).data["n"] == 400
        assert s.scalar(select(func.count()).select_from(Timer)) == 1
        [item] = _items(s, role="inspector")
        complete(s, item.id, {"again": False}, actor="i", roles={"inspector"})
        assert get_instance(s, inst.id).status == "completed"
        uow.commit()
    assert max(sizes[r] for r in range(350, 401)) <= max(sizes[r] for r in range(50, 101)) + 200


def test_running_instance_keeps_its_version(container, clock):
    _deploy(container.uow(), "engine_basic")
    v2_xml = (TEST_BPMN / "engine_basic.bpmn").read_text().replace('name="单位答复"', 'name="单位答复（二）"')
    with container.uow() as uow:
        s = uow.session
        old = start(s, "engine_basic", data={"rounds": 0}, actor="c", case_ref="OLD")
        v2 = deploy(s, "engine_basic", v2_xml, forms_dir=TEST_FORMS, actor="manager")
        assert v2.version == 2
        assert deploy(s, "engine_basic", v2_xml, forms_dir=TEST_FORMS, actor="manager").id == v2.id  # identical: same version
        new = start(s, "engine_basic", data={"rounds": 0}, actor="c", case_ref="NEW")
        for ref in ("OLD", "NEW"):
            [item] = _items(s, case_ref=ref)
            complete(s, item.id, {"facts": "f", "days": 2}, actor="c", roles={"clerk"})
        titles = {i.case_ref: i.title for i in _items(s, role="unit")}
        assert titles == {"OLD": "单位答复", "NEW": "单位答复（二）"}
        versions = dict(s.execute(select(ModelVersion.id, ModelVersion.version)).all())
        assert versions[get_instance(s, old.id).model_version_id] == 1
        assert versions[get_instance(s, new.id).model_version_id] == 2
        uow.commit()


def test_no_eval_or_exec_runs(container, clock, monkeypatch):
    _deploy(container.uow(), "engine_basic")

    def refuse(*args, **kwargs):
        raise AssertionError("eval/exec called")
    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    with container.uow() as uow:
        s = uow.session
        start(s, "engine_basic", data={"rounds": 0}, actor="c", unit_id=1)
        [item] = _items(s)
        complete(s, item.id, {"facts": "f", "days": 1}, actor="c", roles={"clerk"})
        [item] = _items(s)
        complete(s, item.id, {"accepted": False}, actor="u", roles={"unit"}, unit_id=1)
        uow.commit()
    clock.advance(days=30)
    assert fire_due_timers(container.session_factory) == 0  # back at draft: no timer waits


def test_migration_preview_and_apply(container, clock):
    from casework.engine.run.migrate import migrate, preview_migration
    from casework.errors import RuleViolation

    _deploy(container.uow(), "engine_basic")
    xml = (TEST_BPMN / "engine_basic.bpmn").read_text()
    retitled = xml.replace('name="单位答复"', 'name="单位答复（新）"')
    without_respond = xml.replace('<bpmn:userTask id="respond"', '<bpmn:userTask id="reply"').replace(
        '<bpmn:flowNodeRef>respond</bpmn:flowNodeRef>', '<bpmn:flowNodeRef>reply</bpmn:flowNodeRef>').replace(
        'attachedToRef="respond"', 'attachedToRef="reply"').replace(
        'targetRef="respond"', 'targetRef="reply"').replace('sourceRef="respond"', 'sourceRef="reply"')
    with container.uow() as uow:
        s = uow.session
        inst = start(s, "engine_basic", data={"rounds": 0}, actor="c", unit_id=3)
        [item] = _items(s)
        complete(s, item.id, {"facts": "f", "days": 2}, actor="c", roles={"clerk"})
        deploy(s, "engine_basic", retitled, forms_dir=TEST_FORMS, actor="m")
        deploy(s, "engine_basic", without_respond, forms_dir=TEST_FORMS, actor="m")
        preview = preview_migration(s, inst.id, 2)
        assert preview.safe and "respond" in preview.changed and preview.from_version == 1
        unsafe = preview_migration(s, inst.id, 3)
        assert not unsafe.safe and "respond" in unsafe.removed
        with pytest.raises(RuleViolation, match="respond"):
            migrate(s, inst.id, 3, actor="m")
        [before] = _items(s, role="unit")
        migrate(s, inst.id, 2, actor="m")
        [after] = _items(s, role="unit")
        assert after.title == "单位答复（新）" and after.due_at == before.due_at
        complete(s, after.id, {"accepted": True}, actor="u", roles={"unit"}, unit_id=3)
        assert get_instance(s, inst.id).status == "completed"
        uow.commit()


def test_a_failing_expression_names_its_element_and_saves_nothing(container, clock):
    from casework.engine import ExpressionFailed

    _deploy(container.uow(), "engine_basic")
    with container.uow() as uow:
        s = uow.session
        inst = start(s, "engine_basic", data={}, actor="c")  # no `rounds`: the script will fail
        [item] = _items(s)
        revision = inst.revision
        uow.commit()
    with container.uow() as uow:
        s = uow.session
        with pytest.raises(ExpressionFailed, match="set_deadline"):
            complete(s, item.id, {"facts": "f", "days": 2}, actor="c", roles={"clerk"})
        uow.rollback()
    with container.uow() as uow:
        assert get_instance(uow.session, inst.id).revision == revision
        assert [i.id for i in _items(uow.session)] == [item.id]
