"""The database guards against a hostile or buggy application: try to defeat each one."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import DBAPIError

from casework import clock as clock_module
from casework.clock import UTC
from casework.models import User
from recorder import holds
from recorder.catalogue import open_segment, seal_segment
from recorder.constants import DELETED, DELETING, SEALED, WRITING
from recorder.guards import install_recorder_triggers
from recorder.models import LegalHold, Segment
from recorder.testing import make_camera

FAR = datetime(2031, 1, 1, tzinfo=UTC)  # past the server clock: footage still in retention


def _segments(container, n: int = 2) -> tuple[int, list[int]]:
    with container.uow() as uow:
        cam = make_camera(uow.session, "G")
        ids = []
        for i in range(n):
            start = clock_module.now() + timedelta(seconds=60 * i)
            row = open_segment(uow.session, cam, start)
            seal_segment(uow.session, row.id, start + timedelta(seconds=60), 100, "ab" * 32)
            ids.append(row.id)
        uow.commit()
    return cam, ids


def _refused(container, statement) -> None:
    with pytest.raises(DBAPIError):
        with container.engine.begin() as conn:
            conn.execute(statement)


def _ok(container, statement) -> None:
    with container.engine.begin() as conn:
        conn.execute(statement)


def _user(container, name: str, roles: list[str]) -> None:
    with container.uow() as uow:
        uow.session.add(User(username=name, display_name=name, password_hash="x", roles=roles,
                             created_at=clock_module.now()))
        uow.commit()


def test_sealed_segment_cannot_be_reopened_or_rewritten(container, clock):
    clock.travel_to(FAR - timedelta(days=1))
    _, (a, b) = _segments(container)
    seg = update(Segment).where(Segment.id == a)
    _refused(container, seg.values(state=WRITING))  # then rewrite it as a writing row
    _refused(container, seg.values(sha256="cd" * 32))
    _refused(container, seg.values(path="1/elsewhere_1.ts"))
    _refused(container, seg.values(retain_until=FAR - timedelta(days=400)))
    _refused(container, seg.values(state=DELETING, deleted_at=FAR + timedelta(days=400)))
    _refused(container, delete(Segment).where(Segment.id == a))
    _ok(container, seg.values(retain_until=FAR + timedelta(days=100)))  # lengthening is fine
    with container.uow() as uow:
        assert uow.session.get(Segment, a).state == SEALED


def test_writing_row_keeps_its_path_and_slot(container, clock):
    with container.uow() as uow:
        cam = make_camera(uow.session, "W")
        row = open_segment(uow.session, cam, clock_module.now())
        uow.commit()
        seg_id = row.id
    seg = update(Segment).where(Segment.id == seg_id)
    _refused(container, seg.values(path=f"{cam}/2026/03/02/01/x_99.ts"))
    _refused(container, seg.values(seq=99))
    _refused(container, seg.values(start_at=datetime(2000, 1, 1, tzinfo=UTC)))
    _refused(container, seg.values(state=DELETED))


def test_no_row_can_alias_another_segments_file_or_skip_retention(container, clock):
    cam, (a, _) = _segments(container)
    with container.uow() as uow:
        victim = uow.session.get(Segment, a)
        path, start = victim.path, victim.start_at
    old = datetime(2000, 1, 1, tzinfo=UTC)
    base = dict(camera_id=cam, start_at=old, end_at=old + timedelta(seconds=60), bytes=1,
                sha256="00" * 32, state=SEALED, truncated=False, created_at=old,
                retain_until=old + timedelta(days=30))
    for alias in (path, f"{cam}/../{path}", f"{cam}//{path[len(str(cam)) + 1:]}"):
        _refused(container, insert(Segment).values(seq=900, path=alias, **base))
    _refused(container, insert(Segment).values(  # shorter than the national minimum
        seq=901, path=f"{cam}/2000/01/01/00/x_901.ts", **{**base, "retain_until": old}))
    _ok(container, insert(Segment).values(seq=902, path=f"{cam}/2000/01/01/00/x_902.ts", **base))
    assert start  # the victim's row is untouched


def test_hold_cannot_be_deleted_moved_or_released_without_role_and_reason(container, clock):
    cam, (a, _) = _segments(container)
    with container.uow() as uow:
        victim = uow.session.get(Segment, a)
        t0, t1 = victim.start_at, victim.end_at
    hold_id = holds.place_hold(container.uow(), cam, t0, t1, "officer.li", "取证",
                               case_ref="CASE-1")
    _user(container, "clerk.wu", ["clerk"])
    _user(container, "head.zhao", ["bureau_head"])
    hold = update(LegalHold).where(LegalHold.id == hold_id)
    now = clock_module.now()
    _refused(container, delete(LegalHold).where(LegalHold.id == hold_id))
    _refused(container, hold.values(t1=t0 + timedelta(microseconds=1)))
    _refused(container, hold.values(camera_id=cam + 1000))
    _refused(container, hold.values(released_at=now))  # nobody, no reason
    _refused(container, hold.values(released_at=now, released_by="clerk.wu", released_reason="结案"))
    _refused(container, hold.values(released_at=now, released_by="head.zhao", released_reason=" "))
    _refused(container, hold.values(released_by="head.zhao", released_reason="结案"))  # no time
    # Still held: the guard refuses to mark the (past-retention) segment.
    _refused(container, update(Segment).where(Segment.id == a).values(state=DELETING,
                                                                      deleted_at=now))
    holds.release_hold(container.uow(), hold_id, "head.zhao", "结案")
    _refused(container, hold.values(released_reason="改写"))  # a release is final
    later = now + timedelta(days=31)
    _ok(container, update(Segment).where(Segment.id == a).values(state=DELETING, deleted_at=later))


def test_install_replaces_the_guards_on_an_existing_schema(container, clock):
    with container.engine.begin() as conn:
        install_recorder_triggers(conn)
        install_recorder_triggers(conn)  # idempotent, as a migration re-run needs
    _, (a, _) = _segments(container)
    _refused(container, update(Segment).where(Segment.id == a).values(state=WRITING))
    with container.uow() as uow:
        assert uow.session.execute(select(Segment.state).where(Segment.id == a)).scalar() == SEALED


def test_a_segment_may_start_at_any_microsecond(container, clock):
    clock.travel_to(datetime(2026, 3, 2, 1, 0, 5, 999876, tzinfo=UTC))  # rounds up in ms
    _, ids = _segments(container, 1)
    assert ids
