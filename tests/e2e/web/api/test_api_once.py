"""The API acts once too: a POST with an Idempotency-Key sent again gets the first answer
(status and body), not a second act; the key with another body is refused (422); two
identical requests racing on PostgreSQL act once."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from casework.services.processes import tasks
from casework.storage.db import make_engine
from tests.conftest import PG_URL
from tests.e2e.web.portal.test_portal_accounts import _completions
from tests.e2e.web.world import PASSWORD

MISSING = 999999
DONE = {"completed_on": "2026-03-02", "camera_count": 12, "builder": "安防公司"}


def _auth(client, username: str) -> dict:
    token = client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_the_same_key_twice_completes_once_with_the_same_answer(app, facts):
    container = app.extensions["casework"]
    client = app.test_client()
    auth = _auth(client, "unitA")
    item = facts["unit_a_task"]
    claim = {**auth, "Idempotency-Key": "claim-0b7e4c1e-5a57-4c29-9f3c-6a1d1f0e2b11"}
    assert client.post(f"/api/v1/tasks/{item}/claim", headers=claim).status_code == 204
    again = client.post(f"/api/v1/tasks/{item}/claim", headers=claim)
    assert again.status_code == 204 and again.headers["Idempotent-Replayed"] == "true"

    key = {**auth, "Idempotency-Key": "done-6f0c2b0e-2a3d-4e8e-9d0b-7b7d1b2f5c40"}
    refused = client.post(f"/api/v1/tasks/{item}/complete", headers=key,
                          json={"data": {"completed_on": "2026-03-02"}})
    assert refused.status_code == 422 and "camera_count" in refused.get_json()["message"]
    # a refused request keeps no key: the corrected one with the same key acts
    first = client.post(f"/api/v1/tasks/{item}/complete", headers=key, json={"data": DONE})
    assert first.status_code == 200 and "Idempotent-Replayed" not in first.headers
    reordered = {"data": dict(reversed(list(DONE.items())))}  # same JSON, another key order
    second = client.post(f"/api/v1/tasks/{item}/complete", headers=key, json=reordered)
    assert second.status_code == 200 and second.headers["Idempotent-Replayed"] == "true"
    assert second.get_json() == first.get_json() and second.get_data() == first.get_data()
    assert _completions(container, item) == 1

    other = client.post(f"/api/v1/tasks/{item}/complete", headers=key,
                        json={"data": {**DONE, "camera_count": 13}})
    assert other.status_code == 422 and "Idempotency-Key" in other.get_json()["message"]
    assert "different request" in other.get_json()["message"]
    elsewhere = client.post(f"/api/v1/tasks/{facts['unit_b_task']}/complete", headers=key, json={"data": DONE})
    assert elsewhere.status_code == 422  # the same key on another task's path: another request
    assert _completions(container, item) == 1

    # without the header the API acts as before: the task is done, a new completion is refused
    assert client.post(f"/api/v1/tasks/{item}/complete", headers=auth, json={"data": DONE}).status_code in (404, 409)
    assert _completions(container, item) == 1


def test_a_malformed_key_is_refused_before_anything_is_done(app):
    client = app.test_client()
    bad = client.post(f"/api/v1/tasks/{MISSING}/claim", headers={**_auth(client, "unitB"), "Idempotency-Key": "a b"})
    assert bad.status_code == 422 and "Idempotency-Key" in str(bad.get_json())


def test_the_openapi_document_describes_the_header(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/tasks/{item_id}/claim", "/api/v1/tasks/{item_id}/complete"):
        post = doc["paths"][path]["post"]
        header = next(p for p in post["parameters"] if p["in"] == "header")
        assert header["name"] == "Idempotency-Key" and header["required"] is False
        assert "422" in header["description"] and "409" in post["responses"]


@pytest.mark.postgres_only
def test_two_identical_requests_racing_act_once(app, facts, monkeypatch):
    container = app.extensions["casework"]
    item = facts["unit_b_task"]
    auth = _auth(app.test_client(), "unitB")
    assert app.test_client().post(f"/api/v1/tasks/{item}/claim", headers=auth).status_code == 204
    headers = {**auth, "Idempotency-Key": "race-9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"}
    inside, go, calls = threading.Event(), threading.Event(), []
    real = tasks.complete_task

    def held_open(*args, **kwargs):  # the first act waits, its key inserted, not committed
        calls.append(1)
        if len(calls) == 1:
            inside.set()
            assert go.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(tasks, "complete_task", held_open)
    answers = {}

    def send(name):
        answers[name] = app.test_client().post(f"/api/v1/tasks/{item}/complete", headers=headers,
                                               json={"data": DONE})

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert inside.wait(60)
    twin = threading.Thread(target=send, args=("twin",))
    twin.start()
    try:
        _until_an_insert_waits_on_the_key()
    finally:
        go.set()
    first.join(60)
    twin.join(60)
    assert answers["first"].status_code == 200
    assert len(calls) == 1 and _completions(container, item) == 1
    twin_answer = answers["twin"]
    if twin_answer.status_code == 409:  # the first had not recorded its answer yet
        assert twin_answer.headers["Retry-After"] == "1"
        twin_answer = app.test_client().post(f"/api/v1/tasks/{item}/complete", headers=headers,
                                             json={"data": DONE})
    assert twin_answer.status_code == 200 and twin_answer.headers["Idempotent-Replayed"] == "true"
    assert twin_answer.get_data() == answers["first"].get_data()
    assert _completions(container, item) == 1


def _until_an_insert_waits_on_the_key() -> None:
    """The twin's insert of the same key is blocked by the first's open transaction."""
    engine = make_engine(PG_URL)
    try:
        with engine.connect() as conn:
            for _ in range(600):
                if conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                     "AND query ILIKE '%submission_key%'")).scalar():
                    return
                conn.execute(text("SELECT pg_sleep(0.05)"))
                conn.rollback()
        raise AssertionError("the twin never waited on the key")
    finally:
        engine.dispose()
