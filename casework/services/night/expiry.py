"""What web state has expired and is no longer needed: pure rules over plain values, no database.

The night's `web_state_purge` (`purge.py`) gathers the facts of each row and asks these rules.
No text fixes these periods; they are Casework's, chosen so that nothing a user or the audit
trail relies on goes (the audit events of every issue, use, revocation and failure stay):

- A submission key (decision 22: form keys and API `Idempotency-Key`s) is kept 30 days from
  its first use. A replay within that time gets the first answer. Retry windows are far
  shorter: a browser's resend or a client's retry comes within seconds to hours (Stripe keeps
  idempotency keys 24 hours); 30 days also covers a client queued offline over the longest
  public holiday (Spring Festival, 9 days in 2026) and a month-end batch re-sent. A key still in use
  was made moments ago, so it is never this old.
- An API token is kept 30 days after it expired or was revoked (whichever came first): it
  can no longer sign anything in, and its issue and revocation are in the audit trail.
- An activation code is kept 30 days after it was used, revoked or expired, except each
  account's newest used code: that one tells that the account once had a password of its own
  (so its unit cannot re-invite it after a reset: `units.accounts.reissue`).
- A failed sign-in (or activation try) counts for throttling only within its 15-minute
  window (`accounts.WINDOW`); it is kept one day, and the audit trail keeps every failure.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

SUBMISSION_KEYS = timedelta(days=30)
API_TOKENS = timedelta(days=30)
ACTIVATION_CODES = timedelta(days=30)
SIGN_IN_ATTEMPTS = timedelta(days=1)


@dataclass(frozen=True)
class Cutoffs:
    """The instants before which each kind of row is no longer needed, for one moment `now`."""

    submission_keys: datetime
    api_tokens: datetime
    activation_codes: datetime
    sign_in_attempts: datetime

    @classmethod
    def at(cls, now: datetime) -> Cutoffs:
        return cls(now - SUBMISSION_KEYS, now - API_TOKENS, now - ACTIVATION_CODES, now - SIGN_IN_ATTEMPTS)


def _before(moment: datetime | None, cutoff: datetime) -> bool:
    return moment is not None and moment < cutoff


def submission_key_expired(created_at: datetime, now: datetime) -> bool:
    """A form's or API request's key first used more than SUBMISSION_KEYS ago."""
    return _before(created_at, Cutoffs.at(now).submission_keys)


def api_token_expired(expires_at: datetime, revoked_at: datetime | None, now: datetime) -> bool:
    """A token dead (expired or revoked, whichever first) for more than API_TOKENS."""
    cutoff = Cutoffs.at(now).api_tokens
    return _before(expires_at, cutoff) or _before(revoked_at, cutoff)


def activation_code_expired(*, expires_at: datetime, used_at: datetime | None, revoked_at: datetime | None,
                            newest_used: bool, now: datetime) -> bool:
    """A code dead for more than ACTIVATION_CODES: used, or else revoked or expired (whichever
    first). The account's newest used code is kept."""
    cutoff = Cutoffs.at(now).activation_codes
    if used_at is not None:
        return not newest_used and used_at < cutoff
    return _before(expires_at, cutoff) or _before(revoked_at, cutoff)


def sign_in_attempt_expired(at: datetime, now: datetime) -> bool:
    """A failed sign-in or activation try older than SIGN_IN_ATTEMPTS."""
    return _before(at, Cutoffs.at(now).sign_in_attempts)
