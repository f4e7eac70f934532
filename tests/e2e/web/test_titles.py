"""Case and task titles in the page's language: a case's title is stored in Chinese (documents,
audit and the CLI quote it) and English pages derive theirs, for every kind of case and for
rows stored before the derivation existed as for new ones; the unit's name stays as entered.
Checked on the staff case list and case page, the portal's case page and obligations, the
queue's rows and the dashboard."""
from __future__ import annotations

import json
import re
from html import unescape

import pytest
from sqlalchemy import select

from casework.models import Case, Unit
from casework.services.cases.titles import KIND_TITLES
from tests.e2e.web.conftest import sign_in

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
