"""The portal's own forms act once: a report posted twice (double click, retry) completes once."""
from __future__ import annotations

from tests.e2e.web.conftest import csrf_of, sign_in
from tests.e2e.web.portal.test_portal_accounts import _completions, _key
from tests.e2e.web.world import _item


def test_a_portal_report_posted_twice_completes_the_task_once(app, facts):
    container = app.extensions["casework"]
    ref = facts["ordered_ref"]
    item_id = _item(container, ref, "rectification_report")
    client = app.test_client()
    sign_in(client, "unitB")
    page = client.get(f"/portal/cases/{ref}").get_data(as_text=True)
    form = {"csrf_token": csrf_of(client, f"/portal/cases/{ref}"), "submission_key": _key(page),
            "description": "已在出入口设置明显标志。"}
    first = client.post(f"/portal/cases/{ref}/tasks/{item_id}", data=form)
    assert first.status_code == 302, first.get_data(as_text=True)[:400]
    again = client.post(f"/portal/cases/{ref}/tasks/{item_id}", data=form)
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    assert _completions(container, item_id) == 1
