"""Append-only, keyed and anchored audit trail (全过程记录) and its verification.

Each event's hash is an HMAC (casework.integrity) over the previous hash and the event,
under a key the database does not hold; after every commit that appended events, the new
head is written as a signed checkpoint to a file outside the database. `verify` recomputes
the chain and checks it against every checkpoint, so a rewritten event, a rehashed chain
and a truncated tail are all named.
"""
from __future__ import annotations

import hashlib
import json
import logging
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session

from casework import clock
from casework.integrity import GENESIS, Anchor, ChainKey, IntegrityError
from casework.models.audit import AuditEvent, AuditHead

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

CHAIN = "audit"
ANCHOR_INFO = "casework.anchor"  # session.info key: a zero-argument callable -> Anchor
_PENDING = "casework.audit_head"
log = logging.getLogger(__name__)


def _fields(seq: int, at: str, actor: str, action: str, subject: str, data: dict) -> list:
    return [seq, at, actor, action, subject, data]


def _legacy_digest(prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str,
                   data: dict) -> str:
    """The unkeyed SHA-256 link of chains written before keys (read by `rekey` only)."""
    body = json.dumps([prev_hash, seq, at, actor, action, subject, data],
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode()).hexdigest()


# The anchor of each database engine (bound by casework.bootstrap): every session on the
# engine, whatever factory made it, appends and checkpoints with the deployment's key.
_ANCHORS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


# The OS user behind a system account's process, recorded in each event it writes.
_OS_USERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def bind_anchor(engine, opener) -> None:
    """Bind a zero-argument callable returning the Anchor to a database engine."""
    _ANCHORS[engine] = opener


def bind_os_user(engine, os_user: str) -> None:
    """From now on every event written through `engine` records `os_user` (system accounts)."""
    _OS_USERS[engine] = os_user


def anchor_of(session: Session) -> Anchor:
    """The key and checkpoint log bound to this session (or to its engine)."""
    opener = session.info.get(ANCHOR_INFO)
    if opener is None:
        bind = session.get_bind()
        opener = _ANCHORS.get(getattr(bind, "engine", bind))
    if opener is None:
        raise IntegrityError("会话未绑定链密钥 / this session has no chain key: build it "
                             "through casework.bootstrap")
    return opener()


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
    key = anchor_of(session).key
    conn = session.connection()
    payload = json.loads(json.dumps(data or {}, ensure_ascii=False, default=str))
    os_user = _OS_USERS.get(conn.engine)
    if os_user is not None:
        payload["os_user"] = os_user
    database = str(conn.engine.url)
    guess = _last_head.get(database)  # read before the time is taken: `at` never goes back
    at = clock.now().replace(microsecond=0)
    if guess is not None:
        last_seq, last_hash = guess
        seq = last_seq + 1
        digest = key.link(last_hash, _fields(seq, at.isoformat(), actor, action, subject, payload))
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
        digest = key.link(last_hash, _fields(seq, at.isoformat(), actor, action, subject, payload))
        conn.execute(_UPDATE_HEAD, {"new_seq": seq, "new_hash": digest})
    conn.execute(_INSERT_EVENT, {"seq": seq, "at": at, "actor": actor, "action": action,
                                 "subject": subject, "data": payload, "prev_hash": last_hash,
                                 "hash": digest})
    _last_head[database] = (seq, digest)
    session.info[_PENDING] = (seq, digest)
    return seq


@event.listens_for(Session, "after_commit")
def _checkpoint_after_commit(session: Session) -> None:
    """Anchor the head each committing transaction reached (one line per audited commit).

    Every commit, so truncation or rewriting is detected up to the last committed event;
    not fsynced (~0.15 ms against a ~5 ms SQLite commit here): a power cut may lose the last
    seconds of checkpoints, never the older ones. `verify` and exports write synced ones."""
    pending = session.info.pop(_PENDING, None)
    if pending is None:
        return
    try:
        anchor_of(session).checkpoints.append(CHAIN, *pending, sync=False)
    except (OSError, IntegrityError) as exc:
        # The act is committed; the next checkpoint covers these events too.
        log.error("audit checkpoint not written (seq %s): %s", pending[0], exc)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def first_authentic(session: Session, subject: str, action: str) -> dict | None:
    """The data of the first `action` event on `subject`, if its keyed hash holds (an
    event rewritten without the key is treated as absent); None if there is none."""
    ev = session.execute(
        select(AuditEvent).where(AuditEvent.subject == subject, AuditEvent.action == action)
        .order_by(AuditEvent.seq).limit(1)).scalar_one_or_none()
    if ev is None:
        return None
    fields = _fields(ev.seq, clock.as_utc(ev.at).isoformat(), ev.actor, ev.action, ev.subject,
                     ev.data)
    return ev.data if anchor_of(session).key.link(ev.prev_hash, fields) == ev.hash else None


