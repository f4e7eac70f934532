"""The dashboard's chart specs line every series up with its categories and drop empty ones."""
from __future__ import annotations

from flask import Flask
from flask_babel import Babel

from web.dashboards.charts import chart_data

BOARD = {
    "jurisdictions": [{"id": 1, "code": "national", "name": "全国"}, {"id": 2, "code": "taiyuan", "name": "太原市"},
                      {"id": 3, "code": "changzhou", "name": "常州市"}],
    "open_by_stage": [
        {"process": "rectification", "stage": "draft_order", "name": "拟制", "jurisdiction_id": 2, "cases": 2},
        {"process": "rectification", "stage": "draft_order", "name": "拟制", "jurisdiction_id": 3, "cases": 1},
        {"process": "filing", "stage": "", "name": "", "jurisdiction_id": 3, "cases": 4}],
    "overdue": [{"jurisdiction_id": 3, "kind": "filing", "cases": 5}],
    "near_decision_limit": {"buckets": [{"bucket": "0-7", "jurisdiction_id": 2, "cases": 1}], "cases": []},
    "rectification_outcomes": {"months": ["2026-01", "2026-02", "2026-03"],
                               "rows": [{"month": "2026-02", "outcome": "corrected", "cases": 3},
                                        {"month": "2026-03", "outcome": "odd", "cases": 1}]},
    "decision_limit": {"days": 90, "article": "《中华人民共和国行政处罚法》第六十条"},
}


def _charts(lang: str) -> dict:
    app = Flask(__name__)
    Babel(app, locale_selector=lambda: lang)
    with app.test_request_context():
        return chart_data(BOARD)["charts"]


def test_series_line_up_with_categories():
    charts = _charts("en")
    stages = charts["open_by_stage"]
    assert stages["categories"] == ["Rectification · 拟制", "Filing · no open task"]  # service order
    assert stages["series"] == [{"name": "太原市", "data": [2, 0]}, {"name": "常州市", "data": [1, 4]}]
    assert charts["overdue"]["categories"] == ["常州市"]
    assert charts["overdue"]["series"] == [{"name": "Filing", "data": [5]}]
    assert charts["near_limit"]["categories"][1] == "0–7 days left"
    assert charts["near_limit"]["series"] == [{"name": "太原市", "data": [0, 1, 0]}]
    assert charts["near_limit"]["title"] == "Cases near the 90-day decision limit"
    outcomes = charts["rectification_outcomes"]
    assert outcomes["categories"] == ["2026-01", "2026-02", "2026-03"]
    assert outcomes["series"] == [{"name": "Corrected", "data": [0, 3, 0]}, {"name": "odd", "data": [0, 0, 1]}]


def test_nothing_to_show_leaves_no_series():
    empty = {**BOARD, "overdue": [], "open_by_stage": []}
    app = Flask(__name__)
    Babel(app, locale_selector=lambda: "en")
    with app.test_request_context():
        charts = chart_data(empty)["charts"]
    assert charts["overdue"] == {**charts["overdue"], "categories": [], "series": []}
    assert charts["open_by_stage"]["series"] == []
