"""Catalogue writes shared by the jobs: open a segment row, seal it onto the chain."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from casework import clock
from recorder.catalogue import anchoring, chain
from recorder.constants import GENESIS, SEALED, TRUNCATED, WRITING
from recorder.catalogue.models import ChainHead, Segment
from recorder.retention.policy import retention_for
from recorder.catalogue.disk import segment_relpath

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def lock_head(session: Session, camera_id: int) -> ChainHead:
    """The camera's chain head, locked for this transaction (created on first use)."""
    head = session.execute(
        select(ChainHead).where(ChainHead.camera_id == camera_id).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = ChainHead(camera_id=camera_id, next_seq=1, sealed_seq=0, chain=GENESIS)
        session.add(head)
        session.flush()
    return head


def open_segment(session: Session, camera_id: int, start: datetime) -> Segment:
    """Insert a `writing` row with its seq, path and retain_until; the caller commits."""
    head = lock_head(session, camera_id)
    seq = head.next_seq
    head.next_seq = seq + 1
    retention = retention_for(session, camera_id, start)
    row = Segment(camera_id=camera_id, seq=seq, start_at=start, end_at=None,
                  path=segment_relpath(camera_id, start, seq), bytes=0, state=WRITING,
                  truncated=False, retain_until=retention.until(start),
                  retention_source=retention.source, created_at=clock.now())
    session.add(row)
    session.flush()
    return row


def seal_segment(session: Session, segment_id: int, end: datetime, size: int, sha256: str,
                 truncated: bool = False) -> Segment:
    """Seal a writing row onto the camera's chain in the caller's transaction."""
    row = session.get(Segment, segment_id, with_for_update=True)
    if row is None or row.state != WRITING:
        raise ValueError(f"segment {segment_id} is not writing")
    head = lock_head(session, row.camera_id)
    row.end_at = max(end, row.start_at)
    row.bytes, row.sha256, row.truncated = size, sha256, truncated
    row.prev_chain = head.chain
    row.chain = chain.link_for(row, head.chain)
    row.state = TRUNCATED if truncated else SEALED
    head.chain, head.sealed_seq = row.chain, row.seq
    session.flush()
    anchoring.note_sealed(session, row.camera_id, row.seq, row.chain)
    return row
