"""Every route x every role (and anonymous): allowed, 403/404/401, or a redirect to sign-in.

A route without an entry in ROUTES fails the test: add one when you add a route.
"""
from __future__ import annotations

import pytest

from tests.e2e.web.conftest import csrf_of, sign_in
from tests.e2e.web.world import PASSWORD, ROLES

STAFF = ("clerk", "inspector", "legal", "head", "manager", "scheduler", "auditor", "admin", "tyclerk")
UNITS = ("unitA", "unitB")
MISSING = 999999


def everyone(result):
    return {role: result for role in (*STAFF, *UNITS)}


def signed(result="ok"):
    return {None: "signin", **everyone(result)}


def a_case(**over):
    """Unit A (Taiyuan): all staff incl. the Taiyuan clerk and unit A; not unit B."""
    return {None: "signin", **everyone("ok"), "unitB": 404, **over}


def b_case(**over):
    """Unit B (Changzhou): not the Taiyuan clerk, not unit A."""
    return {None: "signin", **everyone("ok"), "unitA": 404, "tyclerk": 404, **over}


def unit_only(result="ok", **over):
    """The unit portal: unit users (their own unit's data only); staff 403."""
    return {None: "signin", **everyone(403), **{u: result for u in UNITS}, **over}


def bureau(result="ok", **over):
    """Unit accounts: the bureau's clerks and admins, each within its jurisdictions."""
    return {None: "signin", **everyone(403), "clerk": result, "tyclerk": result, "admin": result, **over}


def managers(result="ok"):
    return {None: "signin", **everyone(403), "manager": result}


def api(result="ok", **over):
    return {None: 401, **everyone(result), **over}


