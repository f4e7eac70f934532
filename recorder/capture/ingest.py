"""Ingest: one thread per camera copies packets into keyframe-aligned segments.

Timestamps: a segment's start/end come from packet PTS mapped to the wall clock
(`casework.clock`) at the first keyframe after connecting: wall = anchor_wall +
(pts - anchor_pts) × time_base. PTS keeps segment times exact and gap-free inside
one connection; the anchor makes them comparable across cameras. Live sources are
re-anchored at a cut when they drift more than MAX_CLOCK_DRIFT_S from the clock.
"""
from __future__ import annotations

import errno
import logging
import shutil
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Callable
from urllib.parse import parse_qsl

import av

from casework import clock
from recorder import constants as C
from recorder.quality.alarms import clear_alarms, raise_alarm
from recorder.capture.segments import SegmentWriter
from recorder.catalogue.disk import camera_lock

if TYPE_CHECKING:
    from casework.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


@dataclass
class Source:
    """A camera URL split into what PyAV opens and how we read it."""

    url: str
    options: dict[str, str] = field(default_factory=dict)
    realtime: bool = False  # pace a file like a live camera
    loop: bool = False  # reopen a file at its end (demo cameras)
    live: bool = False
    loop_gap_s: float = 0.0  # pause before reopening (a demo camera that reboots)


def parse_source(stream_url: str) -> Source:
    """Split `url#k=v&...`: our keys `realtime`, `loop`, `loop_gap`; the rest go to PyAV/FFmpeg."""
    url, _, fragment = stream_url.partition("#")
    opts = dict(parse_qsl(fragment))
    realtime = opts.pop("realtime", "0") == "1"
    loop = opts.pop("loop", "0") == "1"
    loop_gap = float(opts.pop("loop_gap", "0"))
    live = url.startswith(("rtsp://", "rtsps://", "rtmp://", "srt://", "udp://", "tcp://"))
    if url.startswith("rtsp"):
        opts.setdefault("rtsp_transport", "tcp")
    return Source(url, opts, realtime, loop, live, loop_gap)


def next_backoff(current: float) -> float:
    """Exponential back-off between reconnects, capped."""
    return min(C.RECONNECT_MAX_S, max(C.RECONNECT_MIN_S, current * 2))


def is_cut(keyframe: bool, offset: float, seg_offset: float, seconds: float) -> bool:
    """Cut a new segment only on a keyframe, once the current one is long enough."""
    return keyframe and offset - seg_offset >= seconds


class StopRecording(Exception):
    """Recording must stop for this camera (disk full); never delete to make room."""


