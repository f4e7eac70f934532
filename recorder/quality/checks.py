"""Quality checks: decode keyframes only, judge each with `picture`, store findings and gaps."""
from __future__ import annotations

import io
from fractions import Fraction
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import av
import numpy as np
from sqlalchemy import select

from casework import clock
from recorder.quality import picture
from recorder.constants import FROZEN, GAP, GAP_TOLERANCE_S, LIVE_STATES
from recorder.catalogue.models import Finding, QualityCursor, ReferenceView, Segment

if TYPE_CHECKING:
    from casework.storage.files import FileStore
    from casework.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
MIN_RUN_KEYFRAMES = 2  # a defect must persist across this many keyframes
FROZEN_MIN_S = 3.0
MERGE_S = 3.0  # a finding continuing one that ended this recently extends it


@dataclass
class Keyframe:
    at: datetime
    luma: np.ndarray
    frame: av.VideoFrame | None = None


def keyframes(path: Path, start: datetime) -> Iterator[Keyframe]:
    """Keyframes of a segment (skip_frame='NONKEY'), timed from the segment's start."""
    with av.open(str(path)) as box:
        stream = box.streams.video[0]
        stream.codec_context.skip_frame = "NONKEY"
        first = None
        try:
            for frame in box.decode(stream):
                if frame.pts is None:
                    continue
                first = frame.pts if first is None else first
                plane = frame.planes[0]
                raw = np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)
                luma = raw[:, : plane.width].copy()
                yield Keyframe(start + timedelta(seconds=float((frame.pts - first) * stream.time_base)),
                               luma, frame)
        except av.FFmpegError as exc:  # a truncated tail: keep what decoded
            log.warning("decoding %s stopped: %s", path, exc)


@dataclass
class Run:
    kind: str
    start: datetime
    last: datetime
    count: int
    evidence: Keyframe
    details: dict = field(default_factory=dict)


@dataclass
class Judge:
    """Turns a stream of keyframes into defect runs; pure apart from numpy."""

    ref: picture.FrameStats | None
    open: dict[str, Run] = field(default_factory=dict)
    closed: list[Run] = field(default_factory=list)
    prev: tuple[Keyframe, picture.FrameStats] | None = None

    def feed(self, kf: Keyframe) -> None:
        s = picture.stats(kf.luma)
        kinds = set()
        kind = picture.classify(s, self.ref)
        if kind:
            kinds.add(kind)
        if self.prev is not None and kind is None and picture.same_picture(self.prev[1], s):
            kinds.add(FROZEN)
            if FROZEN not in self.open:  # frozen since the previous keyframe
                self.open[FROZEN] = Run(FROZEN, self.prev[0].at, kf.at, 1, kf)
        for k in kinds:
            run = self.open.get(k)
            if run is None:
                self.open[k] = Run(k, kf.at, kf.at, 1, kf)
            else:
                run.last, run.count = kf.at, run.count + 1
        for k in [k for k in self.open if k not in kinds]:
            self._close(self.open.pop(k), kf.at)
        self.prev = (kf, s)

    def _close(self, run: Run, end: datetime) -> None:
        long_enough = (run.last - run.start).total_seconds() >= FROZEN_MIN_S if run.kind == FROZEN \
            else run.count >= MIN_RUN_KEYFRAMES
        if long_enough:
            run.last = end
            self.closed.append(run)

    def finish(self, end: datetime) -> list[Run]:
        for k in list(self.open):
            self._close(self.open.pop(k), end)
        return self.closed


def find_gaps(spans: list[tuple[datetime, datetime]], tolerance_s: float = GAP_TOLERANCE_S
              ) -> list[tuple[datetime, datetime]]:
    """Holes between consecutive recorded spans longer than the tolerance."""
    gaps = []
    for (_, end), (start, _) in zip(spans, spans[1:]):
        if (start - end).total_seconds() > tolerance_s:
            gaps.append((end, start))
    return gaps


