"""Case page downloads are byte-exact and hash-verified; the API drives a task end to end."""
from __future__ import annotations

import hashlib


from casework.models import Document
from tests.e2e.web.conftest import sign_in
from tests.e2e.web.world import PASSWORD


def test_documents_download_byte_exact_and_a_tampered_file_is_refused(app, web_world, facts):
    container, _ = web_world
    client = app.test_client()
    sign_in(client, "clerk")
    with container.uow() as uow:
        doc = uow.session.get(Document, facts["document_b"])
        key, sha = doc.file_key, doc.sha256
    answer = client.get(f"/cases/documents/{facts['document_b']}.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert hashlib.sha256(answer.data).hexdigest() == sha and answer.data == container.files.get(key)
    page = client.get(f"/cases/{facts['ordered_ref']}").get_data(as_text=True)
    assert sha[:16] in page and "第二十条" in page
    path = container.files.path(key)
    original = path.read_bytes()
    path.chmod(0o644)
    path.write_bytes(original.replace(b"%%EOF", b"%%EOF\n%tampered"))
    try:
        refused = client.get(f"/cases/documents/{facts['document_b']}.pdf")
        assert refused.status_code >= 400 and "SHA-256" in refused.get_data(as_text=True)
    finally:
        path.write_bytes(original)


def test_a_unit_claims_and_completes_its_task_through_the_api(app, web_world, facts):
    client = app.test_client()
    token = client.post("/api/v1/tokens", json={"username": "unitA", "password": PASSWORD}).get_json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    rows = client.get("/api/v1/tasks?view=all", headers=auth).get_json()["rows"]
    assert facts["unit_a_task"] in [r["id"] for r in rows]
    assert client.post(f"/api/v1/tasks/{facts['unit_b_task']}/claim", headers=auth).status_code == 404
    assert client.post(f"/api/v1/tasks/{facts['unit_a_task']}/claim", headers=auth).status_code == 204
    bad = client.post(f"/api/v1/tasks/{facts['unit_a_task']}/complete", headers=auth,
                      json={"data": {"completed_on": "2026-03-02"}})
    assert bad.status_code == 422 and "camera_count" in bad.get_json()["message"]
    done = client.post(f"/api/v1/tasks/{facts['unit_a_task']}/complete", headers=auth,
                       json={"data": {"completed_on": "2026-03-02", "camera_count": 12, "builder": "安防公司"}})
    assert done.status_code == 200 and done.get_json()["case_ref"] == facts["a"]["case_ref"]
    case = client.get(f"/api/v1/cases/{facts['a']['case_ref']}", headers=auth).get_json()
    assert case["ref"] == facts["a"]["case_ref"]
    assert client.get(f"/api/v1/units/{facts['b']['unit_id']}", headers=auth).status_code == 404
