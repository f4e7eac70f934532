"""The night's purge of expired web state, on both engines: old rows go, fresh ones stay, the audit
trail stays whole, a rerun deletes nothing more, and (PostgreSQL) a row a request holds is
skipped rather than waited on."""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select, text

from casework import audit
from casework.models import ActivationCode, ApiToken, AuditEvent, SignInAttempt, SubmissionKey, User
from casework.services import accounts
from casework.services.actor import Actor
from casework.services.night import purge
from casework.services.units import accounts as unit_accounts
from casework.storage import submissions
from tests.integration.night.system import opts
from tests.integration.operators import PASSWORD, add_user
from workflows import jobs

GOOD = "unit-pass-2026"


def _key(container, actor: str = "clerk1") -> str:
    """A form's key committed with its act, answered (what `web.idempotency.once` leaves)."""
    key = submissions.new_key()
    with container.uow() as uow:
        submissions.hold(uow, key=key, actor=actor, endpoint="queue.task")
        audit.record(uow.session, actor, "test.acted", "test:1", {})
        uow.commit()
        submissions.settle(uow, key=key, result="/tasks")
    return key


def _api_key(container) -> str:
    key = submissions.scoped("client-retry-key-0001", actor="clerk1", endpoint="api.claim_task")
    with container.uow() as uow:
        submissions.hold(uow, key=key, actor="clerk1", endpoint="api.claim_task", fingerprint="f" * 64)
        uow.commit()
        submissions.settle(uow, key=key, result="/api/v1/tasks/1/claim", status=200, body='{"ok": true}')
    return key


def _token(container) -> int:
    return accounts.issue_token(container.uow(), username="clerk1", password=PASSWORD, address="t")["id"]


def _failed_sign_in(container) -> None:
    with pytest.raises(accounts.BadCredentials):
        accounts.sign_in(container.uow(), username="ghost", password="wrong", address="10.0.0.9")


def _codes(container, username: str) -> list[int]:
    with container.uow() as uow:
        return list(uow.session.scalars(select(ActivationCode.id).join(User, User.id == ActivationCode.user_id)
                                        .where(User.username == username).order_by(ActivationCode.id)))


def _left(container, column) -> set:
    with container.uow() as uow:
        return set(uow.session.scalars(select(column)))


def _events(container) -> int:
    with container.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.fixture
def seeded(container, clock, ids):
    """Rows of every kind at day 0, day 15 and day 40 (now): which must go, which stay."""
    jurisdiction_id, unit_id = ids
    add_user(container, "clerk1", ["clerk"])
    clerk = Actor("clerk1", frozenset({"clerk"}), None, jurisdiction_id)
    rows = {"keys_old": {_key(container), _api_key(container)}, "token_revoked": _token(container),
            "token_expiring": _token(container)}
    accounts.revoke_token(container.uow(), actor=clerk, token_id=rows["token_revoked"])
    first = unit_accounts.create_unit_account(container.uow(), actor=clerk, unit_id=unit_id, username="shop1")
    unit_accounts.activate(container.uow(), username="shop1", code=first["code"], password=GOOD, address="t")
    again = unit_accounts.reset_password(container.uow(), actor=clerk, username="shop1")
    unit_accounts.activate(container.uow(), username="shop1", code=again["code"], password=GOOD + "!", address="t")
    unit_accounts.create_unit_account(container.uow(), actor=clerk, unit_id=unit_id, username="shop2")  # never used
    _failed_sign_in(container)
    clock.advance(days=15)
    rows["keys_mid"] = {_key(container)}
    clock.advance(days=25)
    rows["keys_new"] = {_key(container)}
    rows["token_new"] = _token(container)
    _failed_sign_in(container)
    with container.uow() as uow:
        rows["attempt_new"] = uow.session.scalar(select(func.max(SignInAttempt.id)))
    rows["codes_shop1"] = _codes(container, "shop1")  # [used at day 0, then reset; used: the newest, kept]
    rows["codes_shop2"] = _codes(container, "shop2")  # expired at day 3, never used
    return rows


