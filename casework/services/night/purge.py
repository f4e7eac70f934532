"""The night's purge of expired web state: one-time submission keys, dead API tokens and
activation codes, old failed sign-ins. What counts as expired is `expiry`'s; this module
gathers each row's facts, asks it, and deletes what it names.

One kind of row per batch of the run, deleted in chunks of CHUNK rows, each chunk its own
short transaction with one audit event (`web_state.purged`: the table, how many rows, the
cutoff), so a busy table is never held long and a crash keeps what was already purged.
On PostgreSQL a chunk takes its rows FOR UPDATE SKIP LOCKED: a row that a request holds
right now (a key being answered, a code being used) is left for the next night, and the
request never waits on the purge. On SQLite the unit of work's BEGIN IMMEDIATE serialises
the chunk with the web's writers. The cutoff is the run's planned time, so a resumed run
deletes exactly what the first attempt would have: purging twice deletes nothing more.
The audit events themselves are never touched.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from sqlalchemy import and_, delete, func, or_, select

from casework import audit, clock
from casework.errors import InvalidInput
from casework.models import ActivationCode, ApiToken, SignInAttempt, SubmissionKey
from casework.services.night import expiry

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.storage.unit_of_work import UnitOfWork

CHUNK = 500
PURGED = "web_state.purged"


@dataclass(frozen=True)
class Chunk:
    """One page of candidate rows: how many were read, where the next page starts, which go."""

    read: int
    after: tuple | None
    doomed: list


def _locking(session: Session, query, model):
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True, of=model)
    return query


def _submission_keys(session: Session, now: datetime, after: tuple | None, limit: int) -> Chunk:
    created, key = SubmissionKey.created_at, SubmissionKey.key
    query = select(key, created).where(created < expiry.Cutoffs.at(now).submission_keys)
    if after is not None:
        query = query.where(or_(created > after[0], and_(created == after[0], key > after[1])))
    rows = session.execute(_locking(session, query.order_by(created, key).limit(limit), SubmissionKey)).all()
    doomed = [r.key for r in rows if expiry.submission_key_expired(clock.as_utc(r.created_at), now)]
    return Chunk(len(rows), (rows[-1].created_at, rows[-1].key) if rows else None, doomed)


def _api_tokens(session: Session, now: datetime, after: tuple | None, limit: int) -> Chunk:
    cutoff = expiry.Cutoffs.at(now).api_tokens
    query = select(ApiToken.id, ApiToken.expires_at, ApiToken.revoked_at).where(
        or_(ApiToken.expires_at < cutoff, ApiToken.revoked_at < cutoff), ApiToken.id > (after or (0,))[0])
    rows = session.execute(_locking(session, query.order_by(ApiToken.id).limit(limit), ApiToken)).all()
    doomed = [r.id for r in rows if expiry.api_token_expired(r.expires_at, r.revoked_at, now)]
    return Chunk(len(rows), (rows[-1].id,) if rows else None, doomed)


def _activation_codes(session: Session, now: datetime, after: tuple | None, limit: int) -> Chunk:
    cutoff = expiry.Cutoffs.at(now).activation_codes
    code = ActivationCode
    query = select(code.id, code.user_id, code.expires_at, code.used_at, code.revoked_at).where(
        or_(code.expires_at < cutoff, code.revoked_at < cutoff, code.used_at < cutoff),
        code.id > (after or (0,))[0])
    rows = session.execute(_locking(session, query.order_by(code.id).limit(limit), ActivationCode)).all()
    newest_used = dict(session.execute(
        select(code.user_id, func.max(code.id)).where(
            code.used_at.is_not(None), code.user_id.in_({r.user_id for r in rows}))
        .group_by(code.user_id)).all()) if rows else {}
    doomed = [r.id for r in rows if expiry.activation_code_expired(
        expires_at=r.expires_at, used_at=r.used_at, revoked_at=r.revoked_at,
        newest_used=newest_used.get(r.user_id) == r.id, now=now)]
    return Chunk(len(rows), (rows[-1].id,) if rows else None, doomed)


def _sign_in_attempts(session: Session, now: datetime, after: tuple | None, limit: int) -> Chunk:
    query = select(SignInAttempt.id, SignInAttempt.at).where(
        SignInAttempt.at < expiry.Cutoffs.at(now).sign_in_attempts, SignInAttempt.id > (after or (0,))[0])
    rows = session.execute(_locking(session, query.order_by(SignInAttempt.id).limit(limit), SignInAttempt)).all()
    doomed = [r.id for r in rows if expiry.sign_in_attempt_expired(r.at, now)]
    return Chunk(len(rows), (rows[-1].id,) if rows else None, doomed)


Gather = Callable[["Session", datetime, "tuple | None", int], Chunk]
KINDS: dict[str, tuple[type, object, Gather]] = {  # table -> (model, primary key, gatherer)
    "submission_key": (SubmissionKey, SubmissionKey.key, _submission_keys),
    "api_token": (ApiToken, ApiToken.id, _api_tokens),
    "activation_code": (ActivationCode, ActivationCode.id, _activation_codes),
    "sign_in_attempt": (SignInAttempt, SignInAttempt.id, _sign_in_attempts),
}


def plan(_session: Session) -> list[str]:
    """A run's items: every kind of expiring row, one batch each."""
    return list(KINDS)


def purge_kind(uow: UnitOfWork, kind: str, now: datetime, actor: str, chunk: int = CHUNK) -> int:
    """Delete every row of `kind` expired at `now`, CHUNK rows per transaction; how many went."""
    if kind not in KINDS:
        raise InvalidInput(f"未知的过期数据种类 / unknown kind of expiring row: {kind!r}")
    model, primary_key, gather = KINDS[kind]
    purged, after = 0, None
    while True:
        with uow:
            found = gather(uow.session, now, after, chunk)
            if found.doomed:
                uow.session.execute(delete(model).where(primary_key.in_(found.doomed)))
                audit.record(uow.session, actor, PURGED, f"table:{kind}",
                             {"rows": len(found.doomed), "before": _cutoff(kind, now).isoformat()})
                uow.commit()
        purged += len(found.doomed)
        if found.read < chunk:
            return purged
        after = found.after


def purge(uow: UnitOfWork, kinds: list[str], now: datetime, actor: str) -> dict:
    """A batch of the run: each kind's expired rows deleted; counts per table."""
    return {f"{kind}s_purged": purge_kind(uow, kind, now, actor) for kind in kinds}


def _cutoff(kind: str, now: datetime) -> datetime:
    return getattr(expiry.Cutoffs.at(now), f"{kind}s")
