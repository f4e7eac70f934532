"""Integrity: recompute each segment's hash and the per-camera chain; name the first break."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from sqlalchemy import select

from recorder.catalogue import chain
from recorder.constants import GENESIS, LIVE_STATES, WRITING
from recorder.catalogue.models import ChainHead, Segment
from recorder.catalogue.disk import sha256_file

if TYPE_CHECKING:
    from casework.storage.unit_of_work import UnitOfWork


@dataclass
class Verdict:
    """One camera's result: how many segments checked and the first bad one, if any."""

    camera_id: int
    checked: int = 0
    first_bad_seq: int | None = None
    path: str | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None


def check_row(row: Segment, prev: str, expected_seq: int, root: Path,
              hash_files: bool = True) -> str:
    """Why one catalogue row breaks the chain or its file ('' when it is sound)."""
    if row.seq != expected_seq:
        return f"第{expected_seq}段目录记录缺失 / segment {expected_seq} is missing from the catalogue"
    if row.prev_chain != prev:
        return "前序链接不符 / prev_chain does not match the previous segment's chain"
    if chain.link_for(row, prev) != row.chain:
        return "目录元数据被改动 / catalogue metadata does not match its chain link"
    if row.state in LIVE_STATES and hash_files:
        path = root / row.path
        if not path.exists():
            if row.bytes == 0:
                return ""
            return "录像文件缺失 / segment file was removed"
        sha, size = sha256_file(path)
        if size != row.bytes or sha != row.sha256:
            return "录像文件内容被改动 / segment file content does not match its SHA-256"
    return ""


def verify_camera(uow: UnitOfWork, root: Path, camera_id: int, since: datetime | None = None,
                  batch: int = 2000, progress: Callable[[int], None] | None = None) -> Verdict:
    """Walk one camera's chain in seq order from the start, or from the first segment at `since`."""
    v = Verdict(camera_id)
    with uow:
        s = uow.session
        prev, expected, last_seq = GENESIS, 1, 0
        if since is not None:
            first = s.execute(select(Segment).where(
                Segment.camera_id == camera_id, Segment.start_at >= since,
                Segment.state != WRITING).order_by(Segment.seq).limit(1)).scalar_one_or_none()
            if first is None:
                return v
            before = s.execute(select(Segment.chain).where(
                Segment.camera_id == camera_id, Segment.seq == first.seq - 1)).scalar_one_or_none()
            prev = before if before is not None else (GENESIS if first.seq == 1 else first.prev_chain)
            expected, last_seq = first.seq, first.seq - 1
        while True:
            rows = s.execute(select(Segment).where(
                Segment.camera_id == camera_id, Segment.seq > last_seq, Segment.state != WRITING,
            ).order_by(Segment.seq).limit(batch)).scalars().all()
            if not rows:
                break
            for row in rows:
                reason = check_row(row, prev, expected, root)
                if reason:
                    shown = row.seq if row.seq == expected else expected
                    v.first_bad_seq, v.path, v.reason = shown, row.path, reason
                    return v
                prev, expected, last_seq = row.chain, row.seq + 1, row.seq
                v.checked += 1
            if progress:
                progress(v.checked)
            s.expunge_all()
        head = s.get(ChainHead, camera_id)
        if head is not None and (head.sealed_seq != last_seq or head.chain != prev):
            v.first_bad_seq = last_seq + 1
            v.reason = "链尾之后的录像记录被删除 / segments after the last one were removed"
    return v


def verify(uow: UnitOfWork, root: Path, camera_id: int | None = None,
           since: datetime | None = None) -> list[Verdict]:
    """Verify one camera or all cameras that have a chain."""
    with uow:
        ids = [camera_id] if camera_id is not None else list(uow.session.execute(
            select(ChainHead.camera_id).order_by(ChainHead.camera_id)).scalars())
    return [verify_camera(uow, root, cid, since) for cid in ids]
