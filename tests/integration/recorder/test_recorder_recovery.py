"""Start-up recovery next to a live recorder, and quarantine that never replaces a file."""
from __future__ import annotations

import threading

from sqlalchemy import select

from recorder.capture import recovery
from recorder.catalogue import verify
from recorder.constants import SEALED, WRITING
from recorder.capture.ingest import CameraRecorder
from recorder.catalogue.models import RecorderAlarm, Segment
from recorder.catalogue.disk import footage_root
from recorder.dev.synthetic import Scene, make_h264
from recorder.dev.cameras import make_camera
from tests.recorder_helpers import WAIT_S, segment_rows, wait_for


def _states(container, camera_id):
    with container.uow() as uow:
        return list(uow.session.execute(select(Segment.state).where(
            Segment.camera_id == camera_id).order_by(Segment.seq)).scalars())


def test_recovery_leaves_a_camera_another_recorder_is_writing(container, tmp_path, clock):
    src = make_h264(tmp_path / "src.ts", 4, Scene(fps=25, gop=25))
    with container.uow() as uow:
        cam = make_camera(uow.session, "live")
        uow.commit()
    root = footage_root(container)
    # A looping source keeps the segment open until the test stops it (no race with its end).
    rec = CameraRecorder(cam, f"{src}#realtime=1&loop=1", root, container.uow, threading.Event(),
                         segment_seconds=60.0)
    rec.start()
    try:
        wait_for(lambda: WRITING in _states(container, cam), "a writing segment")
        writing = segment_rows(container, cam)[0]
        wait_for(lambda: (root / writing.path).stat().st_size > 0, "bytes in its file")
        report = recovery.recover(container.uow(), root)  # e.g. a second `recorder run`
        assert report.sealed_truncated == []
        assert _states(container, cam) == [WRITING]
    finally:
        rec.stop.set()
        rec.join(timeout=WAIT_S)
    assert _states(container, cam) == [SEALED]  # sealed by its own writer, whole
    [verdict] = verify.verify(container.uow(), root, cam)
    assert verdict.ok, verdict.reason


def test_quarantine_never_replaces_an_earlier_quarantined_file(container, clock):
    with container.uow() as uow:
        cam = make_camera(uow.session, "orphans")
        uow.commit()
    root = footage_root(container)
    rel = f"{cam}/2026/03/02/01/20260302T010000000Z_7.ts"
    for body in (b"first", b"second"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(body)
        assert recovery.quarantine_orphans(container.uow(), root) == [rel]
    kept = sorted(p.read_bytes() for p in (root / "_quarantine").rglob("*.ts*"))
    assert kept == [b"first", b"second"]
    with container.uow() as uow:
        alarms = uow.session.execute(select(RecorderAlarm.details).where(
            RecorderAlarm.kind == "orphan_file")).scalars().all()
    assert len({a["quarantined_to"] for a in alarms}) == 2
