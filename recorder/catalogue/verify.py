"""Integrity: recompute each segment's hash and the per-camera chain; name the first break.

Each camera's chain is compared with its keyed checkpoints outside the database
(`anchoring`): a head differing from the checkpoint at that count is a rewrite, a checkpoint
counting more segments than the catalogue holds is a truncation. A tombstone (deleting or
deleted) must carry its deletion link and have been deleted past its retain_until (vouched
for by the chain) and outside every legal hold then in force."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from sqlalchemy import select

from casework import audit, clock
from casework.clock import format_local
from casework.integrity import Checkpoint
from recorder.catalogue import anchoring, chain
from recorder.constants import GENESIS, LIVE_STATES, WRITING
from recorder.catalogue.models import ChainHead, LegalHold, Segment
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
    checkpoints: int = 0  # how many of the camera's checkpoints the chain was compared with

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None


def held_at(row: Segment, holds: list[LegalHold], moment: datetime) -> LegalHold | None:
    """The legal hold that covered the row's footage at `moment`, if any."""
    end = row.end_at or row.start_at
    for h in holds:
        if (h.placed_at <= moment and (h.released_at is None or h.released_at > moment)
                and h.t0 < end and h.t1 > row.start_at):
            return h
    return None


def check_tombstone(row: Segment, holds: list[LegalHold], now: datetime) -> str:
    """Why a deleted (or deleting) row was not deleted lawfully ('' when it was)."""
    if row.deleted_at is None or row.deletion_link != chain.deletion_link_for(row):
        return "删除记录无效 / the tombstone's deletion link does not match"
    if row.deleted_at > now:
        return "删除时间在未来 / the tombstone is dated in the future"
    if row.deleted_at < row.retain_until:
        return (f"保存期内被删除（应保存至 {format_local(row.retain_until)}）/ deleted in "
                f"retention (retain until {format_local(row.retain_until)})")
    hold = held_at(row, holds, row.deleted_at)
    if hold is not None:
        return f"依法保全期间被删除（保全 {hold.id}）/ deleted under legal hold {hold.id}"
    return ""


def check_row(row: Segment, prev: str, expected_seq: int, root: Path,
              hash_files: bool = True, holds: list[LegalHold] | None = None,
              now: datetime | None = None) -> str:
    """Why one catalogue row breaks the chain or its file ('' when it is sound)."""
    if row.seq != expected_seq:
        return f"第{expected_seq}段目录记录缺失 / segment {expected_seq} is missing from the catalogue"
    if row.prev_chain != prev:
        return "前序链接不符 / prev_chain does not match the previous segment's chain"
    if chain.link_for(row, prev) != row.chain:
        return "目录元数据被改动 / catalogue metadata does not match its chain link"
    if row.state not in LIVE_STATES:
        return check_tombstone(row, holds or [], now or clock.now())
    if row.deletion_link is not None or row.deleted_at is not None:
        return "在用录像带有删除记录 / a live segment carries a deletion record"
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


def _against_checkpoint(mark_list, link: str) -> str:
    """Why a link differs from a checkpoint of its count ('' when every one agrees)."""
    for m in mark_list:
        if m.head != link:
            return (f"与{format_local(m.at)}的检查点不符（检查点文件第{m.line}行），链被改写 / "
                    f"differs from the checkpoint of {format_local(m.at)} (line {m.line}): "
                    "the chain was rewritten")
    return ""


def verify_camera(uow: UnitOfWork, root: Path, camera_id: int, since: datetime | None = None,
                  batch: int = 2000, progress: Callable[[int], None] | None = None,
                  marks: dict[int, list[Checkpoint]] | None = None) -> Verdict:
    """Walk one camera's chain in seq order from the start, or from the first segment at `since`,
    against its checkpoints; after a full clean walk, checkpoint the head (synced)."""
    v = Verdict(camera_id)
    now = clock.now()
    with uow:
        s = uow.session
        anchor = audit.anchor_of(s)
        if marks is None:  # read before the rows: each checkpoint names a committed seal
            marks = anchoring.marks_by_camera(anchor)[camera_id]
        holds = list(s.execute(select(LegalHold).where(LegalHold.camera_id == camera_id)).scalars())
        prev, expected, last_seq = GENESIS, 1, 0
        if since is not None:
            first = s.execute(select(Segment).where(
                Segment.camera_id == camera_id, Segment.start_at >= since,
                Segment.state != WRITING).order_by(Segment.seq).limit(1)).scalar_one_or_none()
            if first is None:  # nothing to walk: still compare the tail with the checkpoints
                last = s.execute(select(Segment.seq, Segment.chain).where(
                    Segment.camera_id == camera_id, Segment.state != WRITING,
                ).order_by(Segment.seq.desc()).limit(1)).first()
                if last is not None:
                    last_seq, prev = last
                    expected = last_seq + 1
            else:
                before = s.execute(select(Segment.chain).where(
                    Segment.camera_id == camera_id, Segment.seq == first.seq - 1,
                )).scalar_one_or_none()
                prev = before if before is not None else (
                    GENESIS if first.seq == 1 else first.prev_chain)
                expected, last_seq = first.seq, first.seq - 1
        while True:
            rows = s.execute(select(Segment).where(
                Segment.camera_id == camera_id, Segment.seq > last_seq, Segment.state != WRITING,
            ).order_by(Segment.seq).limit(batch)).scalars().all()
            if not rows:
                break
            for row in rows:
                reason = check_row(row, prev, expected, root, holds=holds, now=now)
                if not reason and row.seq in marks:
                    reason = _against_checkpoint(marks[row.seq], row.chain)
                    v.checkpoints += len(marks[row.seq])
                if reason:
                    shown = row.seq if row.seq == expected else expected
                    v.first_bad_seq, v.path, v.reason = shown, row.path, reason
                    return v
                prev, expected, last_seq = row.chain, row.seq + 1, row.seq
                v.checked += 1
            if progress:
                progress(v.checked)
            for row in rows:
                s.expunge(row)
        latest = max((m for ms in marks.values() for m in ms), key=lambda m: m.count, default=None)
        if latest is not None and latest.count > last_seq:
            v.first_bad_seq = last_seq + 1
            v.reason = (f"第{last_seq + 1}段起的录像记录被删除：{format_local(latest.at)}的检查点"
                        f"（第{latest.line}行）记有{latest.count}段 / segments from {last_seq + 1} "
                        f"were removed: the checkpoint of {format_local(latest.at)} "
                        f"(line {latest.line}) recorded {latest.count}")
            return v
        head = s.get(ChainHead, camera_id)
        if head is not None and (head.sealed_seq != last_seq or head.chain != prev):
            v.first_bad_seq = last_seq + 1
            v.reason = "链尾之后的录像记录被删除 / segments after the last one were removed"
        elif head is not None and since is None:
            anchor.checkpoints.append(anchoring.chain_name(camera_id), last_seq, prev)
    return v


def verify(uow: UnitOfWork, root: Path, camera_id: int | None = None,
           since: datetime | None = None) -> list[Verdict]:
    """Verify one camera or all cameras that have a chain or a checkpoint."""
    with uow:
        marks = anchoring.marks_by_camera(audit.anchor_of(uow.session))
        if camera_id is not None:
            ids = [camera_id]
        else:
            heads = set(uow.session.execute(select(ChainHead.camera_id)).scalars())
            ids = sorted(heads | set(marks))
    return [verify_camera(uow, root, cid, since, marks=marks[cid]) for cid in ids]
