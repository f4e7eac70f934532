"""Issue 11 §3: two legal reviewers approving the same draft at once: one order is issued, the
other reviewer gets a clean Conflict, and no PDF exists without its document row."""
from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from casework import clock as clock_module
from casework.errors import Conflict
from casework.storage.files import STAGING
from casework.models import Document
from casework.services.units import inspections
from casework.services.processes import tasks
from casework.services.actor import Actor
from tests.integration.lifecycle.lifecycle_driver import CLERK, INSPECTOR, Driver

REVIEWERS = [Actor("legal1", frozenset({"legal_reviewer"})), Actor("legal2", frozenset({"legal_reviewer"}))]


def _drafts(driver, n: int) -> list[int]:
    """`n` rectification orders drafted and waiting for legal review; their work item ids."""
    items = []
    for _ in range(n):
        reg = driver.register("tengchong")
        ref = inspections.start_inspection(driver.uow(), actor=INSPECTOR, unit_id=reg["unit_id"])
        checks = {k: True for k in inspections.CHECKLIST}
        checks["obstruction"] = False
        driver.complete(ref, "inspection_record", {"items": checks, "officers": ["王五", "赵六"],
                                                   "notes": "广告牌遮挡摄像机"}, INSPECTOR)
        [rect] = driver.cases_of(reg["unit_id"], "rectification")
        driver.complete(rect.ref, "rectification_draft",
                        {"facts": "经查，摄像机被遮挡。", "correction_days": driver.case_data(rect.ref)["correction_days"]},
                        CLERK)
        items.append(driver.task(rect.ref, "legal_review").id)
    return items


def _approve(driver, item_id: int, actor: Actor, barrier, results: list[str]) -> None:
    barrier.wait(timeout=120)
    try:
        tasks.complete_task(driver.uow(), actor=actor, work_item_id=item_id,
                            data={"approved": True, "comment": "同意"})
        results.append("ok")
    except Conflict:
        results.append("conflict")
    except Exception as exc:  # a duplicate key, a database error: what this test exists for
        results.append(repr(exc))


@pytest.mark.postgres_only
def test_fifty_pairs_of_reviewers_leave_no_orphan_pdf(container, clock):
    clock.travel_to(datetime(2021, 3, 1, 2, 0, tzinfo=clock_module.UTC))
    driver = Driver(container, clock)
    items = _drafts(driver, 50)
    with container.uow() as uow:
        before = uow.session.scalar(select(func.count()).select_from(Document))
    results: list[str] = []
    for item_id in items:
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=_approve, args=(driver, item_id, who, barrier, results))
                   for who in REVIEWERS]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
    assert results.count("ok") == 50 and results.count("conflict") == 50, sorted(set(results))
    root = container.files.root
    on_disk = {str(p.relative_to(root)) for p in (root / "documents").rglob("*.pdf")}
    with container.uow() as uow:
        keys = set(uow.session.scalars(select(Document.file_key)))
        assert uow.session.scalar(select(func.count()).select_from(Document)) > before
    assert on_disk == keys  # every PDF has its row, every row its PDF
    assert not (root / STAGING).exists() or list((root / STAGING).iterdir()) == []
