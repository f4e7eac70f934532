"""The signed-in actor is reused between requests, yet account changes take effect: at once when
committed in this process, within ACTOR_TTL_S when made elsewhere (another worker, the CLI)."""
from __future__ import annotations

import pytest
from flask import session
from sqlalchemy import select, update

from casework import clock
from casework.install.seed import seed_reference_data
from casework.models import Jurisdiction, User
from casework.passwords import hash_password
from casework.services import accounts
from casework.services.actor import ACTOR_TTL_S, ActorCache
from tests.conftest import START
from tests.e2e.web.conftest import fresh_container, sign_in
from web.access import current_actor
from web.app import create_app

PASSWORD = "cache-test-password"


class FakeTimer:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def bureau(tmp_path_factory, pg_engine):
    """Two clerks and the reference data's jurisdictions; nothing else is needed."""
    with fresh_container(tmp_path_factory.mktemp("cache"), pg_engine, START) as (container, _travel):
        seed_reference_data(container, progress=lambda _m: None)
        with container.uow() as uow:
            for name in ("kept", "changed"):
                uow.session.add(User(username=name, display_name=name, roles=["clerk"],
                                     password_hash=hash_password(PASSWORD), created_at=clock.now()))
            uow.commit()
        yield container


def _set(container, username: str, **values) -> None:
    """Change an account through the ORM and commit (as the services and the CLI do)."""
    with container.uow() as uow:
        user = uow.session.execute(select(User).where(User.username == username)).scalar_one()
        for key, value in values.items():
            setattr(user, key, value)
        uow.commit()


def _signed_in(app, username: str):
    client = app.test_client()
    assert sign_in(client, username, PASSWORD).status_code == 302
    assert client.get("/tasks").status_code == 200
    return client


def test_a_disabled_account_is_refused_on_its_next_request(bureau):
    app = create_app(bureau, {"TESTING": True})
    client = _signed_in(app, "changed")
    _set(bureau, "changed", active=False)
    try:
        answer = client.get("/tasks")
        assert answer.status_code == 302 and "/sign-in" in answer.headers["Location"]
    finally:
        _set(bureau, "changed", active=True)
    assert client.get("/tasks").status_code == 200  # re-enabled: the same session works again


def test_changed_roles_and_scope_apply_on_the_next_request(bureau):
    app = create_app(bureau, {"TESTING": True})
    client = _signed_in(app, "changed")
    assert client.get("/dashboards").status_code == 403
    _set(bureau, "changed", roles=["clerk", "manager"])
    try:
        assert client.get("/dashboards").status_code == 200
    finally:
        _set(bureau, "changed", roles=["clerk"])
    assert client.get("/dashboards").status_code == 403
    with bureau.uow() as uow:
        taiyuan = uow.session.execute(select(Jurisdiction.id).where(Jurisdiction.code == "taiyuan")).scalar_one()
    _set(bureau, "changed", jurisdiction_id=taiyuan)
    try:
        with app.test_request_context():
            session["user"] = "changed"
            session["stamp"] = accounts.session_facts(bureau.uow(), "changed")["stamp"]
            assert current_actor().jurisdictions == frozenset({taiyuan})
    finally:
        _set(bureau, "changed", jurisdiction_id=None)


def test_a_change_made_elsewhere_applies_within_the_bound(bureau):
    """A change this process did not commit (raw SQL here; another worker or the CLI in life)
    is seen once the cached actor is ACTOR_TTL_S old; the other account's entry is untouched."""
    app = create_app(bureau, {"TESTING": True})
    timer = FakeTimer()
    app.extensions["casework_actors"] = ActorCache(timer=timer)
    client = _signed_in(app, "changed")
    with bureau.engine.begin() as conn:
        conn.execute(update(User).where(User.username == "changed").values(active=False))
    try:
        timer.now += ACTOR_TTL_S / 2
        assert client.get("/tasks").status_code == 200  # still cached: within the bound
        timer.now += ACTOR_TTL_S / 2
        assert client.get("/tasks").status_code == 302  # the bound has passed: refused
    finally:
        _set(bureau, "changed", active=True)


def test_the_cache_keeps_an_actor_for_its_time_and_never_keeps_a_refusal():
    timer, loads = FakeTimer(), []
    cache = ActorCache(ttl=5.0, timer=timer)
    actor = object()

    def load(result):
        def _load():
            loads.append(result)
            return result
        return _load

    assert cache.get("a", load(actor)) is actor
    assert cache.get("a", load("other")) is actor and len(loads) == 1
    timer.now += 5.0
    assert cache.get("a", load(None)) is None and cache.get("a", load(actor)) is actor
    assert len(loads) == 3
