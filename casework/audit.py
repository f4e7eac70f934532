"""Append-only hash-chained audit trail (全过程记录) and its verification."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select

from casework import clock
from casework.models.audit import AuditEvent, AuditHead

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

GENESIS = "0" * 64


def _digest(prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str,
            data: dict) -> str:
    body = json.dumps([prev_hash, seq, at, actor, action, subject, data],
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode()).hexdigest()


_EVENTS = AuditEvent.__table__
_HEAD = AuditHead.__table__
# Prebuilt once: this runs inside every engine step.
_LOCK_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update()
_INSERT_HEAD = _HEAD.insert()
_INSERT_EVENT = _EVENTS.insert()
_UPDATE_HEAD = _HEAD.update().where(_HEAD.c.id == 1).values(
    seq=bindparam("new_seq"), hash=bindparam("new_hash"))
# Advances the head only if it is still the one this process saw last; the UPDATE takes
# the row lock, so on a match nobody else can append before this transaction ends.
_ADVANCE_HEAD = _HEAD.update().where(
    _HEAD.c.id == 1, _HEAD.c.seq == bindparam("old_seq"), _HEAD.c.hash == bindparam("old_hash")).values(
    seq=bindparam("new_seq"), hash=bindparam("new_hash"))

# The head this process last wrote, per database. Only a guess: a stale or rolled-back
# value fails the conditional UPDATE above and the head is then read under its lock.
_last_head: dict[str, tuple[int, str]] = {}


def record(session: Session, actor: str, action: str, subject: str,
           data: dict[str, Any] | None = None) -> int:
    """Append one event in the caller's transaction (the unit of work commits it).

    The head row's lock serialises appends, so the chain never forks. Returns the seq.
    Usually two statements: advance the head from the last one seen here, insert the event.
    """
    conn = session.connection()
    payload = json.loads(json.dumps(data or {}, ensure_ascii=False, default=str))
    database = str(conn.engine.url)
    guess = _last_head.get(database)  # read before the time is taken: `at` never goes back
    at = clock.now().replace(microsecond=0)
    if guess is not None:
        last_seq, last_hash = guess
        seq = last_seq + 1
        digest = _digest(last_hash, seq, at.isoformat(), actor, action, subject, payload)
        params = {"old_seq": last_seq, "old_hash": last_hash, "new_seq": seq, "new_hash": digest}
        if conn.execute(_ADVANCE_HEAD, params).rowcount != 1:
            guess = None
    if guess is None:
        head = conn.execute(_LOCK_HEAD).first()
        if head is None:
            conn.execute(_INSERT_HEAD, {"id": 1, "seq": 0, "hash": GENESIS})
            last_seq, last_hash = 0, GENESIS
        else:
            last_seq, last_hash = head
        at = clock.now().replace(microsecond=0)  # taken under the lock
        seq = last_seq + 1
        digest = _digest(last_hash, seq, at.isoformat(), actor, action, subject, payload)
        conn.execute(_UPDATE_HEAD, {"new_seq": seq, "new_hash": digest})
    conn.execute(_INSERT_EVENT, {"seq": seq, "at": at, "actor": actor, "action": action,
                                 "subject": subject, "data": payload, "prev_hash": last_hash,
                                 "hash": digest})
    _last_head[database] = (seq, digest)
    return seq


@dataclass
class VerifyResult:
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    """Recompute the chain in seq order; name the first broken link."""
    prev, expected_seq, checked = GENESIS, 1, 0
    last = 0
    while True:
        rows = session.execute(
            select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch)
        ).scalars().all()
        if not rows:
            break
        for ev in rows:
            if ev.seq != expected_seq:
                return VerifyResult(checked, expected_seq, f"event {expected_seq} is missing")
            if ev.prev_hash != prev:
                return VerifyResult(checked, ev.seq, "prev_hash does not match the previous event")
            at = clock.as_utc(ev.at).isoformat()
            if _digest(prev, ev.seq, at, ev.actor, ev.action, ev.subject, ev.data) != ev.hash:
                return VerifyResult(checked, ev.seq, "content does not match its hash")
            prev, expected_seq, checked, last = ev.hash, ev.seq + 1, checked + 1, ev.seq
        session.expunge_all()
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.hash != prev):
        return VerifyResult(checked, checked + 1, "events after the last one were removed")
    return VerifyResult(checked)
