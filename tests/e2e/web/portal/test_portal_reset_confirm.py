"""The bureau resets a unit user's password only from a confirmation page that names the user,
its unit and what the reset does: a direct post (the old one-click form, a forged or replayed
request without the page's stamp) shows that page and changes nothing; a confirmation made
before the account changed (activated, reset by a colleague) is refused."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from casework.models import ApiToken, AuditEvent, Unit, User
from casework.storage import submissions
from tests.e2e.web.conftest import csrf_of, sign_in
from tests.e2e.web.world import PASSWORD


def _resets(container, username: str) -> int:
    with container.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "account.password_reset", AuditEvent.subject == f"user:{username}"))


def _state(page: str) -> str:
    return re.search(r'name="state" value="([^"]+)"', page).group(1)


def _untouched(app, container, unit_client, username: str) -> None:
    """The password still signs in, the session lives on, the API token still works."""
    with container.uow() as uow:
        user = uow.session.scalars(select(User).where(User.username == username)).one()
        assert user.active and user.password_hash != "!no-password"
        assert uow.session.scalar(select(func.count()).select_from(ApiToken).where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))) == 1
    assert unit_client.get("/portal/").status_code == 200
    assert _resets(container, username) == 0


def test_a_reset_needs_its_confirmation_page(app, facts):
    container = app.extensions["casework"]
    unit = app.test_client()
    sign_in(unit, "unitA")
    token = unit.post("/api/v1/tokens", json={"username": "unitA", "password": PASSWORD}).get_json()["token"]
    clerk = app.test_client()
    sign_in(clerk, "clerk")
    url = "/accounts/users/unitA/reset"
    listing = clerk.get("/accounts/units?q=太原测试商场&lang=en").get_data(as_text=True)
    assert f'href="{url}?q=' in listing and f'action="{url}"' not in listing  # a link, not a post

    csrf = csrf_of(clerk, "/accounts/units")
    for form in ({"csrf_token": csrf},  # the old one-click form
                 {"csrf_token": csrf, "submission_key": submissions.new_key()},
                 {"csrf_token": csrf, "submission_key": submissions.new_key(), "state": ""}):
        refused = clerk.post(url, data=form)
        assert refused.status_code == 400
        body = refused.get_data(as_text=True)
        assert "confirm the reset on this page first" in body and 'id="reset-form"' in body
        assert "activation-code" not in body
    no_csrf = clerk.post(url, data={"state": _state(body), "submission_key": submissions.new_key()})
    assert no_csrf.status_code == 400  # CSRF first
    _untouched(app, container, unit, "unitA")
    assert unit.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    page = clerk.get(f"{url}?q=太原&lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Reset the password of unitA?" in text and "太原测试商场" in text
    with container.uow() as uow:
        assert uow.session.get(Unit, facts["a"]["unit_id"]).credit_code in text
    assert "Its 1 API token(s) are revoked." in text and "Every web session signed in with it ends." in text
    _untouched(app, container, unit, "unitA")  # looking is not resetting

    zh = clerk.get(f"{url}?lang=zh").get_data(as_text=True)
    assert "重置 unitA 的密码？" in zh and "现有密码失效" in zh
    confirm = {"csrf_token": csrf_of(clerk, url), "submission_key": submissions.new_key(),
               "state": _state(text), "q": "太原"}
    done = clerk.post(url, data=confirm)
    assert done.status_code == 200 and 'id="activation-code"' in done.get_data(as_text=True)
    assert _resets(container, "unitA") == 1
    assert "/sign-in" in unit.get("/portal/").headers.get("Location", "")  # the session ended
    assert unit.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    again = clerk.post(url, data=confirm)  # a double click: answered once
    assert again.status_code == 303 and again.headers["Location"].endswith("/accounts/units?q=%E5%A4%AA%E5%8E%9F")
    stale = clerk.post(url, data={**confirm, "submission_key": submissions.new_key()})
    assert stale.status_code == 409  # the page was for the account before this reset
    assert "changed after the confirmation page was shown" in stale.get_data(as_text=True) or \
        "确认之后此账户已有变化" in stale.get_data(as_text=True)
    assert _resets(container, "unitA") == 1


def test_the_confirmation_page_is_the_bureaus_and_in_scope(app, facts):
    unit = app.test_client()
    sign_in(unit, "unitB")
    assert unit.get("/accounts/users/unitB/reset").status_code == 403
    tyclerk = app.test_client()
    sign_in(tyclerk, "tyclerk")  # Taiyuan's clerk: Changzhou's unit user does not exist
    assert tyclerk.get("/accounts/users/unitB/reset").status_code == 404
    assert tyclerk.get("/accounts/users/clerk/reset").status_code == 404  # staff: not a unit user
