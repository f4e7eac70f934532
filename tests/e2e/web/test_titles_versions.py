"""A task's English title comes from the form its process version runs, as its page's heading
does: a form edited in the modeler and deployed titles the tasks of instances on that version
(the queue, the task page, the case page, the API), not those still on the older one; and the
queue's English page costs no more queries than its Chinese one (no query per row)."""
from __future__ import annotations

import json
import re
from html import unescape

from sqlalchemy import select

from casework.engine.model.deploy import default_bpmn_dir, default_forms_dir
from casework.models import Case, ProcessInstance
from casework.services.actor import Actor
from casework.services.modeling import forms as modeling_forms
from casework.services.processes import admin
from tests.e2e.web.conftest import statements_by_language, sign_in
from tests.e2e.web.world import PASSWORD

MANAGER = Actor("manager", frozenset({"manager"}))
EDITED = "Draft the order to correct (edited)"


def _row_name(page: str, item: int) -> str:
    return unescape(re.search(rf'<a href="/tasks/{item}">([^<]*)</a>', page).group(1))


def _heading(page: str) -> str:
    return unescape(re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)).strip()


def _api_name(client, item: int) -> tuple[str, str]:
    token = client.post("/api/v1/tokens", json={"username": "clerk", "password": PASSWORD}).get_json()["token"]
    rows = client.get("/api/v1/tasks?view=all", headers={"Authorization": f"Bearer {token}",
                                                         "Accept-Language": "en"}).get_json()["rows"]
    row = next(r for r in rows if r["id"] == item)
    return row["name"], row["name_zh"]


def test_an_edited_and_deployed_form_titles_the_tasks_of_its_version(app, web_world, facts):
    container, _ = web_world
    item, ref = facts["draft_task"], facts["draft_ref"]
    staff = app.test_client()
    sign_in(staff, "clerk")
    assert _row_name(staff.get("/tasks?view=all&lang=en").get_data(as_text=True), item) == "Draft order to correct"

    form = json.loads((default_forms_dir() / "rectification_draft.json").read_text(encoding="utf-8"))
    form["title"]["en"] = EDITED
    modeling_forms.save_form(container.uow(), actor=MANAGER, key="rectification_draft",
                             text=json.dumps(form, ensure_ascii=False), revision=0)
    xml = (default_bpmn_dir() / "rectification.bpmn").read_bytes()
    deployed = admin.deploy_model(container.uow(), actor=MANAGER, key="rectification", bpmn_xml=xml)
    assert deployed["new"] and deployed["edited_forms"] == {"rectification_draft": 1}

    # Its instance still runs the older version: the older form's title everywhere.
    assert _row_name(staff.get("/tasks?view=all&lang=en").get_data(as_text=True), item) == "Draft order to correct"
    assert _api_name(staff, item) == ("Draft order to correct", "拟制责令限期改正通知")

    with container.uow() as uow:
        instance = uow.session.scalar(select(Case.instance_id).where(Case.ref == ref))
    admin.migrate_instance(container.uow(), actor=MANAGER, instance_id=instance,
                           to_version=deployed["version"], apply=True)
    with container.uow() as uow:
        assert uow.session.get(ProcessInstance, instance).model_version_id != 1

    queue = staff.get("/tasks?view=all&lang=en").get_data(as_text=True)
    assert _row_name(queue, item) == EDITED
    assert _heading(staff.get(f"/tasks/{item}?lang=en").get_data(as_text=True)) == EDITED  # the same lookup
    assert f">{EDITED}</a>" in unescape(staff.get(f"/cases/{ref}?lang=en").get_data(as_text=True))
    assert _api_name(staff, item) == (EDITED, "拟制责令限期改正通知")
    assert _row_name(staff.get("/tasks?view=all&lang=zh").get_data(as_text=True), item) == "拟制责令限期改正通知"

    manager = app.test_client()  # the dashboard names the stage by the newest version its cases run
    sign_in(manager, "manager")
    board = unescape(manager.get("/dashboards?lang=en").get_data(as_text=True))
    labels = json.loads(re.search(r'id="dashboard-data">(.*?)</script>', board, re.S).group(1))[
        "charts"]["open_by_stage"]["categories"]
    assert any(label.endswith(f" · {EDITED}") for label in labels), labels


def test_the_portal_titles_a_units_task_by_the_form_of_its_version(app, web_world, facts):
    container, _ = web_world
    edited = "Report completion of the works (edited)"
    form = json.loads((default_forms_dir() / "acceptance_complete.json").read_text(encoding="utf-8"))
    form["title"]["en"] = edited
    modeling_forms.save_form(container.uow(), actor=MANAGER, key="acceptance_complete",
                             text=json.dumps(form, ensure_ascii=False), revision=0)
    xml = (default_bpmn_dir() / "acceptance.bpmn").read_bytes()
    deployed = admin.deploy_model(container.uow(), actor=MANAGER, key="acceptance", bpmn_xml=xml)
    with container.uow() as uow:
        instance = uow.session.scalar(select(Case.instance_id).where(Case.ref == facts["b"]["case_ref"]))
    admin.migrate_instance(container.uow(), actor=MANAGER, instance_id=instance,
                           to_version=deployed["version"], apply=True)
    unit_a, unit_b = app.test_client(), app.test_client()
    sign_in(unit_a, "unitA")
    sign_in(unit_b, "unitB")
    assert f"<strong>{edited}</strong>" in unescape(unit_b.get("/portal/?lang=en").get_data(as_text=True))
    still = unescape(unit_a.get("/portal/?lang=en").get_data(as_text=True))  # its instance on the older one
    assert "<strong>Report completion</strong>" in still and edited not in still
    assert "<strong>报告竣工</strong>" in unescape(unit_b.get("/portal/?lang=zh").get_data(as_text=True))


def test_the_english_queue_costs_no_more_queries_than_the_chinese(app, web_world):
    container, _ = web_world
    staff = app.test_client()
    sign_in(staff, "admin")
    shown = statements_by_language(container, staff, "/tasks?view=all", '<tr id="task-')
    assert shown["en"][1] == shown["zh"][1] >= 4  # several rows
    assert shown["en"][0] == shown["zh"][0]  # no query per row, none for titles at all once known
