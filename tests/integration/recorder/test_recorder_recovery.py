"""Start-up recovery next to a live recorder, and quarantine that never replaces a file."""
from __future__ import annotations

import threading
import time

from sqlalchemy import select

from recorder import recovery, verify
from recorder.constants import SEALED, WRITING
from recorder.ingest import CameraRecorder
from recorder.models import RecorderAlarm, Segment
from recorder.store import footage_root
from recorder.synthetic import Scene, make_h264
from recorder.testing import make_camera


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
    rec = CameraRecorder(cam, f"{src}#realtime=1", root, container.uow, threading.Event(),
                         segment_seconds=60.0)
    rec.start()
    try:
        deadline = time.monotonic() + 20
        while WRITING not in _states(container, cam) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # some bytes are in the file
        report = recovery.recover(container.uow(), root)  # e.g. a second `recorder run`
        assert report.sealed_truncated == []
        assert _states(container, cam) == [WRITING]
    finally:
        rec.join(timeout=30)
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
