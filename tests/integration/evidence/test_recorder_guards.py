"""The database guards against a hostile or buggy application: try to defeat each one."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from casework import clock as clock_module
from casework.clock import UTC
from casework.models import User
from recorder.retention import holds
from recorder.capture.sealing import open_segment, seal_segment
from recorder.constants import DELETED, DELETING, SEALED, WRITING
from recorder.catalogue.guards import install_recorder_triggers
from tests.integration.tamper import as_owner
from recorder.catalogue.models import LegalHold, Segment
from recorder.dev.cameras import make_camera
from tests.integration.tamper import as_owner

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


def _row(container, seg_id: int) -> dict:
    with container.uow() as uow:
        row = uow.session.get(Segment, seg_id)
        return {c.name: getattr(row, c.name) for c in Segment.__table__.columns}


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
    # Its chain link vouches for retain_until: not even lengthened once sealed.
    _refused(container, seg.values(retain_until=FAR + timedelta(days=100)))
    _refused(container, seg.values(deletion_link="ab" * 32))  # a deletion link only with the mark
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
    with container.uow() as uow:
        until = uow.session.get(Segment, seg_id).retain_until
    _refused(container, seg.values(retain_until=until - timedelta(seconds=1)))
    _ok(container, seg.values(retain_until=until + timedelta(days=1)))  # a writing row's only grows


def test_no_row_can_alias_another_segments_file_or_skip_retention(container, clock):
    cam, (a, _) = _segments(container)
    before = _row(container, a)
    path = before["path"]
    old = datetime(2000, 1, 1, tzinfo=UTC)
    base = dict(camera_id=cam, start_at=old, end_at=old + timedelta(seconds=60), bytes=1,
                sha256="00" * 32, state=SEALED, truncated=False, created_at=old,
                retain_until=old + timedelta(days=30))
    for alias in (path, f"{cam}/../{path}", f"{cam}//{path[len(str(cam)) + 1:]}"):
        _refused(container, insert(Segment).values(seq=900, path=alias, **base))
    _refused(container, insert(Segment).values(  # shorter than the national minimum
        seq=901, path=f"{cam}/2000/01/01/00/x_901.ts", **{**base, "retain_until": old}))
    _ok(container, insert(Segment).values(seq=902, path=f"{cam}/2000/01/01/00/x_902.ts", **base))
    assert _row(container, a) == before  # the victim's row is untouched
    with container.uow() as uow:  # and no other row names its file
        assert uow.session.execute(select(Segment.id).where(Segment.path.like(f"%{path}"))
                                   ).scalars().all() == [a]


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
    seg = update(Segment).where(Segment.id == a)
    _refused(container, seg.values(state=DELETING, deleted_at=later))  # no deletion link
    _ok(container, seg.values(state=DELETING, deleted_at=later, deletion_link="ab" * 32))
    _refused(container, seg.values(deletion_link="cd" * 32))  # a tombstone keeps its record
    _refused(container, seg.values(state=DELETED, deleted_at=later + timedelta(days=1)))
    _ok(container, seg.values(state=DELETED))


def test_install_replaces_the_guards_on_an_existing_schema(container, clock):
    with as_owner(container.engine) as conn:  # migrations run as the schema's owner
        install_recorder_triggers(conn)
        install_recorder_triggers(conn)  # idempotent, as a migration re-run needs
    _, (a, _) = _segments(container)
    _refused(container, update(Segment).where(Segment.id == a).values(state=WRITING))
    with container.uow() as uow:
        assert uow.session.execute(select(Segment.state).where(Segment.id == a)).scalar() == SEALED


def test_a_segment_may_start_at_any_microsecond(container, clock):
    start = datetime(2026, 3, 2, 1, 0, 5, 999876, tzinfo=UTC)  # rounds up in ms
    clock.travel_to(start)
    _, [seg_id] = _segments(container, 1)  # the insert guard's 30-day floor let it in
    row = _row(container, seg_id)
    assert (row["start_at"], row["state"]) == (start, SEALED)
    assert row["retain_until"] - row["start_at"] == timedelta(days=30)


@pytest.mark.sqlite_only
def test_insert_or_replace_cannot_destroy_footage_or_holds(container, clock):
    """REPLACE deletes the old row; without recursive_triggers that skipped the DELETE guard."""
    cam, (a, _) = _segments(container)
    t0 = clock_module.now()
    hold_id = holds.place_hold(container.uow(), cam, t0, t0 + timedelta(minutes=5), "officer.li",
                               "取证", case_ref="CASE-1")
    before = _row(container, a)
    cols = [c.name for c in Segment.__table__.columns]
    picked = ", ".join("'deleted'" if c == "state" else c for c in cols)
    replace_segment = (f"INSERT OR REPLACE INTO recorder_segment ({', '.join(cols)}) "
                       f"SELECT {picked} FROM recorder_segment WHERE id = {a}")
    hold_cols = ", ".join(c.name for c in LegalHold.__table__.columns)
    replace_hold = (f"INSERT OR REPLACE INTO recorder_legal_hold ({hold_cols}) "
                    f"SELECT {hold_cols} FROM recorder_legal_hold WHERE id = {hold_id}")
    with container.engine.connect() as conn:  # our connections fire DELETE guards on REPLACE
        assert conn.exec_driver_sql("PRAGMA recursive_triggers").scalar() == 1
    for statement in (replace_segment, replace_hold):
        _refused(container, text(statement))
    raw = sqlite3.connect(container.engine.url.database)  # a connection without our pragmas
    try:
        assert raw.execute("PRAGMA recursive_triggers").fetchone()[0] == 0
        for statement in (replace_segment, replace_hold):
            with pytest.raises(sqlite3.IntegrityError):
                raw.execute(statement)
        raw.rollback()
    finally:
        raw.close()
    assert _row(container, a) == before
    assert holds.list_holds(container.uow(), cam)[0]["id"] == hold_id