@dataclass
class VerifyResult:
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""
    checkpoints: int = 0  # how many checkpoints the chain was compared against

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


def _events(session: Session, batch: int):
    last = 0
    while True:
        rows = session.execute(
            select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch)
        ).scalars().all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


def verify(session: Session, anchor: Anchor | None = None, batch: int = 5000) -> VerifyResult:
    """Recompute the keyed chain in seq order and compare it with every checkpoint."""
    anchor = anchor or anchor_of(session)
    marks = {c.count: c for c in anchor.checkpoints.entries(CHAIN)}
    prev, expected_seq, checked = GENESIS, 1, 0
    for ev in _events(session, batch):
        if ev.seq != expected_seq:
            return VerifyResult(checked, expected_seq, f"event {expected_seq} is missing")
        if ev.prev_hash != prev:
            return VerifyResult(checked, ev.seq, "prev_hash does not match the previous event")
        fields = _fields(ev.seq, clock.as_utc(ev.at).isoformat(), ev.actor, ev.action,
                         ev.subject, ev.data)
        if anchor.key.link(prev, fields) != ev.hash:
            reason = "content does not match its keyed hash"
            if ev.seq == 1 and not marks and _legacy_digest(prev, *fields) == ev.hash:
                reason = "the chain is not keyed yet: run `casework audit rekey`"
            return VerifyResult(checked, ev.seq, reason)
        mark = marks.get(ev.seq)
        if mark is not None and mark.head != ev.hash:
            return VerifyResult(checked, ev.seq, f"differs from the checkpoint of "
                                f"{clock.format_local(mark.at)} (line {mark.line})")
        prev, expected_seq, checked = ev.hash, ev.seq + 1, checked + 1
    used = sum(1 for count in marks if count <= checked)
    last = max(marks.values(), key=lambda c: c.count, default=None)
    if last is not None and last.count > checked:
        return VerifyResult(checked, checked + 1, f"events after {checked} were removed: the "
                            f"checkpoint of {clock.format_local(last.at)} (line {last.line}) "
                            f"recorded {last.count}", used)
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.hash != prev):
        return VerifyResult(checked, checked + 1, "events after the last one were removed", used)
    return VerifyResult(checked, checkpoints=used)


def checkpoint(session: Session, anchor: Anchor | None = None) -> tuple[int, str]:
    """Write the current head as a checkpoint (after a clean verify, and in daily exports)."""
    anchor = anchor or anchor_of(session)
    head = session.get(AuditHead, 1)
    seq, digest = (head.seq, head.hash) if head is not None else (0, GENESIS)
    anchor.checkpoints.append(CHAIN, seq, digest)
    return seq, digest


def rekey(conn: Connection, anchor: Anchor, old_key: ChainKey | None = None) -> tuple[int, str]:
    """Relink every event under the anchor's key after checking it under `old_key` (None:
    the unkeyed SHA-256 chain of earlier versions, accepted only while no checkpoint of the
    audit chain exists). The caller lifts the append-only guards (the owner's rights) in the
    same transaction and writes the returned (count, head) as a checkpoint after commit."""
    if old_key is None and anchor.checkpoints.entries(CHAIN):
        raise IntegrityError("审计链已有检查点，拒绝按未加密钥链重签 / the audit chain has "
                             "checkpoints: an unkeyed chain now is a forgery, not rekeyed")
    rows = conn.execute(select(_EVENTS).order_by(_EVENTS.c.seq)).mappings().all()
    old_prev, new_prev = GENESIS, GENESIS
    for expected, row in enumerate(rows, start=1):
        fields = _fields(row["seq"], clock.as_utc(row["at"]).isoformat(), row["actor"],
                         row["action"], row["subject"], row["data"])
        old = old_key.link(old_prev, fields) if old_key else _legacy_digest(old_prev, *fields)
        if row["seq"] != expected or row["prev_hash"] != old_prev or row["hash"] != old:
            raise IntegrityError(f"审计链在第{expected}条已断，拒绝重签 / the chain is broken at "
                                 f"event {expected} under the old key: not rekeyed")
        new = anchor.key.link(new_prev, fields)
        conn.execute(_EVENTS.update().where(_EVENTS.c.seq == row["seq"]).values(
            prev_hash=new_prev, hash=new))
        old_prev, new_prev = old, new
    head = conn.execute(select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1)).first()
    if head is not None:
        if tuple(head) != (len(rows), old_prev):
            raise IntegrityError("审计链头与事件不符，拒绝重签 / the head does not match the last "
                                 "event: not rekeyed")
        conn.execute(_UPDATE_HEAD, {"new_seq": len(rows), "new_hash": new_prev})
    _last_head.clear()
    return len(rows), new_prev
