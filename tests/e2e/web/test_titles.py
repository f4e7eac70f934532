"""Case and task titles in the page's language: a case's title is stored in Chinese (documents,
audit and the CLI quote it) and English pages derive theirs, for every kind of case and for
rows stored before the derivation existed as for new ones; the unit's name stays as entered.
Checked on the staff case list and case page, the portal's case page and obligations, the
queue's rows and the dashboard; the task page; the API (Accept-Language, the stored Chinese kept);
a legal basis in English (the instrument's English title, the article as cited)."""
from __future__ import annotations

import json
import re
from html import unescape

import pytest
from sqlalchemy import select

from casework.models import Case, Unit
from casework.services.cases.titles import KIND_TITLES
from tests.e2e.web.conftest import sign_in
from tests.e2e.web.world import PASSWORD

# Titles as rows stored them before this change, written out: f"{kind in Chinese}：{unit name}".
OLD = {"acceptance": "竣工验收", "filing": "备案", "rectification": "责令限期改正",
       "inspection": "监督检查", "footage_access": "查阅、复制、调取录像", "penalty": "行政处罚"}


@pytest.fixture(scope="module")
def old_rows(app):
    """One stored-before row per kind for unit A (a copy of its open case, another kind)."""
    container = app.extensions["casework"]
    with container.uow() as uow:
        model = uow.session.scalars(select(Case).where(Case.kind == "rectification")
                                    .order_by(Case.id)).first()
        name = uow.session.get(Unit, model.unit_id).name
        for kind, zh in OLD.items():
            uow.session.add(Case(
                ref=f"OLD-{kind}", kind=kind, subkind="", jurisdiction_id=model.jurisdiction_id,
                unit_id=model.unit_id, rulebook_version_id=model.rulebook_version_id,
                instance_id=model.instance_id, status="open", opened_at=model.opened_at,
                opened_by="clerk", title=f"{zh}：{name}"))
        uow.commit()
    return name


def _heading(page: str) -> str:
    return unescape(re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)).strip()


@pytest.mark.parametrize("kind", sorted(OLD))
def test_each_kind_old_row_in_both_languages(app, old_rows, kind):
    name, (zh, en) = old_rows, KIND_TITLES[kind]
    staff, unit = app.test_client(), app.test_client()
    sign_in(staff, "clerk")
    sign_in(unit, "unitA")
    for lang, want in (("en", f"{en}: {name}"), ("zh", f"{zh}：{name}")):
        assert _heading(staff.get(f"/cases/OLD-{kind}?lang={lang}").get_data(as_text=True)) == f"OLD-{kind} · {want}"
        assert _heading(unit.get(f"/portal/cases/OLD-{kind}?lang={lang}").get_data(as_text=True)) == want
        listing = unescape(staff.get(f"/cases/?lang={lang}").get_data(as_text=True))
        assert f"<td>{want}</td>" in listing


def test_new_rows_and_the_lists_in_english(app, facts, old_rows):
    staff = app.test_client()
    sign_in(staff, "clerk")
    listing = unescape(staff.get("/cases/?lang=en").get_data(as_text=True))
    assert "：" not in "".join(re.findall(r"<td>([^<]*)</td>", listing))  # no Chinese kind left
    page = _heading(staff.get(f"/cases/{facts['draft_ref']}?lang=en").get_data(as_text=True))
    assert page == f"{facts['draft_ref']} · Order to correct: {old_rows}"  # opened by the service
    assert _heading(staff.get(f"/cases/{facts['footage_ref']}?lang=zh").get_data(as_text=True)).endswith(
        "查阅、复制、调取录像：太原测试商场")
    show = staff.get(f"/cases/{facts['draft_ref']}?lang=en").get_data(as_text=True)
    assert ">Draft order to correct</a>" in show  # its current step

    rows = staff.get("/tasks?view=all&lang=en").get_data(as_text=True)
    assert ">Draft order to correct</a>" in rows and ">拟制责令限期改正通知</a>" not in rows
    assert ">拟制责令限期改正通知</a>" in staff.get("/tasks?view=all&lang=zh").get_data(as_text=True)

    manager = app.test_client()
    sign_in(manager, "manager")
    board = manager.get("/dashboards?lang=en").get_data(as_text=True)
    data = json.loads(unescape(re.search(r'id="dashboard-data">(.*?)</script>', board, re.S).group(1)))
    labels = " ".join(data["charts"]["open_by_stage"]["categories"])
    assert "Draft order to correct" in labels and "拟制" not in labels


def test_the_portal_obligations_and_documents_in_english(app, facts):
    unit = app.test_client()
    sign_in(unit, "unitB")
    home = unescape(unit.get("/portal/?lang=en").get_data(as_text=True))
    assert "<strong>Report completion</strong>" in home  # its acceptance task
    assert "Order to Correct within a Time Limit" in home and "责令限期改正通知书" not in home
    zh = unescape(unit.get("/portal/?lang=zh").get_data(as_text=True))
    assert "<strong>报告竣工</strong>" in zh and "责令限期改正通知书" in zh


