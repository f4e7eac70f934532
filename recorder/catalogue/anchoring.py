"""Each camera's chain head, anchored outside the database by a keyed checkpoint.

The links stay plain SHA-256 (`chain.link`), so an exported clip's manifest can be checked
by a court without our secret. What an attacker with the database and the code cannot forge
is the checkpoint file: every seal appends the camera's head (chain `camera:<id>`, count =
sealed seq, head = last link) through the audit anchor, signed with the chain key. `verify`
then names a rewritten chain (a head differing from the checkpoint at that count) and a
truncated one (a checkpoint recording more segments than the catalogue holds).
"""
from __future__ import annotations

import logging
import re
from collections import defaultdict

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from casework import audit
from casework.integrity import Anchor, Checkpoint, IntegrityError
from recorder.catalogue.models import ChainHead

log = logging.getLogger(__name__)

PREFIX = "camera:"
_NAME = re.compile(r"camera:(\d+)")
_PENDING = "recorder.pending_heads"  # session.info: {camera_id: (count, head)} to checkpoint


def chain_name(camera_id: int) -> str:
    return f"{PREFIX}{int(camera_id)}"


def note_sealed(session: Session, camera_id: int, count: int, head: str) -> None:
    """Checkpoint this head once the sealing transaction commits (the latest per camera)."""
    session.info.setdefault(_PENDING, {})[int(camera_id)] = (int(count), head)


@event.listens_for(Session, "after_commit")
def _checkpoint_after_commit(session: Session) -> None:
    """Like the audit chain's per-commit checkpoints: not fsynced (a power cut may lose the
    last seconds of them, never older ones); `recorder verify` and the daily export sync."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    try:
        checkpoints = audit.anchor_of(session).checkpoints
        for camera_id, (count, head) in sorted(pending.items()):
            checkpoints.append(chain_name(camera_id), count, head, sync=False)
    except (OSError, IntegrityError) as exc:
        # The seal is committed; the next seal's checkpoint covers this one too.
        log.error("camera checkpoint not written (%s): %s", sorted(pending), exc)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def heads(session: Session) -> list[tuple[str, int, str]]:
    """(chain name, count, head) of every camera's chain as the database holds it now."""
    rows = session.execute(select(ChainHead.camera_id, ChainHead.sealed_seq, ChainHead.chain)
                           .order_by(ChainHead.camera_id)).all()
    return [(chain_name(cid), int(seq), link) for cid, seq, link in rows]


def checkpoint_heads(session: Session, anchor: Anchor | None = None) -> int:
    """Write every camera's head as a synced checkpoint (the daily export); how many."""
    anchor = anchor or audit.anchor_of(session)
    found = heads(session)
    for name, count, head in found:
        anchor.checkpoints.append(name, count, head)
    return len(found)


def marks_by_camera(anchor: Anchor) -> dict[int, dict[int, list[Checkpoint]]]:
    """Every camera's checkpoints by count, from one read of the file (a camera whose rows
    all vanished is still there)."""
    found: dict[int, dict[int, list[Checkpoint]]] = defaultdict(lambda: defaultdict(list))
    for c in anchor.checkpoints.entries():
        if m := _NAME.fullmatch(c.chain):
            found[int(m.group(1))][c.count].append(c)
    return found
