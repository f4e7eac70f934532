"""Quality checks on recorded H.264: each defect found over its time, none on normal video."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from recorder.quality import checks
from recorder.catalogue.models import Finding, ReferenceView
from recorder.catalogue.disk import footage_root
from recorder.dev.synthetic import Scene
from tests.recorder_helpers import record_clip


def run_check(container, tmp_path, scene, seconds=14, name="cam"):
    cam = record_clip(container, tmp_path, name, seconds, scene)
    checks.check_camera(container.uow(), container.files, footage_root(container), cam)
    with container.uow() as uow:
        found = uow.session.execute(select(Finding).where(Finding.camera_id == cam)
                                    .order_by(Finding.start_at)).scalars().all()
        uow.session.expunge_all()
    return cam, found


def test_normal_video_has_no_findings_and_sets_a_reference(container, tmp_path):
    cam, found = run_check(container, tmp_path, Scene(), seconds=20)
    assert found == []
    with container.uow() as uow:
        ref = uow.session.get(ReferenceView, cam)
        assert ref.taken_by == "recorder.auto" and container.files.path(ref.thumbnail_key).exists()


@pytest.mark.parametrize("kind", ["black", "covered", "obstructed", "defocus", "moved", "frozen"])
def test_each_defect_is_found_with_evidence(container, tmp_path, clock, kind):
    cam, found = run_check(container, tmp_path, Scene(**{kind: (5.0, 11.0)}), name=kind)
    assert [f.kind for f in found] == [kind]
    f = found[0]
    t0 = clock.now()
    assert abs((f.start_at - t0).total_seconds() - 5) <= 1.01
    assert abs((f.end_at - t0).total_seconds() - 11) <= 1.01
    data = container.files.get(f.evidence_key)
    assert data[:2] == b"\xff\xd8"  # a JPEG thumbnail


def test_gap_between_recordings_and_cursor(container, tmp_path, clock):
    cam = record_clip(container, tmp_path, "gap", 6)
    root = footage_root(container)
    assert checks.check_camera(container.uow(), container.files, root, cam) == []
    clock.advance(seconds=20)  # the stream was down for 14 s
    record_clip(container, tmp_path, "gap", 6, camera_id=cam)
    [gap] = checks.check_camera(container.uow(), container.files, root, cam)
    assert gap["kind"] == "gap" and gap["details"]["seconds"] == 14.0
    assert gap["start"] == clock.now() - timedelta(seconds=14)
    assert checks.check_camera(container.uow(), container.files, root, cam) == []
