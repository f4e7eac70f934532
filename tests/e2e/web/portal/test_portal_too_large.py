"""A post over the request limit (25 MB) gets the portal's own page, in Chinese or English,
saying the limits and leading back to the form (also in chromium, which shows it rather than a
reset connection); elsewhere a clear bilingual message."""
from __future__ import annotations

import pytest

from casework import clock as clock_module
from casework.install.seed import seed_reference_data
from casework.models import User
from casework.passwords import hash_password
from tests.conftest import START
from tests.e2e.web.conftest import csrf_of, fresh_container, sign_in
from tests.e2e.web.portal.test_portal_browser import portal_page, shot  # noqa: F401
from tests.e2e.web.test_browser import browser, server  # noqa: F401
from tests.e2e.web.world import PASSWORD, _do, _item, _unit

OVER = 25 * 2**20 + 1024  # just over MAX_CONTENT_LENGTH


@pytest.fixture(scope="module")
def web_world(tmp_path_factory, pg_engine):
    tmp = tmp_path_factory.mktemp("portal-too-large")
    with fresh_container(tmp, pg_engine, START) as (container, _travel):
        seed_reference_data(container, progress=lambda _m: None)
        reg = _unit(container, "taiyuan", 1, "太原测试商场")
        with container.uow() as uow:
            for username, roles, unit_id in (("unitA", ["unit"], reg["unit_id"]), ("clerk", ["clerk"], None)):
                uow.session.add(User(username=username, display_name=username, roles=roles, unit_id=unit_id,
                                     password_hash=hash_password(PASSWORD), created_at=clock_module.now()))
            uow.commit()
        _do(container, reg["case_ref"], "acceptance_complete",
            {"completed_on": "2026-03-02", "camera_count": 4, "builder": "某安防公司"}, reg["unit"])
        reg["task"] = _item(container, reg["case_ref"], "acceptance_test_report")
        yield container, {"a": reg}


def _oversized(client, path: str, token: str):
    """A multipart post whose Content-Length is over the limit (refused before it is read)."""
    boundary = "cwboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"a.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n").encode()
    body = head + b"0" * (OVER - len(head)) + f"\r\n--{boundary}--\r\n".encode()
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_an_oversized_filing_post_gets_the_portals_page_with_the_way_back(app, facts):
    client = app.test_client()
    sign_in(client, "unitA")
    system = facts["a"]["system_id"]
    form = f"/portal/filings/new?system={system}&kind=after_acceptance"
    token = csrf_of(client, "/portal/filings")
    answer = _oversized(client, form, token)
    assert answer.status_code == 413
    page = answer.get_data(as_text=True)
    assert 'class="portal-nav"' in page and "文件过大" in page
    assert "25 MB" in page and "20 MB" in page
    assert f'id="back-to-form">' in page and f'href="{form.replace("&", "&amp;")}"' in page
    client.get("/portal/?lang=en")
    english = _oversized(client, form, token).get_data(as_text=True)
    assert "Files too large" in english and "at most 20 MB" in english and "Back to the form" in english


def test_an_oversized_task_post_leads_back_to_the_case(app, facts):
    client = app.test_client()
    sign_in(client, "unitA")
    ref = facts["a"]["case_ref"]
    token = csrf_of(client, f"/portal/cases/{ref}")
    answer = _oversized(client, f"/portal/cases/{ref}/tasks/{facts['a']['task']}", token)
    assert answer.status_code == 413
    assert f'href="/portal/cases/{ref}" id="back-to-form"' in answer.get_data(as_text=True)


def test_outside_the_portal_the_limit_is_said_in_both_languages(app):
    client = app.test_client()
    sign_in(client, "clerk")
    answer = _oversized(client, "/tasks/1", csrf_of(client))
    assert answer.status_code == 413
    assert "25 MB 上限" in answer.get_data(as_text=True) and "25 MB limit" in answer.get_data(as_text=True)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_in_the_browser_an_oversized_upload_shows_the_page_and_leads_back(portal_page, facts, viewport,
                                                                          tmp_path):
    ref = facts["a"]["case_ref"]
    big = tmp_path / "report.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * OVER)
    lang = "zh" if viewport == "phone" else "en"
    page = portal_page("unitA", viewport, lang)
    page.goto(f"/portal/cases/{ref}")
    page.locator("#task-form input[type=file]").first.set_input_files(str(big))
    page.locator("#task-form button[type=submit]").first.click()
    page.wait_for_selector("#too-large")
    assert ("文件过大" if lang == "zh" else "Files too large") in page.inner_text("h1")
    shot(page, f"too-large-{viewport}-{lang}")
    page.click("#back-to-form")
    page.wait_for_selector("#task-form")
    assert page.url.endswith(f"/portal/cases/{ref}")
