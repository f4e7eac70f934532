"""Retention sweep with legal holds, the database guard, and tombstones that keep the chain."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from casework import clock as clock_module
from casework.errors import PermissionDenied
from casework.models import AuditEvent, User
from recorder.retention import holds
from recorder.retention import sweeper
from recorder.catalogue import verify
from recorder.constants import DELETED, SEALED
from recorder.catalogue.disk import footage_root
from recorder.dev.cameras import make_camera, record_file
from tests.recorder_helpers import segment_rows as rows, synthetic_clip


@pytest.fixture
def clip(tmp_path):
    return synthetic_clip(tmp_path, 10)


def make_user(container, username, roles):
    with container.uow() as uow:
        uow.session.add(User(username=username, display_name=username, password_hash="x",
                             roles=roles, created_at=clock_module.now()))
        uow.commit()


def test_sweep_deletes_only_past_retention_and_unheld(container, clip, clock):
    with container.uow() as uow:
        a = make_camera(uow.session, "A")
        b = make_camera(uow.session, "B", retention_days=90)  # a camera may only lengthen
        uow.commit()
    for cam in (a, b):
        record_file(container, cam, str(clip), segment_seconds=2.0)
    root = footage_root(container)
    seg_a = rows(container, a)
    assert rows(container, b)[0].retain_until - rows(container, b)[0].start_at == timedelta(days=90)
    hold_id = holds.place_hold(container.uow(), a, seg_a[1].start_at + timedelta(seconds=1),
                               seg_a[2].end_at - timedelta(seconds=1), "officer.li",
                               "案件取证", case_ref="CASE-2026-1")

    clock.advance(days=29)
    assert sweeper.sweep(container.uow(), root).deleted == 0  # still in retention
    clock.advance(days=2)
    dry = sweeper.sweep(container.uow(), root, dry_run=True)
    assert (dry.deleted, dry.held, dry.examined) == (3, 2, 5)
    assert all(r.state == SEALED for r in rows(container, a))
    done = sweeper.sweep(container.uow(), root, batch=2)
    assert (done.deleted, done.held, done.refused) == (3, 2, 0)
    after = rows(container, a)
    assert [r.state for r in after] == [DELETED, SEALED, SEALED, DELETED, DELETED]
    for r in after:
        assert (root / r.path).exists() == (r.state == SEALED)
    assert all(r.state == SEALED for r in rows(container, b))
    assert all(v.ok and v.checked == 5 for v in verify.verify(container.uow(), root))
    with container.uow() as uow:
        ev = uow.session.execute(select(AuditEvent).where(AuditEvent.action == "recorder.sweep")).scalar_one()
        assert ev.data["deleted"] == 3

    make_user(container, "clerk.wang", ["clerk"])
    make_user(container, "head.zhao", ["bureau_head"])
    with pytest.raises(PermissionDenied):
        holds.release_hold(container.uow(), hold_id, "clerk.wang", "结案")
    holds.release_hold(container.uow(), hold_id, "head.zhao", "案件已结，证据已移送")
    assert sweeper.sweep(container.uow(), root).deleted == 2
    clock.advance(days=60)
    assert sweeper.sweep(container.uow(), root).deleted == 5
    assert all(v.ok for v in verify.verify(container.uow(), root))
    with container.uow() as uow:
        actions = uow.session.execute(select(AuditEvent.action).order_by(AuditEvent.seq)).scalars().all()
    assert actions.count("recorder.hold.placed") == 1 and "recorder.hold.released" in actions


def test_database_refuses_deleting_footage_in_retention(container, clip, clock):
    # Record "now" by the real clock, so the database's own clock sees the retention.
    clock.travel_to(clock_module.Clock().now())
    with container.uow() as uow:
        cam = make_camera(uow.session, "guarded")
        uow.commit()
    record_file(container, cam, str(clip), segment_seconds=2.0)
    first = rows(container, cam)[0]
    statements = [
        f"DELETE FROM recorder_segment WHERE id = {first.id}",
        f"UPDATE recorder_segment SET state = 'deleted' WHERE id = {first.id}",
        f"UPDATE recorder_segment SET state = 'deleting' WHERE camera_id = {cam}",
        f"UPDATE recorder_segment SET sha256 = '{'0' * 64}' WHERE id = {first.id}",
        f"UPDATE recorder_segment SET retain_until = start_at WHERE id = {first.id}",
        "DELETE FROM recorder_legal_hold",
    ]
    holds.place_hold(container.uow(), cam, first.start_at, first.end_at, "officer.li", "调取",
                     access_request_ref="AR-1")
    for sql in statements:
        with pytest.raises(DBAPIError):
            with container.engine.begin() as conn:
                conn.execute(text(sql))
    # An application whose clock runs ahead still cannot delete: the guard reads the
    # database's clock too.
    clock.advance(days=31)
    report = sweeper.sweep(container.uow(), footage_root(container))
    assert (report.deleted, report.held, report.refused) == (0, 1, 4)
    assert all(r.state == SEALED for r in rows(container, cam))
    assert all((footage_root(container) / r.path).exists() for r in rows(container, cam))
