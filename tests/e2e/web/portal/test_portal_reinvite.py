"""A unit's first user issues its second account a new code while it was never activated: the
old code is void, the new one shown once, audited; not for another unit's user (404), not for
an account that has had a password (clear message), not by the second user."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from casework import clock
from casework.models import AuditEvent
from casework.services.units.accounts import CODE_LIFETIME
from casework.storage import submissions
from tests.e2e.web.conftest import csrf_of, sign_in

NEW_PASSWORD = "second-user-pw-2026"


def _code(answer) -> str:
    return re.search(r'id="activation-code">([A-Z0-9-]+)<', answer.get_data(as_text=True)).group(1)


def _reissue(client, username: str, key: str | None = None):
    form = {"csrf_token": csrf_of(client, "/portal/account"), "submission_key": key or submissions.new_key()}
    return client.post(f"/portal/account/users/{username}/code", data=form)


def _activate(app, username: str, code: str):
    client = app.test_client()
    return client.post("/activate", data={"csrf_token": csrf_of(client, "/activate"), "username": username,
                                          "code": code, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})


def _events(container, action: str) -> int:
    with container.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def test_the_first_user_reissues_an_unused_then_an_expired_code_once_each(app):
    container = app.extensions["casework"]
    first = app.test_client()
    sign_in(first, "unitA")
    invited = first.post("/portal/account/invite", data={"csrf_token": csrf_of(first, "/portal/account"),
                                                         "username": "unitA-second"})
    old = _code(invited)
    page = first.get("/portal/account").get_data(as_text=True)
    assert 'action="/portal/account/users/unitA-second/code"' in page  # for the second user only
    assert 'action="/portal/account/users/unitA/code"' not in page

    key = "reissue-key-0123456789"
    answer = _reissue(first, "unitA-second", key)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    new = _code(answer)
    assert new != old
    again = _reissue(first, "unitA-second", key)  # a double click: no third code
    assert again.status_code == 303 and again.headers["Location"].endswith("/portal/account")
    assert new not in first.get("/portal/account").get_data(as_text=True)  # shown once
    assert _events(container, "account.reinvited") == 1
    void = _activate(app, "unitA-second", old)
    assert void.status_code == 400 and "作废" in void.get_data(as_text=True)

    clock.current().advance(days=CODE_LIFETIME.days + 1)  # the new code expires unused
    first.get("/portal/account?lang=en")
    page = first.get("/portal/account").get_data(as_text=True)
    assert "code expired" in page and "Issue a new code" in page
    expired = _activate(app, "unitA-second", new)
    assert expired.status_code == 400
    latest = _code(_reissue(first, "unitA-second"))
    assert _events(container, "account.reinvited") == 2
    done = _activate(app, "unitA-second", latest)
    assert done.status_code == 302 and "/sign-in" in done.headers["Location"]

    refused = _reissue(first, "unitA-second")  # activated: no code from the unit
    assert refused.status_code == 409
    text = refused.get_data(as_text=True)
    assert 'id="account-refused"' in text and "has been activated" in text and "ask the bureau" in text
    assert 'action="/portal/account/users/unitA-second/code"' not in text
    assert _events(container, "account.reinvited") == 2

    second = app.test_client()  # the second user issues no codes
    sign_in(second, "unitA-second", NEW_PASSWORD)
    assert _reissue(second, "unitA").status_code == 403


def test_another_units_user_is_a_404_and_a_reset_account_stays_the_bureaus(app, facts):
    other = app.test_client()
    sign_in(other, "unitB")
    assert _reissue(other, "unitA-second").status_code == 404
    assert _reissue(other, "unitA").status_code == 404
    assert _reissue(other, "clerk").status_code == 404  # staff: no unit, no such user of B
    clerk = app.test_client()
    sign_in(clerk, "clerk")
    page = clerk.get("/accounts/users/unitA-second/reset").get_data(as_text=True)
    state = re.search(r'name="state" value="([^"]+)"', page).group(1)
    reset = clerk.post("/accounts/users/unitA-second/reset",
                       data={"csrf_token": csrf_of(clerk, "/accounts/units"), "state": state})
    assert reset.status_code == 200 and 'id="activation-code"' in reset.get_data(as_text=True)
    first = app.test_client()
    sign_in(first, "unitA")
    refused = _reissue(first, "unitA-second")  # inactive again, but it had a password
    assert refused.status_code == 409 and "公安机关" in refused.get_data(as_text=True)
