"""Stand-in cameras for the demo, tests and benches: a camera row, a one-shot recording, an RTSP pusher."""
from __future__ import annotations

import socket
import subprocess
import threading
from typing import TYPE_CHECKING

from sqlalchemy import select

from casework import clock
from casework.models import Camera, Jurisdiction, Unit, VideoSystem
from recorder.capture.ingest import CameraRecorder
from recorder.catalogue.disk import footage_root

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def make_camera(session: Session, name: str = "cam", url: str | None = None,
                retention_days: int | None = None, jurisdiction_code: str = "recorder-demo",
                location: str = "大门口") -> int:
    """Create a camera (and a unit and system if needed); returns its id. Caller commits."""
    j = session.execute(select(Jurisdiction).where(Jurisdiction.code == jurisdiction_code)).scalar()
    if j is None:
        j = Jurisdiction(code=jurisdiction_code, name="录像演示辖区", organ_name="演示市公安局",
                         doc_prefix="演公(视)")
        session.add(j)
        session.flush()
    unit = session.execute(select(Unit).where(Unit.jurisdiction_id == j.id)).scalars().first()
    if unit is None:
        unit = Unit(credit_code=f"91{j.id:016d}", name="演示商场有限公司", address="演示路1号",
                    legal_representative="张三", site_category="商场", party_type="business",
                    jurisdiction_id=j.id, created_at=clock.now())
        session.add(unit)
        session.flush()
    system = session.execute(select(VideoSystem).where(VideoSystem.unit_id == unit.id)).scalars().first()
    if system is None:
        system = VideoSystem(unit_id=unit.id, site="演示路1号", purpose="治安防范", status="in_use",
                             created_at=clock.now())
        session.add(system)
        session.flush()
    cam = Camera(system_id=system.id, name=name, location=location, stream_url=url,
                 enabled=True, retention_days=retention_days, created_at=clock.now())
    session.add(cam)
    session.flush()
    return cam.id


def record_file(container, camera_id: int, url: str, segment_seconds: float = 2.0,
                **kwargs) -> CameraRecorder:
    """Record a file source to its end, in this thread; returns the finished recorder."""
    rec = CameraRecorder(camera_id, url, footage_root(container), container.uow,
                         threading.Event(), segment_seconds=segment_seconds, **kwargs)
    rec.run()
    return rec


class Pusher:
    """An ffmpeg process pushing a file over RTSP/TCP to 127.0.0.1 in real time, looping.

    It plays the camera: `kill()` drops the stream (as when a camera restarts); a
    background thread reconnects it until `stop()`.
    """

    def __init__(self, src: str, port: int, path: str = "cam") -> None:
        self.cmd = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1",
                    "-i", str(src), "-c", "copy", "-f", "rtsp", "-rtsp_transport", "tcp",
                    f"rtsp://127.0.0.1:{port}/{path}"]
        self.proc = None
        self.starts = 0
        self._stop = threading.Event()
        self._pause = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> Pusher:
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.is_set():
            if self._pause.is_set():
                self._stop.wait(0.1)
                continue
            self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.starts += 1
            self.proc.wait()
            self._stop.wait(0.2)

    def kill(self, pause_s: float = 0.0) -> None:
        """Drop the stream now; reconnect after `pause_s`."""
        if pause_s:
            self._pause.set()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        if pause_s:
            threading.Timer(pause_s, self._pause.clear).start()

    def stop(self) -> None:
        self._stop.set()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._thread.join(timeout=5)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listen_url(port: int, path: str = "cam") -> str:
    """A camera URL on which the recorder listens for the pushed RTSP stream."""
    return f"rtsp://127.0.0.1:{port}/{path}#rtsp_flags=listen&listen_timeout=5"