class CameraRecorder(threading.Thread):
    """Records one camera until `stop` is set; its failures never reach other cameras."""

    def __init__(self, camera_id: int, stream_url: str, root: Path,
                 uow_factory: Callable[[], UnitOfWork], stop: threading.Event, *,
                 segment_seconds: float = C.SEGMENT_SECONDS,
                 min_free_bytes: int = C.MIN_FREE_BYTES) -> None:
        super().__init__(name=f"recorder-camera-{camera_id}", daemon=True)
        self.camera_id, self.source = camera_id, parse_source(stream_url)
        self.root, self.uow_factory, self.stop = root, uow_factory, stop
        self.segment_seconds, self.min_free_bytes = segment_seconds, min_free_bytes
        self.segments_sealed = 0
        self.connections = 0
        self.status = "starting"
        self._writer: SegmentWriter | None = None

    # -- the loop --------------------------------------------------------------
    def run(self) -> None:
        with camera_lock(self.root, self.camera_id) as mine:
            if not mine:
                self.status = "locked"
                self._alarm("camera_locked", "另一个录像进程正在录制此摄像机 / another recorder holds this camera")
                return
            self._loop()

    def _loop(self) -> None:
        backoff = 0.0
        while not self.stop.is_set():
            if not self._disk_ok():
                self.stop.wait(5.0)
                continue
            began = time.monotonic()
            try:
                self._record_once()
                reason = "end of stream"
            except StopRecording as exc:
                reason = str(exc)
            except Exception as exc:  # any failure of this stream stays in this thread
                reason = f"{type(exc).__name__}: {exc}"
            finally:
                self._close_writer()
            if self.stop.is_set():
                break
            if reason == "end of stream" and not self.source.live:
                if self.source.loop:
                    self.stop.wait(self.source.loop_gap_s)
                    continue
                break  # a file camera plays once
            if self.status == "disk_full":
                continue  # _disk_ok waits for space; no reconnect alarm for this
            self.status = "reconnecting"
            log.info("camera %s: %s; reconnecting", self.camera_id, reason)
            self._alarm("stream_lost", f"视频流中断 / stream lost: {reason}", {"reason": reason})
            backoff = C.RECONNECT_MIN_S if time.monotonic() - began > 30 else next_backoff(backoff)
            self.stop.wait(backoff)
        self.status = "stopped"

    def _record_once(self) -> None:
        src = self.source
        container = av.open(src.url, options=src.options,
                            timeout=(C.OPEN_TIMEOUT_S, C.READ_TIMEOUT_S))
        try:
            stream = container.streams.video[0]
            self.connections += 1
            self.status = "recording"
            if self.connections > 1 or src.live:
                self._clear("stream_lost")
            self._copy(container, stream)
        finally:
            container.close()

    def _copy(self, container, stream) -> None:
        # Per-packet work stays in floats (seconds since the anchor); datetimes are made
        # only when a segment opens or closes. Fractions/timedeltas per packet cost ~25 %.
        tb = float(stream.time_base)
        frame_s = float(1 / stream.average_rate) if stream.average_rate else 0.04
        live = self.source.live or self.source.realtime
        anchor_pts, anchor_wall, anchor_mono, last_pts = None, None, 0.0, None
        seg_off = end_off = 0.0
        stopped, realtime, seconds = self.stop.is_set, self.source.realtime, self.segment_seconds
        w = self._writer
        try:
            for packet in container.demux(stream):
                if stopped():
                    return
                pts = packet.pts
                if pts is None:
                    pts = packet.dts
                    if pts is None:
                        continue
                key = packet.is_keyframe
                if anchor_pts is not None and not -5.0 < (pts - last_pts) * tb < 60.0:
                    self._close_writer(anchor_wall, end_off)  # discontinuity: never glue across it
                    w, anchor_pts = None, None
                if anchor_pts is None:
                    if not key:
                        continue  # never start mid-GOP
                    anchor_pts, anchor_wall, anchor_mono = pts, clock.now(), time.monotonic()
                last_pts = pts
                offset = (pts - anchor_pts) * tb
                if realtime:
                    delay = anchor_mono + offset - time.monotonic()
                    if delay > 0 and self.stop.wait(delay):
                        return
                if key and w is not None and is_cut(key, offset, seg_off, seconds):
                    self._close_writer(anchor_wall, end_off)
                    w = None
                    if live:
                        drift = (anchor_wall + timedelta(seconds=offset) - clock.now()).total_seconds()
                        if abs(drift) > C.MAX_CLOCK_DRIFT_S:  # re-anchor at a cut only
                            anchor_pts, anchor_wall, offset = pts, clock.now(), 0.0
                if w is None:
                    if not key:
                        continue
                    self._check_space()
                    seg_off = end_off = offset
                    w = self._writer = SegmentWriter(self.root, self.camera_id, self.uow_factory,
                                                     stream, anchor_wall + timedelta(seconds=offset))
                duration = packet.duration  # read before muxing moves the packet
                try:
                    w.write_at(packet, pts)
                except OSError as exc:
                    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                        self._disk_full(str(exc))
                    raise
                end_off = offset + (duration * tb if duration else frame_s)
        finally:  # end of stream, error or stop: seal what was written
            self._close_writer(anchor_wall, end_off)

    # -- segments, space and alarms -----------------------------------------------
    def _close_writer(self, anchor_wall: datetime | None = None, end_off: float = 0.0) -> None:
        w, self._writer = self._writer, None
        if w is None:
            return
        if anchor_wall is not None:
            w.end = max(w.start, anchor_wall + timedelta(seconds=end_off))
        try:
            w.close()
            self.segments_sealed += 1
        except OSError as exc:
            log.error("camera %s: sealing %s failed: %s", self.camera_id, w.relpath, exc)
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                self._disk_full(str(exc))

    def _check_space(self) -> None:
        if not self._disk_ok():
            raise StopRecording("disk full")

    def _disk_ok(self) -> bool:
        free = shutil.disk_usage(self.root).free
        if free >= self.min_free_bytes:
            if self.status == "disk_full":
                self._clear("disk_full")
                self.status = "starting"
            return True
        self._disk_full(f"free {free} B < {self.min_free_bytes} B")
        return False

    def _disk_full(self, detail: str) -> None:
        if self.status != "disk_full":
            self.status = "disk_full"
            log.error("camera %s: disk full, recording stopped (%s)", self.camera_id, detail)
            self._alarm("disk_full", "磁盘已满，录像已停止，保存期内录像不会被删除 / disk full: "
                        "recording stopped, footage in retention is never deleted",
                        {"detail": detail, "root": str(self.root)})

    def _alarm(self, kind: str, message: str, details: dict | None = None) -> None:
        try:
            with self.uow_factory() as uow:
                raise_alarm(uow.session, self.camera_id, kind, message, details)
                uow.commit()
        except Exception as exc:  # an alarm must never kill the recorder
            log.error("camera %s: could not raise alarm %s: %s", self.camera_id, kind, exc)

    def _clear(self, kind: str) -> None:
        try:
            with self.uow_factory() as uow:
                if clear_alarms(uow.session, self.camera_id, kind):
                    uow.commit()
        except Exception as exc:
            log.error("camera %s: could not clear alarm %s: %s", self.camera_id, kind, exc)