# endpoint -> (method, url builder from facts, {role: expected}); order matters only for sign-out.
ROUTES = {
    "auth.sign_in": ("GET", lambda f: "/sign-in", {None: "ok", **everyone("ok")}),
    "auth.health": ("GET", lambda f: "/healthz", {None: "ok", **everyone("ok")}),
    "static": ("GET", lambda f: "/static/css/app.css", {None: "ok", **everyone("ok")}),
    "vendor.file": ("GET", lambda f: "/vendor/htmx/htmx.min.js", {None: "ok", **everyone("ok")}),
    "queue.index": ("GET", lambda f: "/", signed()),
    "queue.tasks": ("GET", lambda f: "/tasks?view=all", signed()),
    "queue.task": ("GET", lambda f: f"/tasks/{f['draft_task']}", a_case()),
    "queue.claim": ("POST", lambda f: f"/tasks/{f['unit_b_task']}/claim",
                    b_case(**{r: 403 for r in STAFF if r != "tyclerk"})),
    "queue.unclaim": ("POST", lambda f: f"/tasks/{MISSING}/unclaim", signed(404)),
    "queue.bulk": ("POST", lambda f: "/tasks/bulk", {None: "signin", **everyone(404), "unitA": 403, "unitB": 403}),
    "queue.save_filter": ("POST", lambda f: "/filters", signed()),
    "queue.delete_filter": ("POST", lambda f: f"/filters/{MISSING}/delete", signed(404)),
    "cases.index": ("GET", lambda f: "/cases/", signed()),
    "cases.show": ("GET", lambda f: f"/cases/{f['ordered_ref']}", b_case()),
    "cases.diagram": ("GET", lambda f: f"/cases/{f['draft_ref']}/diagram.bpmn", a_case()),
    "cases.document": ("GET", lambda f: f"/cases/documents/{f['document_b']}.pdf", b_case()),
    "scheduler.index": ("GET", lambda f: "/scheduler", {None: "signin", **everyone(403), "scheduler": "ok", "auditor": "ok"}),
    "scheduler.runs": ("GET", lambda f: "/scheduler/runs", {None: "signin", **everyone(403), "scheduler": "ok", "auditor": "ok"}),
    "scheduler.static": ("GET", lambda f: "/scheduler/static/poll.js", {None: "ok", **everyone("ok")}),
    "scheduler.run_now": ("POST", lambda f: "/scheduler/deadline_sweep/run", {None: "signin", **everyone(403), "scheduler": 503}),
    "scheduler.rerun": ("POST", lambda f: f"/scheduler/runs/{MISSING}/rerun", {None: "signin", **everyone(403), "scheduler": 503}),
    "dashboards.index": ("GET", lambda f: "/dashboards", {None: "signin", **everyone(403), "manager": "ok", "head": "ok", "admin": "ok"}),
    "gongshi.index": ("GET", lambda f: "/gongshi?q=&page=1", {None: "ok", **everyone("ok")}),
    "gongshi.export": ("GET", lambda f: "/gongshi/export.csv", {None: "ok", **everyone("ok")}),
    "modeler.index": ("GET", lambda f: "/modeler", managers()),
    "modeler.edit": ("GET", lambda f: "/modeler/rectification/edit?version=1", managers()),
    "modeler.source": ("GET", lambda f: "/modeler/rectification/source.bpmn", managers()),
    "modeler.save": ("POST", lambda f: "/modeler/rectification/draft", managers(400)),  # not JSON
    "modeler.deploy": ("POST", lambda f: "/modeler/rectification/deploy", managers(422)),  # no reason
    "modeler.discard": ("POST", lambda f: "/modeler/rectification/discard", managers(404)),  # no draft: nothing to discard
    "modeler.diff": ("GET", lambda f: "/modeler/rectification/diff?old=1&new=1", managers()),
    "modeler.preview": ("GET", lambda f: "/modeler/rectification/migrate?from=1&to=1", managers()),
    "modeler.migrate": ("POST", lambda f: "/modeler/rectification/migrate", managers()),  # nothing chosen
    "modeler.palette": ("GET", lambda f: "/modeler/palette.json", managers()),
    "modeler.timer_check": ("GET", lambda f: "/modeler/timer-check?kind=timeDate&text=deadline_at", managers()),
    "modeler.forms_index": ("GET", lambda f: "/modeler/forms", managers()),
    "modeler.form": ("GET", lambda f: "/modeler/forms/rectification_draft/schema", managers()),
    "modeler.form_save": ("POST", lambda f: "/modeler/forms/rectification_draft/schema", managers(422)),  # no text
    "modeler.form_fields": ("POST", lambda f: "/modeler/forms/rectification_draft/fields", managers()),  # a preview
    "modeler.form_discard": ("POST", lambda f: "/modeler/forms/rectification_draft/discard", managers(409)),  # no edit
    "api-docs.openapi_json": ("GET", lambda f: "/api/v1/openapi.json", {None: "ok", **everyone("ok")}),
    "api.create_token": ("POST", lambda f: "/api/v1/tokens", {None: 401, **everyone(401)}),
    "api.revoke_token": ("DELETE", lambda f: f"/api/v1/tokens/{MISSING}", api(404)),
    "api.list_tasks": ("GET", lambda f: "/api/v1/tasks?view=all", api()),
    "api.claim_task": ("POST", lambda f: f"/api/v1/tasks/{MISSING}/claim", api(404)),
    "api.complete_task": ("POST", lambda f: f"/api/v1/tasks/{f['unit_b_task']}/complete",
                          api(403, unitA=404, tyclerk=404, unitB=422)),
    "api.list_cases": ("GET", lambda f: "/api/v1/cases", api()),
    "api.get_case": ("GET", lambda f: f"/api/v1/cases/{f['ordered_ref']}", api(unitA=404, tyclerk=404)),
    "api.list_units": ("GET", lambda f: "/api/v1/units", api()),
    "api.get_unit": ("GET", lambda f: f"/api/v1/units/{f['b']['unit_id']}", api(unitA=404, tyclerk=404)),
    "api.get_system": ("GET", lambda f: f"/api/v1/systems/{f['b']['system_id']}", api(unitA=404, tyclerk=404)),
    "api.get_document": ("GET", lambda f: f"/api/v1/documents/{f['document_b']}", api(unitA=404, tyclerk=404)),
    "api.document_content": ("GET", lambda f: f"/api/v1/documents/{f['document_b']}/content", api(unitA=404, tyclerk=404)),
    "portal.home": ("GET", lambda f: "/portal/", unit_only()),
    "portal.documents": ("GET", lambda f: "/portal/documents", unit_only()),
    "portal.download": ("GET", lambda f: f"/portal/documents/{f['document_b']}.pdf", unit_only(unitA=404)),
    "portal.confirm": ("POST", lambda f: f"/portal/documents/{MISSING}/confirm", unit_only(404)),
    "portal.systems": ("GET", lambda f: "/portal/systems", unit_only()),
    "portal.service_queue": ("GET", lambda f: "/portal/service",
                             {None: "signin", **everyone(403), "clerk": "ok", "tyclerk": "ok", "admin": "ok"}),
    "portal.record_service": ("POST", lambda f: f"/portal/service/{MISSING}",
                              {None: "signin", **everyone(403), "clerk": 404, "tyclerk": 404, "admin": 404}),
    "portal.attachment": ("GET", lambda f: f"/portal/attachments/{'0' * 64}", unit_only(404)),
    "portal.case": ("GET", lambda f: f"/portal/cases/{f['b']['case_ref']}", unit_only(unitA=404)),
    "portal.submit": ("POST", lambda f: f"/portal/cases/{f['b']['case_ref']}/tasks/{f['unit_b_task']}",
                      unit_only(422, unitA=404)),  # unit B: the form is incomplete
    "portal.postpone_hearing": ("POST", lambda f: f"/portal/cases/{f['b']['case_ref']}/hearing/postpone",
                                unit_only(422, unitA=404)),  # unit B: no reason given
    "portal.filings": ("GET", lambda f: "/portal/filings", unit_only()),
    "portal.new_filing": ("GET", lambda f: f"/portal/filings/new?system={f['b']['system_id']}&kind=camera_change",
                          unit_only(422, unitA=404)),  # unit B: not accepted yet, nothing to file
    "auth.activate": ("GET", lambda f: "/activate", {None: "ok", **everyone("ok")}),
    "auth.unit_accounts": ("GET", lambda f: "/accounts/units", bureau()),
    "auth.create_unit_account": ("POST", lambda f: f"/accounts/units/{f['b']['unit_id']}/users",
                                 bureau(422, tyclerk=404)),  # no username posted
    "auth.reset_password": ("POST", lambda f: "/accounts/users/nobody-here/reset", bureau(404)),
    "portal.account": ("GET", lambda f: "/portal/account", unit_only()),
    "portal.invite": ("POST", lambda f: "/portal/account/invite", unit_only(422)),  # no username
    "portal.reissue": ("POST", lambda f: "/portal/account/users/nobody-here/code", unit_only(404)),
    "auth.sign_out": ("POST", lambda f: "/sign-out", signed("signin")),  # back to the sign-in page
}


