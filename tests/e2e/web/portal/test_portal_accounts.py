"""Through HTTP: a form posted twice acts once; a unit never reaches a document before it is
served (portal, case door, API); the account pages answer with codes shown once."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from casework.models import AuditEvent, User
from casework.passwords import hash_password
from casework.services.cases import service_of_documents
from casework.services.cases.violations import report_violation
from casework.services.units import registration
from casework.services.units.credit_code import make
from tests.e2e.web.conftest import csrf_of, sign_in
from tests.e2e.web.world import CLERK, FACTS, LEGAL, PASSWORD, _do, _item
from casework import clock


def _key(page: str) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', page).group(1)


def _completions(container, item_id: int) -> int:
    with container.uow() as uow:
        return sum(1 for data in uow.session.scalars(select(AuditEvent.data).where(
            AuditEvent.action == "engine.complete")) if (data or {}).get("work_item") == item_id)


def test_a_report_posted_twice_completes_the_task_once(app, facts):
    container = app.extensions["casework"]
    item_id = _item(container, facts["ordered_ref"], "rectification_report")
    client = app.test_client()
    sign_in(client, "unitB")
    page = client.get(f"/tasks/{item_id}").get_data(as_text=True)
    key = _key(page)
    form = {"csrf_token": csrf_of(client, f"/tasks/{item_id}"), "submission_key": key,
            "description": "已在出入口设置明显标志。"}
    first = client.post(f"/tasks/{item_id}", data=form)
    assert first.status_code == 302 and first.headers["Location"].endswith("/tasks")
    again = client.post(f"/tasks/{item_id}", data=form)  # a double click, a network retry
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    assert "未重复办理" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert _completions(container, item_id) == 1
    other = client.post(f"/tasks/{item_id}", data={**form, "submission_key": "another-key-0123456789"})
    assert other.status_code == 404  # a new submission of a done task: refused as before
    assert _completions(container, item_id) == 1


def test_a_refused_post_leaves_no_key_so_the_form_can_be_sent_again(app, facts):
    container = app.extensions["casework"]
    client = app.test_client()
    sign_in(client, "unitA")
    token = csrf_of(client, "/portal/account")
    form = {"csrf_token": token, "submission_key": "invite-key-0123456789", "username": "x"}
    assert client.post("/portal/account/invite", data=form).status_code == 422  # too short
    answer = client.post("/portal/account/invite", data={**form, "username": "unitA-2"})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    code = re.search(r'id="activation-code">([A-Z0-9-]+)<', answer.get_data(as_text=True)).group(1)
    again = client.post("/portal/account/invite", data={**form, "username": "unitA-2"})
    assert again.status_code == 303 and again.headers["Location"].endswith("/portal/account")
    assert code not in client.get("/portal/account").get_data(as_text=True)  # shown once
    with container.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(User).where(
            User.unit_id == facts["a"]["unit_id"])) == 2


def _unit_without_consent(container) -> tuple[int, str, int]:
    reg = registration.register_unit(
        container.uow(), actor=CLERK, credit_code_value=make("91140100MA0000077"), name="太原无同意商场",
        address="太原市人民路77号", legal_representative="李四", site_category="commercial",
        party_type="business", jurisdiction="taiyuan", electronic_service_consent=False)
    with container.uow() as uow:
        uow.session.add(User(username="unitC", display_name="unitC", roles=["unit"], unit_id=reg["unit_id"],
                             password_hash=hash_password(PASSWORD), created_at=clock.now()))
        uow.commit()
    ref = report_violation(container.uow(), actor=CLERK, unit_id=reg["unit_id"], code="no_signage",
                           facts=FACTS, act_key="accounts-unserved")
    _do(container, ref, "rectification_draft", {"facts": FACTS, "correction_days": 7}, CLERK)
    _do(container, ref, "legal_review", {"approved": True, "comment": "事实清楚"}, LEGAL)
    with container.uow() as uow:
        doc = next(d for d in service_of_documents.clerk_items(uow.session) if d["case_ref"] == ref)
    return reg["unit_id"], ref, doc["document_id"]


def test_an_unserved_document_does_not_exist_for_the_unit_by_any_route(app):
    container = app.extensions["casework"]
    _unit_id, ref, document_id = _unit_without_consent(container)
    client = app.test_client()
    sign_in(client, "unitC")
    token = client.post("/api/v1/tokens", json={"username": "unitC", "password": PASSWORD}).get_json()["token"]
    api = {"Authorization": f"Bearer {token}"}

    def reach() -> dict:
        return {"portal": client.get(f"/portal/documents/{document_id}.pdf").status_code,
                "case door": client.get(f"/cases/documents/{document_id}.pdf").status_code,
                "api": client.get(f"/api/v1/documents/{document_id}", headers=api).status_code,
                "api content": client.get(f"/api/v1/documents/{document_id}/content", headers=api).status_code,
                "case page": document_id in _links(client.get(f"/cases/{ref}").get_data(as_text=True)),
                "api case": [d["id"] for d in client.get(f"/api/v1/cases/{ref}", headers=api)
                             .get_json().get("documents", [])]}

    assert reach() == {"portal": 404, "case door": 404, "api": 404, "api content": 404,
                       "case page": False, "api case": []}
    clerk = app.test_client()
    sign_in(clerk, "clerk")
    assert clerk.get(f"/cases/documents/{document_id}.pdf").status_code == 200  # staff see it
    served = service_of_documents.record(container.uow(), actor=CLERK, document_id=document_id, method="post",
                                place="太原市人民路77号")
    assert reach() == {"portal": 200, "case door": 200, "api": 200, "api content": 200,
                       "case page": True, "api case": [document_id, served["receipt_id"]]}


def _links(page: str) -> list[int]:
    return [int(found) for found in re.findall(r"/documents/(\d+)\.pdf", page)]
