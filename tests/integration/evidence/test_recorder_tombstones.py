"""Footage destroyed behind the guards' back is named by `recorder verify` (issue 11 §5)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from casework import clock as clock_module
from recorder.catalogue import chain, verify
from recorder.catalogue.disk import footage_root
from recorder.catalogue.models import Segment
from recorder.constants import DELETED
from recorder.retention import holds, sweeper
from tests.recorder_helpers import recorder_guards_lifted, segment_rows

pytest_plugins = ["tests.recorder_fixtures"]


def destroy(container, row: Segment, deleted_at, **forged) -> None:
    """What an owner with the guards off does: a well-formed tombstone, then `rm` the file."""
    values = {"state": DELETED, "deleted_at": deleted_at,
              "deletion_link": chain.deletion_link(row.chain, row.sha256, deleted_at), **forged}
    with recorder_guards_lifted(container.engine), container.engine.begin() as conn:
        conn.execute(update(Segment).where(Segment.id == row.id).values(**values))
    (footage_root(container) / row.path).unlink()


def broken(container, camera_id: int) -> verify.Verdict:
    [v] = verify.verify(container.uow(), footage_root(container), camera_id)
    assert not v.ok
    return v


def test_deleted_in_retention_is_named(container, record, clock, recorder_cli):
    cam = record("A", seconds=8)
    victim = segment_rows(container, cam)[1]
    destroy(container, victim, clock_module.now())
    v = broken(container, cam)
    assert (v.first_bad_seq, v.path) == (victim.seq, victim.path)
    assert "deleted in retention" in v.reason
    out = recorder_cli("verify", "--camera", str(cam))
    assert out.exit_code == 1 and f"BROKEN at segment {victim.seq}" in out.output
    assert "deleted in retention" in out.output and "Traceback" not in out.output


def test_retention_shortened_to_fit_breaks_the_chain(container, record, clock):
    cam = record("B", seconds=8)
    victim = segment_rows(container, cam)[0]
    now = clock_module.now()
    destroy(container, victim, now, retain_until=now - timedelta(seconds=1))
    v = broken(container, cam)
    assert v.first_bad_seq == victim.seq and "chain link" in v.reason


def test_deleted_under_a_legal_hold_is_named(container, record, clock):
    cam = record("C", seconds=8)
    rows = segment_rows(container, cam)
    hold_id = holds.place_hold(container.uow(), cam, rows[2].start_at, rows[2].end_at,
                               "officer.li", "取证", case_ref="CASE-7")
    clock.advance(days=31)  # past retention: only the hold protects segment 3
    destroy(container, rows[2], clock_module.now())
    v = broken(container, cam)
    assert v.first_bad_seq == rows[2].seq and f"legal hold {hold_id}" in v.reason


def test_forged_deletion_time_or_link_is_named(container, record, clock):
    cam = record("D", seconds=8)
    rows = segment_rows(container, cam)
    clock.advance(days=31)
    now = clock_module.now()
    destroy(container, rows[0], now, deletion_link="ab" * 32)
    v = broken(container, cam)
    assert v.first_bad_seq == rows[0].seq and "deletion link" in v.reason


def test_lawful_sweep_verifies(container, record, clock):
    cam = record("E", seconds=8)
    rows = segment_rows(container, cam)
    holds.place_hold(container.uow(), cam, rows[1].start_at, rows[1].end_at, "officer.li",
                     "取证", case_ref="CASE-8")
    clock.advance(days=31)
    assert sweeper.sweep(container.uow(), footage_root(container)).deleted == 3
    tombs = [r for r in segment_rows(container, cam) if r.state == DELETED]
    assert len(tombs) == 3 and all(r.deletion_link == chain.deletion_link_for(r) for r in tombs)
    [v] = verify.verify(container.uow(), footage_root(container), cam)
    assert v.ok and v.checked == 4, v.reason
