"""The language links of a page answering a post lead to a page that answers GET: a code shown
once (links back to where the form was, with a note), a refused form, an oversized upload."""
from __future__ import annotations

import html
import re

import pytest

from tests.e2e.web.conftest import csrf_of, sign_in
from tests.e2e.web.world import CLERK, _do, _item
from web.app import create_app

LIMIT = 2**20  # this module's request limit: an oversized post stays small


@pytest.fixture(scope="module")
def small_app(web_world):
    container, _facts = web_world
    return create_app(container, {"TESTING": True, "MAX_CONTENT_LENGTH": LIMIT})


def _links(answer) -> list[str]:
    page = answer.get_data(as_text=True)
    found = [html.unescape(h) for h in re.findall(r'<a class="lang[^"]*" href="([^"]+)"', page)]
    assert len(found) == 2 and {h.rsplit("lang=", 1)[1] for h in found} == {"zh", "en"}, found
    return found


def _all_answer_get(client, answer) -> list[str]:
    links = _links(answer)
    for href in links:
        got = client.get(href)
        assert got.status_code == 200, (href, got.status_code)
    return links


def _oversized(client, path: str, token: str):
    boundary = "cwboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"a.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n").encode()
    body = head + b"0" * (LIMIT + 1024) + f"\r\n--{boundary}--\r\n".encode()
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_a_code_page_leads_back_to_the_form_page_and_says_the_code_is_left(small_app, facts):
    client = small_app.test_client()
    sign_in(client, "clerk")
    form = {"csrf_token": csrf_of(client, "/accounts/units"), "username": "lang-a2", "display_name": "二号"}
    answer = client.post(f"/accounts/units/{facts['a']['unit_id']}/users", data=form)
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    code = re.search(r'id="activation-code">([A-Z0-9-]+)<', page).group(1)
    assert 'id="language-note"' in page
    links = _all_answer_get(client, answer)
    assert all(h.startswith("/accounts/units?") for h in links)
    assert code not in client.get(links[1]).get_data(as_text=True)  # shown once, in either language
    refused = client.post(f"/accounts/units/{facts['a']['unit_id']}/users", data={**form, "username": "x"})
    assert refused.status_code == 422
    assert all(h.startswith("/tasks?") for h in _all_answer_get(client, refused))  # the door's home


def test_portal_code_and_refused_pages_lead_to_get_pages(small_app):
    client = small_app.test_client()
    sign_in(client, "unitB")
    token = csrf_of(client, "/portal/account")
    refused = client.post("/portal/account/invite", data={"csrf_token": token, "username": "x"})
    assert refused.status_code == 422
    assert all(h.startswith("/portal/?") for h in _all_answer_get(client, refused))
    issued = client.post("/portal/account/invite", data={"csrf_token": token, "username": "lang-b2"})
    assert issued.status_code == 200 and 'id="language-note"' in issued.get_data(as_text=True)
    assert all(h.startswith("/portal/account?") for h in _all_answer_get(client, issued))
    client.get("/portal/?lang=zh")


def test_oversized_and_refused_posts_lead_to_get_pages(small_app, web_world, facts):
    container, _ = web_world
    client = small_app.test_client()
    sign_in(client, "unitB")
    ref = facts["ordered_ref"]
    token = csrf_of(client, f"/portal/cases/{ref}")
    item_id = _item(container, ref, "rectification_report")
    too_large = _oversized(client, f"/portal/cases/{ref}/tasks/{item_id}", token)  # POST only
    assert too_large.status_code == 413
    assert all(h.startswith("/portal/?") for h in _all_answer_get(client, too_large))
    a = facts["a"]  # accepted: a camera change may be filed
    _do(container, a["case_ref"], "acceptance_complete",
        {"completed_on": "2026-03-02", "camera_count": 4, "builder": "某安防公司"}, a["unit"])
    _do(container, a["case_ref"], "acceptance_test_report",
        {"agency": "检验站", "report_number": "JC-1", "conclusion": "pass"}, a["unit"])
    _do(container, a["case_ref"], "acceptance_review", {"accepted": True}, CLERK)
    unit_a = small_app.test_client()
    sign_in(unit_a, "unitA")
    filing = f"/portal/filings/new?system={facts['a']['system_id']}&kind=camera_change"
    too_large = _oversized(unit_a, filing, csrf_of(unit_a, "/portal/filings"))  # its URL answers GET
    assert too_large.status_code == 413
    assert all(h.startswith(filing + "&") for h in _all_answer_get(unit_a, too_large))  # query kept

    staff = small_app.test_client()
    sign_in(staff, "clerk")
    refused = staff.post(f"/tasks/{facts['draft_task']}", data={"csrf_token": csrf_of(staff)})
    assert refused.status_code >= 400
    assert all(h.startswith(f"/tasks/{facts['draft_task']}?") for h in _all_answer_get(staff, refused))
    anonymous = small_app.test_client()
    wrong = anonymous.post("/activate", data={"csrf_token": csrf_of(anonymous, "/activate"), "username": "nobody",
                                              "code": "AAAA-AAAA-AAAA", "password": "long-enough-1",
                                              "confirm": "long-enough-1"})
    assert wrong.status_code == 400
    assert all(h.startswith("/activate?") for h in _all_answer_get(anonymous, wrong))
    gone = staff.post("/sign-out", data={"csrf_token": "stale"})  # CSRF refusal of a POST-only route
    assert gone.status_code == 400
    assert all(h.startswith("/tasks?") for h in _all_answer_get(staff, gone))
