"""Form submission keys: a post acts once, however often it arrives (idempotency).

A form carries a one-time key. Before the act, `hold` adds the key to the caller's unit of
work (flushed, not committed), so the service's own commit stores it in the same
transaction as the act; a repeat finds it (`find`) and gets the first answer (`settle`
records where it sent the user). Two posts racing: the second's insert waits for the
first (the key is the primary key) and fails once the first commits. An act that failed
leaves no key, so the same form may be sent again.

An API request's `Idempotency-Key` uses the same rows: `scoped` turns the client's key into
one of its own per actor and endpoint, `hold` keeps the request's fingerprint beside it, and
`settle` the first answer's status and body, which `prior` gives back for a replay.

`hold` needs a unit of work that stays open around the act (the web request's shared one).

Keys are kept 30 days from their use (`casework.services.night.expiry.SUBMISSION_KEYS`, far
beyond any retry window), then the night's `web_state_purge` deletes them: a replay after that
is a new request.
"""
from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from casework import clock
from casework.errors import Conflict
from casework.models import SubmissionKey

if TYPE_CHECKING:
    from casework.storage.unit_of_work import UnitOfWork

_FORMAT = re.compile(r"[A-Za-z0-9_-]{16,64}")
PENDING = ""  # found, but its act has not recorded an answer yet


@dataclass(frozen=True)
class Prior:
    """A held key as an API replay needs it."""

    fingerprint: str | None
    result: str  # PENDING until the act has answered
    status: int | None
    body: str | None


def new_key() -> str:
    return secrets.token_urlsafe(16)


def well_formed(key: str | None) -> bool:
    return bool(key) and _FORMAT.fullmatch(key) is not None


def scoped(client_key: str, *, actor: str, endpoint: str) -> str:
    """The stored key of an API request's key: one per actor and endpoint; its `.` keeps it
    apart from every form key (which has none)."""
    digest = hashlib.sha256("\0".join((actor, endpoint, client_key)).encode()).digest()
    return "api." + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def fingerprint(*parts: bytes) -> str:
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def find(uow: UnitOfWork, *, key: str, actor: str) -> str | None:
    """None for a new key; else where the first answer went (PENDING if not yet known)."""
    with uow:
        row = uow.session.get(SubmissionKey, key, populate_existing=True)
        if row is None:
            return None
        if row.actor != actor:
            raise Conflict("此表单已由他人提交 / this form was submitted by someone else")
        return row.result or PENDING


def prior(uow: UnitOfWork, *, key: str) -> Prior | None:
    """A held key's fingerprint and answer (None for a new key)."""
    with uow:
        row = uow.session.get(SubmissionKey, key, populate_existing=True)
        if row is None:
            return None
        return Prior(row.fingerprint, row.result or PENDING, row.status, row.body)


def hold(uow: UnitOfWork, *, key: str, actor: str, endpoint: str,
         fingerprint: str | None = None) -> None:
    """Add the key to the open unit of work: the act's commit stores it with the act."""
    with uow:
        uow.session.add(SubmissionKey(key=key, actor=actor[:80], endpoint=endpoint[:120],
                                      created_at=clock.now(), fingerprint=fingerprint))
        uow.session.flush()


def settle(uow: UnitOfWork, *, key: str, result: str | None, status: int | None = None,
           body: str | None = None) -> None:
    """After the act: drop what it left uncommitted. If its key was committed (with the act,
    or with what a failing service records, such as a failed try), keep the act's answer
    (`result`, and for the API its `status` and `body`), or, when the act failed (`result`
    None), remove the key so that the same request may be sent again."""
    with uow:
        uow.rollback()
        row = uow.session.get(SubmissionKey, key, populate_existing=True)
        if row is None or (result is not None and row.result):
            return
        if result is None:
            uow.session.delete(row)
        else:
            row.result, row.status, row.body = result[:500], status, body
        uow.commit()