def jpeg(frame: av.VideoFrame, width: int = 320) -> bytes:
    """A small JPEG thumbnail of a decoded frame (the finding's evidence)."""
    height = max(2, int(frame.height * width / frame.width) // 2 * 2)
    small = frame.reformat(width=width, height=height, format="yuvj420p")
    codec = av.CodecContext.create("mjpeg", "w")
    codec.width, codec.height, codec.pix_fmt = width, height, "yuvj420p"
    codec.time_base = Fraction(1, 25)
    out = io.BytesIO()
    for packet in codec.encode(small) + codec.encode(None):
        out.write(bytes(packet))
    return out.getvalue()


def _store_finding(session, files: FileStore, camera_id: int, kind: str, start: datetime,
                   end: datetime, frame: av.VideoFrame | None, details: dict) -> Finding:
    recent = session.execute(select(Finding).where(
        Finding.camera_id == camera_id, Finding.kind == kind,
        Finding.end_at >= start - timedelta(seconds=MERGE_S), Finding.start_at <= start,
    ).order_by(Finding.end_at.desc()).limit(1)).scalar()
    if recent is not None:  # the same defect carried over a check boundary
        recent.end_at = max(recent.end_at, end)
        return recent
    key = None
    if frame is not None:
        key = f"recorder/evidence/{camera_id}/{kind}_{start:%Y%m%dT%H%M%S%f}.jpg"
        if not files.path(key).exists():
            files.put(key, jpeg(frame))
    finding = Finding(camera_id=camera_id, kind=kind, start_at=start, end_at=end,
                      evidence_key=key, details=details, created_at=clock.now())
    session.add(finding)
    session.flush()
    return finding


def load_reference(session, files: FileStore, camera_id: int) -> picture.FrameStats | None:
    ref = session.get(ReferenceView, camera_id)
    if ref is None:
        return None
    return picture.stats(np.load(io.BytesIO(files.get(ref.luma_key))))


def set_reference(uow: UnitOfWork, files: FileStore, camera_id: int, luma: np.ndarray,
                  taken_by: str, frame: av.VideoFrame | None = None) -> None:
    """Store the view this camera should show (replaces any earlier one)."""
    stamp = clock.now().strftime("%Y%m%dT%H%M%S%f")
    buf = io.BytesIO()
    np.save(buf, picture.to_work(luma).astype(np.uint8))
    luma_key = f"recorder/reference/{camera_id}/{stamp}.npy"
    files.put(luma_key, buf.getvalue())
    thumb = None
    if frame is not None:
        thumb = f"recorder/reference/{camera_id}/{stamp}.jpg"
        files.put(thumb, jpeg(frame))
    with uow:
        row = uow.session.get(ReferenceView, camera_id)
        if row is None:
            row = ReferenceView(camera_id=camera_id, luma_key=luma_key, taken_at=clock.now(),
                                taken_by=taken_by)
            uow.session.add(row)
        row.luma_key, row.thumbnail_key, row.taken_at, row.taken_by = luma_key, thumb, clock.now(), taken_by
        uow.commit()


def check_camera(uow: UnitOfWork, files: FileStore, root: Path, camera_id: int,
                 limit: int = 500) -> list[dict]:
    """Check segments sealed since the last run; returns the findings stored or extended."""
    with uow:
        cursor = uow.session.get(QualityCursor, camera_id)
        last_seq = cursor.last_seq if cursor else 0
        state = dict(cursor.state) if cursor else {}
        segs = uow.session.execute(select(Segment.seq, Segment.path, Segment.start_at,
                                          Segment.end_at).where(
            Segment.camera_id == camera_id, Segment.seq > last_seq,
            Segment.state.in_(LIVE_STATES)).order_by(Segment.seq).limit(limit)).all()
        ref = load_reference(uow.session, files, camera_id)
    if not segs:
        return []
    judge = Judge(ref)
    for seg in segs:
        path = root / seg.path
        if not path.exists():
            continue
        for kf in keyframes(path, seg.start_at):
            if judge.ref is None and picture.good_reference(picture.stats(kf.luma)):
                set_reference(uow, files, camera_id, kf.luma, "recorder.auto", kf.frame)
                judge.ref = picture.stats(picture.to_work(kf.luma).astype(np.uint8))
            judge.feed(kf)
    runs = judge.finish(segs[-1].end_at)
    prev_end = datetime.fromisoformat(state["last_end"]) if state.get("last_end") else None
    spans = ([(prev_end, prev_end)] if prev_end else []) + [(s.start_at, s.end_at) for s in segs]
    stored = []
    with uow:
        for run in runs:
            f = _store_finding(uow.session, files, camera_id, run.kind, run.start, run.last,
                               run.evidence.frame, {"keyframes": run.count})
            stored.append(_plain(f))
        for start, end in find_gaps(spans):
            f = _store_finding(uow.session, files, camera_id, GAP, start, end, None,
                               {"seconds": round((end - start).total_seconds(), 3)})
            stored.append(_plain(f))
        cursor = uow.session.get(QualityCursor, camera_id)
        if cursor is None:
            cursor = QualityCursor(camera_id=camera_id)
            uow.session.add(cursor)
        cursor.last_seq = segs[-1].seq
        cursor.state = {"last_end": segs[-1].end_at.isoformat()}
        uow.commit()
    return stored


def _plain(f: Finding) -> dict:
    return {"id": f.id, "camera_id": f.camera_id, "kind": f.kind, "start": f.start_at,
            "end": f.end_at, "evidence_key": f.evidence_key, "details": dict(f.details or {})}


def check_all(uow: UnitOfWork, files: FileStore, root: Path) -> dict[int, list[dict]]:
    """Run the checks for every camera that has segments."""
    with uow:
        ids = list(uow.session.execute(select(Segment.camera_id).distinct()).scalars())
    return {cid: check_camera(uow, files, root, cid) for cid in sorted(ids)}