def test_every_route_has_an_entry(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(ROUTES), f"add these to ROUTES: {sorted(endpoints - set(ROUTES))}; stale: {sorted(set(ROUTES) - endpoints)}"


def _token(client, username):
    answer = client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.get_json()["token"]


def _outcome(answer) -> object:
    if answer.status_code in (301, 302, 303) and "/sign-in" in answer.headers.get("Location", ""):
        return "signin"
    if answer.status_code < 400:
        return "ok"
    return answer.status_code


@pytest.mark.parametrize("role", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_route_by_role(app, facts, role):
    client = app.test_client()
    headers, token = {}, csrf_of(client, "/sign-in")  # a real token: only sign-in is missing
    if role:
        assert sign_in(client, role).status_code == 302
        token = csrf_of(client)
        headers = {"Authorization": f"Bearer {_token(app.test_client(), role)}"}
    wrong = []
    for endpoint, (method, url, expected) in ROUTES.items():
        path = url(facts)
        is_api = path.startswith("/api/")
        kwargs = {"headers": headers if is_api else {}}
        if method != "GET" and not is_api:
            kwargs["data"] = {"csrf_token": token, "name": "role-test", "view": "all", "ids": str(MISSING)}
        if endpoint == "api.create_token":
            kwargs["json"] = {"username": role or "nobody", "password": "wrong-password"}
        if endpoint == "api.complete_task":
            kwargs["json"] = {"data": {"completed_on": "not-a-date"}}
        answer = client.open(path, method=method, **kwargs)
        got = _outcome(answer)
        if got != expected[role]:
            wrong.append(f"{method} {path}: expected {expected[role]}, got {got}")
    assert not wrong, "\n".join(wrong)
