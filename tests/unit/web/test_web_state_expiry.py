"""What the night's purge counts as expired web state: the clock travels, each row's facts stay."""
from __future__ import annotations

from datetime import timedelta

from casework import clock as clock_module
from casework.services.accounts import WINDOW
from casework.services.night import expiry
from casework.services.units.accounts import CODE_LIFETIME


def test_a_submission_key_is_kept_thirty_days_from_its_use(clock):
    used = clock_module.now()
    assert not expiry.submission_key_expired(used, clock_module.now())  # in use now: never purged
    clock.advance(days=1)
    assert not expiry.submission_key_expired(used, clock_module.now())  # a late retry still replays
    clock.advance(days=29)
    assert not expiry.submission_key_expired(used, clock_module.now())  # exactly 30 days: kept
    clock.advance(seconds=1)
    assert expiry.submission_key_expired(used, clock_module.now())


def test_an_api_token_goes_thirty_days_after_it_expired_or_was_revoked_whichever_first(clock):
    issued = clock_module.now()
    expires = issued + timedelta(days=30)
    clock.advance(days=59)
    assert not expiry.api_token_expired(expires, None, clock_module.now())  # expired 29 days ago
    clock.advance(days=1, seconds=1)
    assert expiry.api_token_expired(expires, None, clock_module.now())
    clock.travel_to(issued)
    revoked = clock.advance(days=2)
    clock.advance(days=30)
    assert not expiry.api_token_expired(expires, revoked, clock_module.now())  # still live by date: kept
    clock.advance(seconds=1)
    assert expiry.api_token_expired(expires, revoked, clock_module.now())


def test_an_activation_code_goes_thirty_days_after_its_end_but_an_accounts_newest_used_one_stays(clock):
    issued = clock_module.now()
    expires = issued + CODE_LIFETIME

    def expired(**facts) -> bool:
        return expiry.activation_code_expired(expires_at=expires, now=clock_module.now(),
                                              **{"used_at": None, "revoked_at": None, "newest_used": False, **facts})

    used = clock.advance(hours=2)
    assert not expired()  # live: never
    clock.advance(days=30)
    assert not expired(used_at=used) and not expired(revoked_at=used)  # used or revoked 30 days ago: kept
    clock.advance(seconds=1)
    assert expired(used_at=used) and expired(revoked_at=used)  # (used: a newer code was used since)
    assert not expired(used_at=used, newest_used=True)  # proof the account once had a password: kept
    clock.travel_to(expires + timedelta(days=30))
    assert not expired()  # never used, expired 30 days ago: kept
    clock.advance(seconds=1)
    assert expired() and expired(revoked_at=expires + timedelta(days=1))  # expiry came first


def test_a_failed_sign_in_is_kept_a_day_well_beyond_its_throttling_window(clock):
    failed = clock_module.now()
    clock.advance(WINDOW)
    assert not expiry.sign_in_attempt_expired(failed, clock_module.now())
    clock.advance(days=1)
    assert expiry.sign_in_attempt_expired(failed, clock_module.now())
    assert expiry.SIGN_IN_ATTEMPTS >= 10 * WINDOW


def test_cutoffs_are_now_less_each_period(clock):
    now = clock_module.now()
    cut = expiry.Cutoffs.at(now)
    assert (now - cut.submission_keys, now - cut.api_tokens, now - cut.activation_codes,
            now - cut.sign_in_attempts) == (timedelta(days=30), timedelta(days=30), timedelta(days=30),
                                            timedelta(days=1))
