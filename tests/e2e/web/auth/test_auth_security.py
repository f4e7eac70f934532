"""Sign-in (throttled, audited, rehashing), sessions, CSRF, headers, bearer tokens."""
from __future__ import annotations

import base64
import hashlib
import re
from datetime import timedelta

import httpx
from sqlalchemy import select

from casework import clock
from casework.models import AuditEvent, User, WorkItem
from tests.e2e.web.conftest import csrf_of, sign_in
from tests.e2e.web.world import PASSWORD
from web.app import create_app
from web.serving import serve_in_thread


def _events(container, action: str, subject: str) -> int:
    with container.uow() as uow:
        return len(uow.session.execute(select(AuditEvent).where(AuditEvent.action == action,
                                                                AuditEvent.subject == subject)).all())


def test_sign_in_and_out_are_audited_and_cookies_are_httponly_lax(app, web_world):
    container, _ = web_world
    client = app.test_client()
    answer = sign_in(client, "inspector")
    assert answer.status_code == 302
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    client.post("/sign-out", data={"csrf_token": csrf_of(client)})
    assert client.get("/tasks").status_code == 302  # signed out
    assert _events(container, "auth.sign_in", "user:inspector") >= 1
    assert _events(container, "auth.sign_out", "user:inspector") == 1


def test_the_session_slides_without_re_signing_the_cookie_on_every_answer(app):
    client = app.test_client()
    sign_in(client, "inspector")
    assert client.get("/tasks").status_code == 200
    assert "Set-Cookie" not in client.get("/tasks").headers  # renewed a moment ago
    travel = clock.current()
    start = travel.now()
    travel.advance(timedelta(minutes=6))
    try:
        renewed = client.get("/tasks")
        assert renewed.status_code == 200 and "Expires=" in renewed.headers["Set-Cookie"]
        assert "Set-Cookie" not in client.get("/tasks").headers
    finally:
        travel.travel_to(start)


def test_cookies_are_secure_behind_tls(web_world):
    app = create_app(web_world[0], {"SESSION_COOKIE_SECURE": True})
    answer = sign_in(app.test_client(), "inspector")
    assert "Secure" in answer.headers["Set-Cookie"]


def test_sign_in_is_throttled_per_account_and_per_address(app, web_world):
    container, _ = web_world
    client = app.test_client()
    for _ in range(5):
        assert sign_in(client, "auditor", "wrong-password").status_code == 401
    assert sign_in(client, "auditor").status_code == 429  # even the right password waits
    assert _events(container, "auth.sign_in_failed", "user:auditor") == 5
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    for n in range(20):
        assert sign_in(other, f"nobody{n}", "wrong-password").status_code == 401
    assert sign_in(other, "scheduler").status_code == 429  # this address is throttled
    assert sign_in(app.test_client(), "scheduler").status_code == 302  # others are not


def test_a_legacy_scrypt_hash_is_rehashed_with_argon2id_on_sign_in(app, web_world):
    container, _ = web_world
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(PASSWORD.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    legacy = f"scrypt$16384$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    with container.uow() as uow:
        uow.session.execute(select(User).where(User.username == "legal")).scalar_one().password_hash = legacy
        uow.commit()
    assert sign_in(app.test_client(), "legal").status_code == 302
    with container.uow() as uow:
        stored = uow.session.execute(select(User.password_hash).where(User.username == "legal")).scalar_one()
    assert stored.startswith("$argon2id$")


def test_forms_without_a_csrf_token_are_refused(app, web_world, facts):
    container, _ = web_world
    client = app.test_client()
    sign_in(client, "unitA")
    answer = client.post(f"/tasks/{facts['unit_a_task']}/claim")
    assert answer.status_code == 400
    with container.uow() as uow:
        assert uow.session.get(WorkItem, facts["unit_a_task"]).assignee is None


def test_security_headers_no_inline_script_no_banner_and_safe_redirects(app, facts):
    client = app.test_client()
    sign_in(client, "clerk")
    for path in ("/tasks", f"/cases/{facts['draft_ref']}", "/sign-in", "/dashboards"):
        answer = client.get(path)
        csp = answer.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp and answer.headers["X-Frame-Options"] == "DENY"
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", answer.get_data(as_text=True), re.S)
        assert all("src=" in attrs or 'type="application/json"' in attrs for attrs, _body in scripts)
    httpd, url = serve_in_thread(app)
    try:
        served = httpx.get(f"{url}/healthz")
        assert served.headers.get("server", "") == "casework" and "/" not in served.headers.get("server", "")
    finally:
        httpd.shutdown()
    fresh = app.test_client()
    fresh.get("/sign-in")
    token = csrf_of(fresh, "/sign-in")
    answer = fresh.post("/sign-in?next=//evil.example/x",
                        data={"username": "clerk", "password": PASSWORD, "csrf_token": token})
    assert answer.headers["Location"] == "/"  # home, not the other site


def test_bearer_tokens_are_stored_hashed_expire_and_can_be_revoked(app, web_world):
    container, _ = web_world
    client = app.test_client()
    issued = client.post("/api/v1/tokens", json={"username": "clerk", "password": PASSWORD}).get_json()
    auth = {"Authorization": f"Bearer {issued['token']}"}
    assert client.get("/api/v1/tasks", headers=auth).status_code == 200
    with container.uow() as uow:
        rows = uow.session.execute(select(AuditEvent.data).where(AuditEvent.action == "auth.token_issued")).all()
    assert rows and issued["token"] not in str(rows)
    assert client.delete(f"/api/v1/tokens/{issued['id']}", headers=auth).status_code == 204
    assert client.get("/api/v1/tasks", headers=auth).status_code == 401
    second = client.post("/api/v1/tokens", json={"username": "clerk", "password": PASSWORD}).get_json()
    travel = clock.current()
    start = travel.now()
    travel.advance(timedelta(days=31))
    try:
        assert client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {second['token']}"}).status_code == 401
    finally:
        travel.travel_to(start)
    assert client.get("/api/v1/tasks", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_openapi_document_is_generated_and_describes_the_api(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/tasks", "/api/v1/tokens", "/api/v1/cases/{ref}", "/api/v1/units",
            "/api/v1/systems/{system_id}", "/api/v1/documents/{document_id}"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_a_page_s_csrf_token_is_its_session_s_own(app, facts):
    """The signed token is kept per session token (web.app.template_csrf_token): a session's
    pages carry the same one, which its forms accept; another session's token is refused."""
    first, second = app.test_client(), app.test_client()
    sign_in(first, "clerk")
    sign_in(second, "clerk")
    token = csrf_of(first)
    assert csrf_of(first, f"/cases/{facts['draft_ref']}") == token
    assert csrf_of(second) != token
    refused = second.post(f"/tasks/{facts['unit_a_task']}/claim", data={"csrf_token": token})
    assert refused.status_code == 400
    accepted = first.post("/sign-out", data={"csrf_token": token})
    assert accepted.status_code == 302
