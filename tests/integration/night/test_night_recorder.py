"""The recorder's night jobs: retention, health (camera hours, violations), chain checks; their
audit events name the system account the run acts as."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from casework.models import AuditEvent, Violation
from casework.install.seed import seed_reference_data
from recorder.retention import holds
from recorder.constants import DELETED, SEALED
from recorder.health.findings import judge_day
from recorder.health.models import CameraHour
from recorder.health.summaries import hour_facts
from recorder.catalogue.models import Segment
from recorder.catalogue.disk import footage_root
from recorder.dev.synthetic import Scene, make_h264
from recorder.dev.cameras import make_camera, record_file
from tests.integration.night.system import SYSTEM, opts
from workflows import jobs


@pytest.fixture
def clip(tmp_path):
    return make_h264(tmp_path / "src" / "clip.ts", 6, Scene())


def actors(container, action: str) -> list[str]:
    with container.uow() as uow:
        return list(uow.session.scalars(select(AuditEvent.actor).where(AuditEvent.action == action)))


def segments(container, camera_id):
    with container.uow() as uow:
        rows = uow.session.scalars(select(Segment).where(Segment.camera_id == camera_id)
                                   .order_by(Segment.seq)).all()
        uow.session.expunge_all()
        return rows


def test_retention_job_deletes_exactly_the_expired_unheld_segments(container, clip, clock):
    with container.uow() as uow:
        a, b = make_camera(uow.session, "A"), make_camera(uow.session, "B", retention_days=60)
        uow.commit()
    for cam in (a, b):
        record_file(container, cam, str(clip), segment_seconds=2.0)
    seg = segments(container, a)
    holds.place_hold(container.uow(), a, seg[0].start_at, seg[0].end_at, "officer.li", "取证", case_ref="CASE-2026-1")
    clock.advance(days=29)
    assert jobs.retention_sweep(container, opts()).counts["deleted"] == 0
    clock.advance(days=2)
    run = jobs.retention_sweep(container, opts())
    expected = {s.id for s in seg[1:] if s.end_at <= seg[0].start_at or s.start_at >= seg[0].end_at}
    assert run.counts["deleted"] == len(expected) and run.counts["held"] == len(seg) - len(expected)
    assert {s.id for s in segments(container, a) if s.state == DELETED} == expected
    assert all(s.state == SEALED for s in segments(container, b))
    assert jobs.retention_sweep(container, opts()).id == run.id  # the night's run is done: no second pass
    assert set(actors(container, "recorder.sweep")) == {SYSTEM.name}


def test_hour_facts_count_gaps_only_while_the_camera_was_watched():
    h = datetime(2026, 3, 2, 1, tzinfo=timezone.utc)
    m = timedelta(minutes=1)
    facts = hour_facts(h, [(h, h + 10 * m), (h + 5 * m, h + 20 * m)], [(h + 50 * m, h + 70 * m)],
                       [("black", h + 30 * m, h + 31 * m)], watched_from=h - m, now=h + 40 * m)
    assert facts == {"covered_s": 1200.0, "gap_s": 1200.0, "held_s": 600.0, "findings": 1,
                     "finding_kinds": {"black": 60.0}}


def test_judge_day_names_the_acts_and_leaves_short_blips_alone():
    day = date(2026, 3, 2)
    assert judge_day("cam", day, 120.0, {"black": 60.0}, None, 30) == []
    acts = judge_day("cam", day, 4000.0, {"covered": 1000.0, "black": 900.0}, 15, 30)
    assert [a.code for a in acts] == ["interruption", "obstructed", "short_retention"]


def test_health_job_summarises_camera_hours_and_opens_sanctioned_violations_once(container, clip, clock):
    seed_reference_data(container, progress=lambda _m: None)
    with container.uow() as uow:
        cz = make_camera(uow.session, "常州-大门", jurisdiction_code="changzhou", retention_days=10)
        demo = make_camera(uow.session, "演示", jurisdiction_code="recorder-demo")
        uow.commit()
    for cam in (cz, demo):
        record_file(container, cam, str(clip), segment_seconds=2.0)
    clock.advance(hours=20)  # 05:00 the next morning; the camera has been silent since 09:00
    run = jobs.recorder_health(container, opts())
    assert run.params["on"] == "2026-03-02" and run.state == "done"
    # 09:00-24:00 local: 15 hours each, nearly all gap.
    assert run.counts["camera_hours"] == 30
    assert run.counts["violations_opened"] == 2  # interruption + short retention (常州 sanctions both)
    assert run.counts["unsanctioned"] == 1  # the demo jurisdiction has no rulebook to cite
    with container.uow() as uow:
        codes = sorted(uow.session.scalars(select(Violation.code).where(Violation.origin == "recorder")))
        gap = uow.session.scalar(select(func.sum(CameraHour.gap_s)).where(CameraHour.camera_id == cz))
    assert codes == ["interruption", "short_retention"]
    assert actors(container, "violation.opened") == [SYSTEM.name, SYSTEM.name]
    assert 15 * 3600 - 10 < gap < 15 * 3600
    again = jobs.recorder_health(container, opts(run_key="again"))
    assert again.counts["violations_opened"] == 0 and again.counts["continuing"] == 2
    assert again.counts["camera_hours"] == 30  # rewritten, not added
    with container.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(CameraHour)) == 30


def test_audit_verify_checks_the_audit_chain_and_names_a_broken_camera(container, clip):
    with container.uow() as uow:
        a, b = make_camera(uow.session, "A"), make_camera(uow.session, "B")
        uow.commit()
    for cam in (a, b):
        record_file(container, cam, str(clip), segment_seconds=2.0)
    victim = footage_root(container) / segments(container, b)[1].path
    victim.write_bytes(victim.read_bytes()[:-10] + b"0123456789")
    run = jobs.audit_verify(container, opts())
    assert run.result["audit_ok"] == 1 and run.result["audit_checked"] > 0
    assert run.counts["cameras"] == 2 and run.counts["broken"] == 1
    with container.uow() as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "recorder.chain_broken")).one()
    assert (event.subject, event.actor, event.data["first_bad_seq"]) == (f"camera:{b}", SYSTEM.name, 2)
