"""Start-up recovery: seal what a crash left writing; quarantine files with no row."""
from __future__ import annotations

import hashlib
import logging
import os
from itertools import groupby
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import av
from sqlalchemy import select

from casework import clock
from casework.storage.files import fsync_dir
from recorder.quality.alarms import raise_alarm
from recorder.capture.sealing import seal_segment
from recorder.constants import QUARANTINE_DIRNAME, SEGMENT_EXT, WRITING
from recorder.catalogue.models import Segment
from recorder.catalogue.disk import camera_lock, sha256_file

if TYPE_CHECKING:
    from casework.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
EMPTY_SHA = hashlib.sha256(b"").hexdigest()


@dataclass
class RecoveryReport:
    sealed_truncated: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)


def media_duration(path: Path) -> float:
    """Seconds of video a (possibly cut-off) segment file holds, from its packets."""
    first = last = None
    try:
        with av.open(str(path)) as box:
            stream = box.streams.video[0]
            tb = stream.time_base
            for p in box.demux(stream):
                pts = p.pts if p.pts is not None else p.dts
                if pts is None:
                    continue
                end = pts + (p.duration or 0)
                first = pts if first is None else min(first, pts)
                last = end if last is None else max(last, end)
    except (av.FFmpegError, IndexError, OSError) as exc:
        log.warning("reading %s stopped early: %s", path, exc)
    if first is None or last is None:
        return 0.0
    return float((last - first) * tb)


def seal_writing(uow: UnitOfWork, root: Path, camera_ids: list[int] | None = None) -> list[str]:
    """Seal every `writing` row as truncated, with what its file holds.

    A camera whose lock another recorder holds is still being recorded: its rows are
    left alone (sealing them would freeze a hash while the file keeps growing)."""
    done = []
    with uow:
        q = select(Segment.camera_id, Segment.id, Segment.path, Segment.start_at).where(
            Segment.state == WRITING)
        if camera_ids:
            q = q.where(Segment.camera_id.in_(camera_ids))
        rows = uow.session.execute(q.order_by(Segment.camera_id, Segment.seq)).all()
    for camera_id, group in groupby(rows, key=lambda r: r[0]):
        with camera_lock(root, camera_id) as mine:
            if not mine:
                log.info("camera %s is being recorded elsewhere; its open segments stay", camera_id)
                continue
            done += [_seal_one(uow, root, seg_id, rel, start) for _, seg_id, rel, start in group]
    return done


def _seal_one(uow: UnitOfWork, root: Path, seg_id: int, rel: str, start: datetime) -> str:
    path = root / rel
    if path.exists():
        duration = media_duration(path) if path.stat().st_size else 0.0
        sha, size = sha256_file(path)
    else:
        duration, sha, size = 0.0, EMPTY_SHA, 0
    with uow:
        seal_segment(uow.session, seg_id, start + timedelta(seconds=duration), size, sha,
                     truncated=True)
        uow.commit()
    log.info("recovered %s as truncated (%d bytes, %.2f s)", rel, size, duration)
    return rel


def _hour_dirs(camera_dir: Path, since: datetime | None):
    """Hour directories of one camera, newest layout `<YYYY>/<MM>/<DD>/<HH>`, from `since`."""
    floor = None if since is None else since.strftime("%Y/%m/%d/%H")
    for dirpath, dirnames, _ in os.walk(camera_dir):
        rel = Path(dirpath).relative_to(camera_dir).as_posix()
        depth = 0 if rel == "." else rel.count("/") + 1
        if floor is not None and depth and rel < floor[: len(rel)]:
            dirnames[:] = []  # older than the window: prune
            continue
        if depth == 4:
            dirnames[:] = []
            yield Path(dirpath)


def quarantine_orphans(uow: UnitOfWork, root: Path, since: datetime | None = None) -> list[str]:
    """Move segment files that have no catalogue row to <root>/_quarantine and raise alarms."""
    moved = []
    if not root.exists():
        return moved
    for camera_dir in sorted(p for p in root.iterdir() if p.is_dir() and p.name.isdigit()):
        camera_id = int(camera_dir.name)
        for hour_dir in _hour_dirs(camera_dir, since):
            names = sorted(n for n in os.listdir(hour_dir) if n.endswith(SEGMENT_EXT))
            if not names:
                continue
            rels = [f"{camera_id}/{hour_dir.relative_to(camera_dir).as_posix()}/{n}" for n in names]
            with uow:
                known = set(uow.session.execute(
                    select(Segment.path).where(Segment.camera_id == camera_id,
                                               Segment.path.in_(rels))).scalars())
            for rel in rels:
                if rel not in known:
                    moved.append(_quarantine(uow, root, camera_id, rel))
    return moved


def _move_aside(source: Path, target: Path) -> Path:
    """Move a file to `target` (or `target.N` when taken): a quarantined file is never replaced."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for n in range(10_000):
        candidate = target if n == 0 else target.with_name(f"{target.name}.{n}")
        try:
            os.link(source, candidate)  # fails if the name exists, unlike rename
        except FileExistsError:
            continue
        os.unlink(source)
        return candidate
    raise FileExistsError(f"no free quarantine name for {target}")


def _quarantine(uow: UnitOfWork, root: Path, camera_id: int, rel: str) -> str:
    target = _move_aside(root / rel, root / QUARANTINE_DIRNAME / rel)
    fsync_dir(target.parent)
    fsync_dir((root / rel).parent)
    sha, size = sha256_file(target)
    with uow:
        raise_alarm(uow.session, camera_id, "orphan_file",
                    f"发现无目录记录的录像文件，已隔离 / segment file without a catalogue row "
                    f"quarantined: {rel}",
                    {"path": rel, "quarantined_to": str(target.relative_to(root)),
                     "bytes": size, "sha256": sha, "found_at": clock.now().isoformat()})
        uow.commit()
    log.warning("quarantined orphan file %s", rel)
    return rel


def recover(uow: UnitOfWork, root: Path, *, scan_hours: float | None = 6.0,
            camera_ids: list[int] | None = None) -> RecoveryReport:
    """Run at start-up before recording: seal writing rows, quarantine orphans.

    Files without rows can only appear from outside interference (rows are inserted
    before files are created), so by default only the last `scan_hours` of hour
    directories are scanned; `scan_hours=None` walks the whole store.
    """
    report = RecoveryReport()
    report.sealed_truncated = seal_writing(uow, root, camera_ids)
    since = None if scan_hours is None else clock.now() - timedelta(hours=scan_hours)
    report.quarantined = quarantine_orphans(uow, root, since)
    return report
