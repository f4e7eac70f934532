"""Queues: views, filters, overdue first, keyset paging, saved filters, bulk claim and hand over."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from casework import clock
from casework.errors import Conflict, InvalidInput
from casework.models import Case, ProcessInstance, WorkItem
from casework.services import queues
from casework.services.actor import Actor
from casework.storage import db
from tests.e2e.web.conftest import csrf_of, sign_in

ADMIN = Actor("admin", frozenset({"admin", "clerk"}))


def test_keyset_pages_cover_every_visible_task_once_in_deadline_order(web_world):
    container, _ = web_world
    first = queues.queue(container.uow(), actor=ADMIN, view="all", limit=100)["rows"]
    seen, after = [], None
    while True:
        page = queues.queue(container.uow(), actor=ADMIN, view="all", after=after, limit=2)
        seen += page["rows"]
        if not page["next"]:
            break
        after = page["next"]
    assert [r["id"] for r in seen] == [r["id"] for r in first] and len(seen) >= 4
    dated = [r["remaining_days"] for r in seen if r["remaining_days"] is not None]
    assert dated == sorted(dated)  # overdue (negative) first, undated last
    assert all(r["remaining_days"] is None for r in seen[len(dated):])
    with pytest.raises(InvalidInput):
        queues.queue(container.uow(), actor=ADMIN, after="not-a-cursor")


def test_filters_and_the_unit_scope(web_world, facts):
    container, _ = web_world
    rect = queues.queue(container.uow(), actor=ADMIN, view="all", filters={"process": "rectification"})
    assert rect["rows"] and {r["process"] for r in rect["rows"]} == {"rectification"}
    unit_a = Actor("unitA", frozenset({"unit"}), facts["a"]["unit_id"])
    mine = queues.queue(container.uow(), actor=unit_a, view="all")["rows"]
    assert mine and {r["unit_id"] for r in mine} == {facts["a"]["unit_id"]}
    assert queues.queue(container.uow(), actor=ADMIN, filters={"provisional": "1"})["rows"] == []
    with pytest.raises(InvalidInput):
        queues.queue(container.uow(), actor=ADMIN, filters={"unit": "abc"})


def test_bulk_claim_and_hand_over(web_world, facts):
    container, _ = web_world
    clerk = Actor("clerk", frozenset({"clerk"}))
    ids = [r["id"] for r in queues.queue(container.uow(), actor=clerk, filters={"status": "unclaimed"})["rows"]]
    assert ids
    queues.bulk_claim(container.uow(), actor=clerk, ids=ids)
    with pytest.raises(Conflict):  # legal has no clerk role: cannot take clerk tasks
        queues.hand_over(container.uow(), actor=clerk, ids=ids, to="legal")
    with pytest.raises(Conflict):  # the Taiyuan clerk cannot see Changzhou's tasks
        queues.hand_over(container.uow(), actor=clerk, ids=ids + [facts["unit_b_task"]], to="tyclerk")
    queues.hand_over(container.uow(), actor=clerk, ids=ids, to="admin")
    with container.uow() as uow:
        assert set(uow.session.execute(select(WorkItem.assignee).where(WorkItem.id.in_(ids))).scalars()) == {"admin"}
    mine = queues.queue(container.uow(), actor=ADMIN, view="mine")["rows"]
    assert {r["id"] for r in mine} >= set(ids)
    for ident in ids:  # give them back for the other tests
        queues.hand_over(container.uow(), actor=ADMIN, ids=[ident], to="clerk")


def test_saved_filters_through_the_page(app):
    client = app.test_client()
    sign_in(client, "inspector")
    assert "逾期整改" not in client.get("/tasks").get_data(as_text=True)  # the list is now kept a while
    token = csrf_of(client)
    answer = client.post("/filters", data={"csrf_token": token, "name": "逾期整改", "view": "all",
                                           "process": "rectification", "status": "overdue", "bogus": "x"})
    assert answer.status_code == 302 and "process=rectification" in answer.headers["Location"]
    page = client.get("/tasks").get_data(as_text=True)
    assert "逾期整改" in page and "status=overdue" in page
    saved = queues.list_saved_filters(app.extensions["casework"].uow(), actor=Actor("inspector", frozenset({"inspector"})))
    assert saved[0]["query"] == {"view": "all", "process": "rectification", "status": "overdue"}
    client.post(f"/filters/{saved[0]['id']}/delete", data={"csrf_token": token})
    assert "逾期整改" not in client.get("/tasks").get_data(as_text=True)  # one's own change shows at once


def test_htmx_asks_for_the_next_page_as_rows_only(app):
    client = app.test_client()
    sign_in(client, "admin")
    first = queues.queue(app.extensions["casework"].uow(), actor=ADMIN, view="all", limit=1)
    answer = client.get(f"/tasks?view=all&after={first['next']}", headers={"HX-Request": "true"})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in body and "<tr id=\"task-" in body


def test_the_provisional_filter_and_flag(web_world, facts):
    container, _ = web_world
    with container.uow() as uow:  # mark the draft case's deadline provisional
        case = uow.session.execute(select(Case).where(Case.ref == facts["ordered_ref"])).scalar_one()
        if queues.CASE_PROVISIONAL is not None:
            case.deadline_provisional = True
        else:
            instance = uow.session.get(ProcessInstance, case.instance_id)
            instance.data = {**instance.data, queues.PROVISIONAL_KEY: True}
        uow.commit()
    rows = queues.queue(container.uow(), actor=ADMIN, view="all", filters={"provisional": "1"})["rows"]
    assert rows and {r["case_ref"] for r in rows} == {facts["ordered_ref"]} and all(r["provisional"] for r in rows)
    others = queues.queue(container.uow(), actor=ADMIN, view="all", filters={"provisional": "0"})["rows"]
    assert others and facts["ordered_ref"] not in {r["case_ref"] for r in others}


def test_the_view_tabs_keep_a_yes_no_filter_as_the_form_sends_it(app):
    client = app.test_client()
    sign_in(client, "clerk")
    page = client.get("/tasks?view=group&provisional=1").get_data(as_text=True)
    tabs = re.findall(r'<p class="tabs">(.*?)</p>', page, re.S)[0]
    assert tabs.count("provisional=1") == 3 and "True" not in tabs  # "True" read back as no


def test_a_kept_row_is_drawn_anew_when_what_it_shows_changes(app, web_world):
    from pathlib import Path

    from web.queue import views
    from jinja2 import meta
    folder = Path(views.__file__).parent / "templates" / "queue"
    row = (folder / "_row.html").read_text()
    assert set(re.findall(r"\br\.(\w+)", row)) <= set(views.ShownRow._fields)  # the key covers what a row shows
    for name in ("_row.html", "_rows.html", "_filters.html"):  # a drawn fragment reads only its arguments
        assert meta.find_undeclared_variables(app.jinja_env.parse((folder / name).read_text())) <= {"_"}
    client = app.test_client()
    sign_in(client, "clerk")
    page = client.get("/tasks?view=group").get_data(as_text=True)
    ident, act = re.search(r'formaction="/tasks/(\d+)/(claim|unclaim)"', page).groups()
    undo = "unclaim" if act == "claim" else "claim"
    row = re.compile(rf'<tr id="task-{ident}".*?</tr>', re.S)
    client.post(f"/tasks/{ident}/{act}", data={"csrf_token": csrf_of(client)})
    try:
        changed = row.search(client.get("/tasks?view=group").get_data(as_text=True)).group(0)
        assert f"/tasks/{ident}/{undo}" in changed and f"/tasks/{ident}/{act}" not in changed
        english = row.search(client.get("/tasks?view=group&lang=en").get_data(as_text=True)).group(0)
        assert ("Give back" if undo == "unclaim" else ">Claim<") in english
    finally:
        client.post(f"/tasks/{ident}/{undo}", data={"csrf_token": csrf_of(client)})
        client.get("/tasks?lang=zh")


def test_queue_statements_read_the_same_rows_through_the_driver_as_through_sqlalchemy(web_world, facts):
    """storage.db.plain_rows: on PostgreSQL the page's statement runs on the driver's cursor
    with no conversion; for every filter shape the rows are SQLAlchemy's, timestamps in UTC."""
    container, _ = web_world
    unit_a = Actor("unitA", frozenset({"unit"}), facts["a"]["unit_id"])
    shapes = [(ADMIN, "all", {}), (ADMIN, "all", {"process": "rectification", "status": "unclaimed"}),
              (ADMIN, "all", {"status": "overdue"}), (ADMIN, "all", {"provisional": True}),
              (ADMIN, "mine", {}), (ADMIN, "group", {"status": "claimed"}), (unit_a, "all", {})]
    first = queues.queue(container.uow(), actor=ADMIN, view="all", limit=1)
    compared = 0
    for actor, view, filters in shapes + [(ADMIN, "all", {"after": first["next"]})]:
        after = filters.pop("after", None)
        f = queues.clean_filters(filters)
        params = {name: f[name] for name, _column in queues.VALUE_FILTERS if name in f}
        if after:
            params["after_at"], params["after_id"] = queues.decode_cursor(after)
        if f.get("status") == "overdue":
            params["now"] = clock.now()
        query, _row = queues._statement(actor, view, tuple(sorted(params)), f.get("status"), f.get("provisional"), 25)
        with container.read_uow() as read:
            conn = read.session.connection()
            plain = db.plain_rows(conn, query, params)
            assert [tuple(r) for r in conn.execute(query, params).all()] == [tuple(r) for r in plain]
            compared += len(plain)
            stamps = [v for r in plain for v in r if isinstance(v, datetime)]
            assert all(v.tzinfo is timezone.utc for v in stamps)
    assert compared >= 8
