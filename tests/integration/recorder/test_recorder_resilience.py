"""A hostile stream never stops other cameras; a full disk stops recording, never deletes."""
from __future__ import annotations

import os
import threading

from sqlalchemy import select

from recorder.capture.ingest import CameraRecorder
from recorder.catalogue.models import RecorderAlarm, Segment
from recorder.capture.runner import Recorder
from recorder.catalogue.disk import footage_root
from recorder.dev.synthetic import Scene, make_h264
from recorder.dev.cameras import make_camera
from tests.recorder_helpers import WAIT_S, wait_for


def alarms(container):
    with container.uow() as uow:
        return [(a.camera_id, a.kind) for a in uow.session.execute(select(RecorderAlarm)).scalars()]


def test_hostile_stream_does_not_disturb_other_cameras(container, tmp_path):
    good = make_h264(tmp_path / "good.ts", 6, Scene())
    garbage = tmp_path / "garbage.ts"
    garbage.write_bytes(b"\x47" + os.urandom(188 * 400))  # sync byte, then noise
    truncated = tmp_path / "half.ts"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2 + 77])
    with container.uow() as uow:
        ok = make_camera(uow.session, "good", str(good))
        bad = make_camera(uow.session, "garbage", str(garbage))
        half = make_camera(uow.session, "half", str(truncated))
        missing = make_camera(uow.session, "missing", str(tmp_path / "nope.ts"))
        uow.commit()
    rec = Recorder(container, segment_seconds=2.0, min_free_bytes=0)
    rec.recover()
    rec.reconcile()
    try:
        wait_for(lambda: (ok, "stream_lost") not in alarms(container)
                        and not rec.threads[ok].is_alive())
        wait_for(lambda: (missing, "stream_lost") in alarms(container))
        assert rec.threads[missing].is_alive()  # still retrying with back-off
    finally:
        rec.shutdown()
    with container.uow() as uow:
        per_camera = {}
        for cid, state in uow.session.execute(select(Segment.camera_id, Segment.state)):
            per_camera.setdefault(cid, []).append(state)
    assert per_camera[ok] == ["sealed"] * 3
    assert set(per_camera.get(half, ["sealed"])) == {"sealed"}
    assert bad not in per_camera or set(per_camera[bad]) == {"sealed"}


def test_full_disk_stops_recording_and_raises_an_alarm(container, tmp_path):
    src = make_h264(tmp_path / "a.ts", 4, Scene())
    with container.uow() as uow:
        cam = make_camera(uow.session, "full", f"{src}#loop=1")
        uow.commit()
    rec = CameraRecorder(cam, f"{src}#loop=1", footage_root(container), container.uow,
                         threading.Event(), segment_seconds=2.0, min_free_bytes=1 << 62)
    rec.start()
    try:
        wait_for(lambda: (cam, "disk_full") in alarms(container))
        assert rec.status == "disk_full"
    finally:
        rec.stop.set()
        rec.join(timeout=WAIT_S)
    with container.uow() as uow:
        assert uow.session.execute(select(Segment)).first() is None
