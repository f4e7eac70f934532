"""The recorder's entry point: recover, then run one ingest thread per enabled camera.

Binds the database and the footage root and starts the jobs, like Frigate's
`record/record.py`; the jobs share one stop event and never import each other.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Callable

from sqlalchemy import select

from casework.models import Camera
from recorder import constants as C
from recorder.capture import recovery
from recorder.capture.ingest import CameraRecorder
from recorder.catalogue.disk import footage_root

log = logging.getLogger(__name__)


def segment_seconds_setting(default: float = C.SEGMENT_SECONDS) -> float:
    """Segment length from CASEWORK_RECORDER_SEGMENT_SECONDS (60 s by default)."""
    return float(os.environ.get("CASEWORK_RECORDER_SEGMENT_SECONDS", default))


class Recorder:
    """Keeps one CameraRecorder per enabled camera with a stream URL."""

    def __init__(self, container, *, segment_seconds: float | None = None,
                 camera_ids: list[int] | None = None, min_free_bytes: int = C.MIN_FREE_BYTES,
                 root: Path | None = None, stop: threading.Event | None = None) -> None:
        self.container = container
        self.root = root or footage_root(container)
        self.segment_seconds = segment_seconds or segment_seconds_setting()
        self.camera_ids = camera_ids
        self.min_free_bytes = min_free_bytes
        self.stop = stop or threading.Event()
        self.threads: dict[int, CameraRecorder] = {}
        self._urls: dict[int, str] = {}

    def recover(self) -> recovery.RecoveryReport:
        self.root.mkdir(parents=True, exist_ok=True)
        report = recovery.recover(self.container.uow(), self.root, camera_ids=self.camera_ids)
        for rel in report.sealed_truncated:
            log.info("recovered after a crash: %s", rel)
        return report

    def wanted(self) -> dict[int, str]:
        with self.container.uow() as uow:
            q = select(Camera.id, Camera.stream_url).where(Camera.enabled.is_(True),
                                                           Camera.stream_url.is_not(None))
            if self.camera_ids:
                q = q.where(Camera.id.in_(self.camera_ids))
            return {cid: url for cid, url in uow.session.execute(q) if url}

    def reconcile(self) -> None:
        """Start threads for new cameras, restart changed ones, stop removed ones."""
        wanted = self.wanted()
        for cid, thread in list(self.threads.items()):
            if wanted.get(cid) != self._urls.get(cid) or not thread.is_alive():
                if cid in wanted and not thread.is_alive() and wanted[cid] == self._urls.get(cid) \
                        and not thread.source.live and not thread.source.loop:
                    continue  # a file camera that played to its end stays done
                thread.stop.set()
                thread.join(timeout=C.OPEN_TIMEOUT_S + 5)
                del self.threads[cid]
        for cid, url in wanted.items():
            if cid not in self.threads:
                t = CameraRecorder(cid, url, self.root, self.container.uow, threading.Event(),
                                   segment_seconds=self.segment_seconds,
                                   min_free_bytes=self.min_free_bytes)
                self.threads[cid], self._urls[cid] = t, url
                t.start()

    def status(self) -> list[dict]:
        return [{"camera_id": cid, "status": t.status, "segments": t.segments_sealed,
                 "connections": t.connections} for cid, t in sorted(self.threads.items())]

    def serve(self, reload_s: float = 30.0, every: list[tuple[float, Callable[[], None]]] | None = None
              ) -> None:
        """Recover, record until `stop` is set, running periodic jobs in this thread."""
        self.recover()
        self.reconcile()
        due = {i: time.monotonic() + period for i, (period, _) in enumerate(every or [])}
        next_reload = time.monotonic() + reload_s
        while not self.stop.wait(0.5):
            now = time.monotonic()
            if now >= next_reload:
                self.reconcile()
                next_reload = now + reload_s
            for i, (period, job) in enumerate(every or []):
                if now >= due[i]:
                    try:
                        job()
                    except Exception:
                        log.exception("periodic recorder job failed")
                    due[i] = now + period
        self.shutdown()

    def shutdown(self) -> None:
        """Stop every camera; each seals its open segment."""
        self.stop.set()
        for t in self.threads.values():
            t.stop.set()
        for t in self.threads.values():
            t.join(timeout=C.OPEN_TIMEOUT_S + 5)
