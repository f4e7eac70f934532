"""Issue 11 §3: the instance row is locked as a step starts, so a racing loser fails before any
effect with a clean Conflict, and files of a rolled-back step never appear."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from casework.engine import action, complete, deploy, list_work_items, start
from casework.errors import Conflict
from casework.storage.files import STAGING
from casework.models.engine import ProcessInstance
from tests.helpers import TEST_BPMN, TEST_FORMS

RAN: list[int] = []  # instance ids the action ran for, across threads


@action("test_race_effect", inputs={"label": str}, outputs={"paused": str})
def _effect(ctx, label):
    """The slow action of engine_slow: here it writes a document-like file and counts itself."""
    RAN.append(ctx.instance.id)
    ctx.resources["files"].put_on_commit(ctx.session, f"race/{ctx.instance.id}-{len(RAN)}.pdf", b"%PDF-1.7 x")
    return {"paused": label}


def _race(container, pairs: int) -> list[str]:
    with container.uow() as uow:
        xml = (TEST_BPMN / "engine_slow.bpmn").read_text().replace("test_pause", "test_race_effect")
        deploy(uow.session, "engine_slow", xml, forms_dir=TEST_FORMS, actor="t")
        for i in range(pairs):
            start(uow.session, "engine_slow", data={}, actor="clerk", case_ref=f"R{i}")
        uow.commit()
        items = [w.id for w in list_work_items(uow.session, limit=pairs)]
    results: list[str] = []

    def one(item_id, barrier):
        barrier.wait(timeout=60)
        try:
            with container.uow() as uow:
                complete(uow.session, item_id, {"again": False}, actor="clerk", roles={"clerk"},
                         resources=uow.resources)
                uow.commit()
            results.append("ok")
        except Conflict:
            results.append("conflict")
        except Exception as exc:  # anything else is the failure this test exists for
            results.append(repr(exc))
    for item_id in items:
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=one, args=(item_id, barrier)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    return results


@pytest.mark.parametrize("pairs", [100])
def test_pairs_completing_the_same_item_give_one_ok_one_clean_conflict(container, clock, pairs):
    RAN.clear()
    results = _race(container, pairs)
    assert sorted(set(results)) == ["conflict", "ok"] and results.count("ok") == pairs, results[:5]
    assert sorted(RAN) == sorted(set(RAN)) and len(RAN) == pairs  # losers ran no action
    files = container.files.root
    assert len(list((files / "race").iterdir())) == pairs  # one file per committed step, no orphan
    assert not (files / STAGING).exists() or list((files / STAGING).iterdir()) == []
    with container.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ProcessInstance)
                                  .where(ProcessInstance.status == "completed")) == pairs