def test_the_purge_takes_exactly_what_expired_and_keeps_the_audit_trail(container, clock, seeded):
    events = _events(container)
    run = jobs.web_state_purge(container, opts())
    assert run.state == "done" and run.batches == len(purge.KINDS)
    assert run.counts == {"submission_keys_purged": 2, "api_tokens_purged": 1, "activation_codes_purged": 2,
                          "sign_in_attempts_purged": 1}
    assert _left(container, SubmissionKey.key) == seeded["keys_mid"] | seeded["keys_new"]
    assert _left(container, ApiToken.id) == {seeded["token_expiring"], seeded["token_new"]}
    assert _left(container, ActivationCode.id) == {seeded["codes_shop1"][-1]}
    assert _left(container, SignInAttempt.id) == {seeded["attempt_new"]}
    with container.uow() as uow:  # nothing of the trail went; each purge is an event in it
        assert uow.session.scalar(select(func.count()).select_from(AuditEvent)) > events
        purged = uow.session.execute(select(AuditEvent.subject, AuditEvent.data["rows"].as_integer()).where(
            AuditEvent.action == purge.PURGED).order_by(AuditEvent.seq)).all()
        assert audit.verify(uow.session).ok
    assert purged == [("table:submission_key", 2), ("table:api_token", 1), ("table:activation_code", 2),
                      ("table:sign_in_attempt", 1)]

    again = jobs.web_state_purge(container, opts())  # the same night again: the run is done, nothing more
    assert (again.id, again.counts) == (run.id, run.counts)
    clock.advance(days=21)  # day 61: the token expired at day 30 and the day-15 key are old enough now
    later = jobs.web_state_purge(container, opts())
    assert later.id != run.id
    assert (later.counts["submission_keys_purged"], later.counts["api_tokens_purged"]) == (1, 1)
    assert _left(container, SubmissionKey.key) == seeded["keys_new"]


def test_a_resumed_run_keeps_its_planned_cutoff(container, clock, seeded):
    partial = jobs.web_state_purge(container, opts(max_batches=1))  # the keys only, then the worker dies
    assert (partial.state, partial.counts) == ("running", {"submission_keys_purged": 2})
    clock.advance(days=30)  # resumed a month late: still purges as of the night it was planned for
    resumed = jobs.web_state_purge(container, opts(run_key=partial.run_key))
    assert resumed.id == partial.id and resumed.state == "done"
    assert resumed.counts == {"submission_keys_purged": 2, "api_tokens_purged": 1,
                              "activation_codes_purged": 2, "sign_in_attempts_purged": 1}
    assert _left(container, SubmissionKey.key) == seeded["keys_mid"] | seeded["keys_new"]


def test_chunks_page_past_rows_that_stay(container, clock, seeded):
    """Two rows a chunk: the kept code among the candidates does not stop the purge early."""
    assert purge.purge_kind(container.uow(), "activation_code", clock.now(), "system.jobs", chunk=1) == 2
    assert purge.purge_kind(container.uow(), "submission_key", clock.now(), "system.jobs", chunk=1) == 2
    assert purge.purge_kind(container.uow(), "submission_key", clock.now(), "system.jobs", chunk=1) == 0


@pytest.mark.postgres_only
def test_a_key_a_request_holds_right_now_is_skipped_not_waited_on(container, clock, seeded):
    @event.listens_for(container.engine, "connect")
    def _no_endless_wait(dbapi_connection, _record):  # a purge that waited would fail, not hang
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '30s'")

    container.dispose()
    held = sorted(seeded["keys_old"])[0]
    with container.engine.connect() as request:  # a replay of the old key, settling it right now
        request.execute(text("SELECT key FROM submission_key WHERE key = :k FOR UPDATE"), {"k": held})
        assert purge.purge_kind(container.uow(), "submission_key", clock.now(), "system.jobs") == 1
        assert held in _left(container, SubmissionKey.key)
        request.rollback()
    assert purge.purge_kind(container.uow(), "submission_key", clock.now(), "system.jobs") == 1  # next night
    assert held not in _left(container, SubmissionKey.key)
