"""A real RTSP stream over TCP on 127.0.0.1: recording, and reconnecting after the source restarts."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from recorder.quality import checks
from recorder.catalogue import verify
from recorder.capture.ingest import CameraRecorder
from recorder.catalogue.models import RecorderAlarm, Segment
from recorder.catalogue.disk import footage_root
from recorder.dev.synthetic import Scene, make_h264
from recorder.dev.cameras import Pusher, free_port, listen_url, make_camera
from tests.recorder_helpers import WAIT_S, wait_for

pytest_plugins = ["tests.recorder_fixtures"]


@pytest.mark.slow
def test_rtsp_records_and_reconnects_after_restart(container, tmp_path, real_clock):
    src = make_h264(tmp_path / "cam.ts", 10, Scene(fps=25, gop=25))
    port = free_port()
    with container.uow() as uow:
        cam = make_camera(uow.session, "RTSP", listen_url(port))
        uow.commit()
    root = footage_root(container)
    rec = CameraRecorder(cam, listen_url(port), root, container.uow, threading.Event(),
                         segment_seconds=1.0)
    rec.start()
    pusher = Pusher(src, port).start()
    try:
        wait_for(lambda: rec.segments_sealed >= 3)
        pusher.kill(pause_s=2.0)  # the camera goes away for ~2 s
        wait_for(lambda: rec.connections >= 2 and rec.status == "recording")
        sealed = rec.segments_sealed
        wait_for(lambda: rec.segments_sealed >= sealed + 3)
    finally:
        rec.stop.set()
        pusher.stop()
        rec.join(timeout=WAIT_S)
    assert not rec.is_alive()
    with container.uow() as uow:
        rows = uow.session.execute(select(Segment).where(Segment.camera_id == cam)
                                   .order_by(Segment.seq)).scalars().all()
        alarms = uow.session.execute(select(RecorderAlarm)).scalars().all()
        assert [a.kind for a in alarms] == ["stream_lost"] and alarms[0].cleared_at is not None
        assert all(r.state == "sealed" for r in rows)
        spans = [(r.start_at, r.end_at) for r in rows]
    assert all(v.ok for v in verify.verify(container.uow(), root))
    holes = [(b[0] - a[1]).total_seconds() for a, b in zip(spans, spans[1:])]
    assert max(holes) > 1.5  # the outage is visible in the catalogue ...
    found = checks.check_camera(container.uow(), container.files, root, cam)
    assert [f["kind"] for f in found] == ["gap"]  # ... and as a gap finding