def _api(client, username="clerk"):
    token = client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("asked, lang", [(None, "zh"), ("zh-CN", "zh"), ("en", "en"), ("en-US,en;q=0.9", "en"),
                                         ("fr", "zh"), ("en;q=0.3, zh;q=0.9", "zh")])
def test_the_api_answers_titles_in_the_language_asked_and_keeps_the_stored_chinese(app, facts, asked, lang):
    client = app.test_client()
    headers = {**_api(client), **({"Accept-Language": asked} if asked else {})}
    answer = client.get("/api/v1/tasks?view=all", headers=headers)
    assert answer.headers["Content-Language"] == lang and "Accept-Language" in answer.headers["Vary"]
    row = next(r for r in answer.get_json()["rows"] if r["id"] == facts["draft_task"])
    assert row["name_zh"] == "拟制责令限期改正通知" and row["article"].startswith("第")
    assert row["instrument_zh"] == "公共安全视频图像信息系统管理条例"
    if lang == "en":
        assert row["name"] == "Draft order to correct"
        assert row["instrument"] == ("Regulations on the Administration of Public Security Video Image "
                                     "Information Systems (unofficial translation)")
    else:
        assert (row["name"], row["instrument"]) == (row["name_zh"], row["instrument_zh"])

    case = client.get(f"/api/v1/cases/{facts['draft_ref']}", headers=headers).get_json()
    assert case["title_zh"] == "责令限期改正：太原测试商场"
    assert case["title"] == ("Order to correct: 太原测试商场" if lang == "en" else case["title_zh"])
    task = next(t for t in case["tasks"] if t["id"] == facts["draft_task"])
    assert task["name_zh"] == "拟制责令限期改正通知"
    assert task["name"] == ("Draft order to correct" if lang == "en" else task["name_zh"])
    listed = next(c for c in client.get("/api/v1/cases", headers=headers).get_json() if c["ref"] == facts["draft_ref"])
    assert (listed["title"], listed["title_zh"]) == (case["title"], case["title_zh"])


def test_the_openapi_document_says_how_titles_are_chosen(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/tasks", "/api/v1/cases", "/api/v1/cases/{ref}"):
        assert {"in": "header", "name": "Accept-Language"}.items() <= spec["paths"][path]["parameters"][0].items()
    assert len(spec["paths"]["/api/v1/tasks"]["get"]["parameters"]) >= 10  # its query filters kept
    schemas = spec["components"]["schemas"]
    for schema, field in (("Task", "name"), ("Task", "name_zh"), ("Task", "instrument"), ("Task", "instrument_zh"),
                          ("Case", "title"), ("Case", "title_zh")):
        assert schemas[schema]["properties"][field]["description"], (schema, field)
    assert "Accept-Language" in schemas["Task"]["properties"]["name"]["description"]


def test_the_task_page_names_its_task_in_the_page_language(app, facts):
    staff = app.test_client()
    sign_in(staff, "clerk")
    for lang, heading in (("en", "Draft order to correct"), ("zh", "拟制责令限期改正通知")):
        page = staff.get(f"/tasks/{facts['draft_task']}?lang={lang}").get_data(as_text=True)
        assert _heading(page) == heading
        line = unescape(re.search(r'</h1>.*?<p class="muted">(.*?)</p>', page, re.S).group(1))
        assert heading not in line and "拟制" not in line  # said once, in the page's language
        assert facts["draft_ref"] in line and "太原测试商场" in line


TAIYUAN_EN = ("Measures of Taiyuan Municipality for the Administration of Public Security Video Image "
              "Information Systems (unofficial translation)")
CHANGZHOU_EN = TAIYUAN_EN.replace("Taiyuan", "Changzhou")


def test_the_legal_basis_names_its_instrument_in_english_with_the_article_as_cited(app, facts):
    staff = app.test_client()
    sign_in(staff, "admin")  # sees every row, the dated ones among them
    en = [unescape(b) for b in re.findall(r'<span class="basis"[^>]*>([^<]*)</span>',
                                          staff.get("/tasks?view=all&lang=en").get_data(as_text=True))]
    zh = [unescape(b) for b in re.findall(r'<span class="basis"[^>]*>([^<]*)</span>',
                                          staff.get("/tasks?view=all&lang=zh").get_data(as_text=True))]
    assert en and len(en) == len(zh) and not any("《" in b for b in en)
    for shown, cited in zip(en, zh):
        title, article = re.fullmatch(r"《(.+)》(第.+)", cited).groups()
        assert shown.endswith(f", {article}") and shown != cited and title not in shown
    assert f"{CHANGZHOU_EN}, 第二十条" in en  # the ordered case's correction deadline

    page = unescape(staff.get(f"/cases/{facts['ordered_ref']}?lang=en").get_data(as_text=True))
    assert f"no_signage · {CHANGZHOU_EN}, 第二十条 — " in page  # the violation
    assert "《常州市" not in page
    zh_page = unescape(staff.get(f"/cases/{facts['ordered_ref']}?lang=zh").get_data(as_text=True))
    assert "no_signage · 《常州市公共安全视频图像信息系统管理办法》第二十条 — " in zh_page
