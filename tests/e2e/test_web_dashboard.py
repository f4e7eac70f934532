"""The dashboard door: a manager's page embeds the charts' data; others get 403 (Flask client)."""
from __future__ import annotations

import json

import pytest

from tests.e2e.web.conftest import app, sign_in, web_world  # noqa: F401  (fixtures)


def _data(page: str) -> dict:
    start = page.index('<script type="application/json" id="dashboard-data">') + len(
        '<script type="application/json" id="dashboard-data">')
    return json.loads(page[start:page.index("</script>", start)])


@pytest.fixture
def client(app):  # noqa: F811
    return app.test_client()


def test_manager_page_embeds_every_chart(client):
    sign_in(client, "manager")
    response = client.get("/dashboards?lang=zh")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    charts = _data(page)["charts"]
    assert set(charts) == {"open_by_stage", "overdue", "near_limit", "rectification_outcomes"}
    for key in charts:
        assert f'data-chart="{key}"' in page
    stages = charts["open_by_stage"]
    assert "责令限期改正 · 拟制责令限期改正通知" in stages["categories"]
    assert {s["name"] for s in stages["series"]} >= {"太原市", "常州市"}
    assert all(len(s["data"]) == len(stages["categories"]) for s in stages["series"])
    assert len(charts["rectification_outcomes"]["categories"]) == 12
    assert "第六十条" in page
    assert 'src="/vendor/echarts/echarts.min.js?v=' in page and "<script>" not in page


def test_english_titles(client):
    sign_in(client, "head")
    charts = _data(client.get("/dashboards?lang=en").get_data(as_text=True))["charts"]
    assert charts["overdue"]["title"] == "Overdue open cases"
    assert charts["open_by_stage"]["title"] == "Open cases by stage and jurisdiction"


@pytest.mark.parametrize("user", ["clerk", "unitA"])
def test_others_are_refused(client, user):
    sign_in(client, user)
    assert client.get("/dashboards").status_code == 403
