"""The properties panel's server side over HTTP: the pick lists and the timer check; a draft whose
timer names a period the legal calendar cannot read gets that problem on the timer."""
from __future__ import annotations

import pytest

from tests.e2e.web.conftest import sign_in


@pytest.fixture
def manager(app):
    client = app.test_client()
    assert sign_in(client, "manager").status_code == 302
    return client


def test_pick_lists_name_roles_forms_actions_and_due_variables(manager):
    palette = manager.get("/modeler/palette.json").get_json()
    roles = {r["code"]: r for r in palette["roles"]}
    assert roles["legal_reviewer"]["zh"] == "法制审核员" and "unit" in roles
    forms = {f["key"]: f for f in palette["forms"]}
    assert forms["rectification_draft"]["zh"] == "拟制责令限期改正通知"
    actions = {a["name"]: a for a in palette["actions"]}
    inputs = {i["name"]: i for i in actions["set_deadline"]["inputs"]}
    assert inputs["period"]["type"] == "str" and "owed_by" in inputs
    assert "deadline_at" in palette["due_variables"]
    assert palette["timer_kinds"] == ["timeDate", "timeDuration", "timeCycle"]


@pytest.mark.parametrize(("kind", "text", "ok", "says"), [
    ("timeDate", "deadline_at", True, "reads deadline_at"),
    ("timeDate", 'deadline_iso(served_at, "15d")', True, "15 calendar days"),
    ("timeDate", 'deadline_iso(served_at, "2周")', False, "cannot read period"),
    ("timeDate", 'deadline_iso(served_at)', False, "takes a start and a period"),
    ("timeDate", "__import__('os')", False, "expression refused"),
    ("timeDate", "2026-05-01T09:00:00+08:00", True, "fixed instant"),
    ("timeDate", "8999-13-01", False, ""),
    ("timeDuration", "P3D", True, "fixed duration"),
    ("timeDuration", "P200Y", False, "longer than 100 years"),
    ("timeCycle", "R/P1D", False, "must give its count"),
    ("timeCycle", "R3/P1D", True, "3 times"),
    ("timeCycle", "", False, "needs a text"),
])
def test_timer_texts_are_checked_on_the_server(manager, kind, text, ok, says):
    answer = manager.get("/modeler/timer-check", query_string={"kind": kind, "text": text}).get_json()
    assert answer["ok"] is ok and says in answer["message"], answer


def test_an_unknown_timer_kind_is_refused(manager):
    assert manager.get("/modeler/timer-check?kind=timeLater&text=P1D").status_code == 422


def test_a_saved_draft_names_a_timer_period_the_calendar_cannot_read(manager):
    xml = manager.get("/modeler/rectification/source.bpmn").get_data(as_text=True)
    bad = xml.replace("<bpmn:timeDate>deadline_at</bpmn:timeDate>",
                      '<bpmn:timeDate>deadline_iso(served_at, "10x")</bpmn:timeDate>', 1)
    assert bad != xml
    token = manager.get("/modeler/rectification/edit").get_data(as_text=True).split('"X-CSRFToken": "')[1].split('"')[0]
    answer = manager.post("/modeler/rectification/draft", json={"xml": bad, "base_version": 1, "revision": 0},
                          headers={"X-CSRFToken": token})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    problems = answer.get_json()["problems"]
    assert [p["element"] for p in problems] == ["deadline_missed"]
    assert "10x" in problems[0]["message"] and "timer" in problems[0]["message"]
