"""case_diagram.js and dashboard.js in headless chromium, on static harness pages (no database).

A tiny Flask app serves the vendor libraries, web/static and the shipped diagrams under a
strict Content-Security-Policy (no inline script, no eval), as the real app does.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from flask import Flask, Response, abort
from werkzeug.serving import make_server

from web import vendor

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'")

DIAGRAM_PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8">
<link rel="stylesheet" href="/vendor/bpmn-js/assets/diagram-js.css">
<link rel="stylesheet" href="/vendor/bpmn-js/assets/bpmn-js.css">
<link rel="stylesheet" href="/vendor/bpmn-js/assets/bpmn-font/css/bpmn.css">
<link rel="stylesheet" href="/static/css/case_diagram.css"></head><body>
<div id="case-diagram" data-xml-url="{url}" data-current='{current}' data-done='{done}'></div>
<script src="/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js"></script>
<script src="/static/js/case_diagram.js"></script></body></html>"""

DASHBOARD_PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<link rel="stylesheet" href="/static/css/dashboard.css"></head><body>
<script type="application/json" id="dashboard-data">{data}</script>
<div class="cw-charts">{containers}</div>
<script src="/vendor/echarts/echarts.min.js"></script>
<script src="/static/js/dashboard.js"></script></body></html>"""

CHARTS = {
    "open_by_stage": {"title": "在办案件（按环节、辖区）", "type": "bar", "stack": True, "horizontal": True,
                      "categories": ["报告整改情况", "法制审核", "审核备案"],
                      "series": [{"name": "太原市", "data": [3, 1, 0]}, {"name": "常州市", "data": [2, 0, 4]}]},
    "overdue": {"title": "逾期", "type": "bar", "categories": ["太原市", "常州市"],
                "series": [{"name": "备案", "data": [1, 2]}]},
    "near_limit": {"title": "临近九十日办案期限", "type": "bar", "categories": ["已超期", "0–7日"],
                   "series": [{"name": "太原市", "data": [0, 0]}], "empty": "暂无临近期限的案件"},
    "rectification_outcomes": {"title": "整改结果（按月）", "type": "bar", "stack": True,
                               "categories": ["2026-01", "2026-02", "2026-03"],
                               "series": [{"name": "已改正", "data": [4, 6, 2]},
                                          {"name": "移交处罚", "data": [1, 0, 2]}]},
}
RECTIFICATION_DONE = ["start", "f_start", "draft_order", "f_draft", "review_order", "f_review",
                      "order_approved", "f_approved", "set_order_deadline", "f_deadline",
                      "issue_order", "f_issued"]


def _app(pages: dict[str, str]) -> Flask:
    app = Flask(__name__, static_folder=str(ROOT / "web" / "static"), static_url_path="/static")
    app.register_blueprint(vendor.bp)

    @app.get("/bpmn/<name>.bpmn")
    def diagram(name):
        path = ROOT / "bpmn" / f"{name}.bpmn"
        if not path.is_file():
            abort(404)
        return Response(path.read_text(encoding="utf-8"), mimetype="application/xml")

    @app.get("/favicon.ico")
    def favicon():
        return Response(status=204)

    @app.get("/page/<name>")
    def page(name):
        return pages[name]

    @app.after_request
    def headers(response):
        response.headers["Content-Security-Policy"] = CSP
        return response

    return app


@pytest.fixture(scope="module")
def server():
    pages = {
        "diagram": DIAGRAM_PAGE.format(url="/bpmn/rectification.bpmn", current='["report_correction"]',
                                       done=json.dumps(RECTIFICATION_DONE)),
        "diagram-missing": DIAGRAM_PAGE.format(url="/bpmn/nope.bpmn", current="[]", done="[]"),
        "dashboard": DASHBOARD_PAGE.format(lang="zh", data=json.dumps({"charts": CHARTS}),
                                           containers="".join(f'<div class="cw-chart" data-chart="{k}"></div>'
                                                              for k in CHARTS)),
        "dashboard-en": DASHBOARD_PAGE.format(lang="en", data=json.dumps({"charts": CHARTS}),
                                              containers='<div class="cw-chart" data-chart="overdue"></div>'
                                                         '<div class="cw-chart" data-chart="missing"></div>'),
    }
    httpd = make_server("127.0.0.1", 0, _app(pages), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    yield page
    page.close()


def test_case_diagram_marks_current_and_done_steps(server, page):
    page.goto(f"{server}/page/diagram")
    page.wait_for_selector("#case-diagram[data-state=ready]", timeout=30_000)
    current = page.locator(".djs-element.cw-current")
    assert current.count() == 1
    assert current.get_attribute("data-element-id") == "report_correction"
    done = {e.get_attribute("data-element-id") for e in page.locator(".djs-element.cw-done").all()}
    assert done == set(RECTIFICATION_DONE)
    # the marker CSS applies: the current step's outline is drawn in the highlight colour
    stroke = page.eval_on_selector(".cw-current .djs-visual > :first-child",
                                   "el => getComputedStyle(el).stroke")
    assert stroke == "rgb(212, 56, 13)"
    # every shape of the model is drawn (DI complete), and the watermark stays
    assert page.locator(".djs-shape[data-element-id=escalate]").count() == 1
    assert page.locator(".bjs-powered-by").count() == 1
    assert page.problems == []


def test_case_diagram_fits_the_viewport(server, page):
    page.goto(f"{server}/page/diagram")
    page.wait_for_selector("#case-diagram[data-state=ready]", timeout=30_000)
    box = page.locator("#case-diagram").bounding_box()
    drawn = page.locator("#case-diagram svg g.viewport").bounding_box()
    assert drawn["width"] <= box["width"] + 10 and drawn["height"] <= box["height"] + 10
    assert drawn["width"] > box["width"] * 0.8 or drawn["height"] > box["height"] * 0.8


def test_case_diagram_says_so_when_the_model_is_missing(server, page):
    page.goto(f"{server}/page/diagram-missing")
    page.wait_for_selector("#case-diagram[data-state=error]", timeout=30_000)
    assert "流程图无法显示" in page.inner_text(".case-diagram-error")


def _painted(page, selector: str) -> int:
    """Distinct colours on the chart's canvas: a blank canvas has one."""
    return page.eval_on_selector(selector + " canvas", """canvas => {
        const ctx = canvas.getContext('2d');
        const {data} = ctx.getImageData(0, 0, canvas.width, canvas.height);
        const seen = new Set();
        for (let i = 0; i < data.length; i += 64) seen.add(data[i] + ',' + data[i+1] + ',' + data[i+2] + ',' + data[i+3]);
        return seen.size;
    }""")


def test_dashboard_draws_every_chart(server, page):
    page.goto(f"{server}/page/dashboard")
    for key in CHARTS:
        selector = f".cw-chart[data-chart={key}]"
        page.wait_for_selector(f"{selector}[data-state=ready]", timeout=30_000)
        assert page.locator(f"{selector} canvas").count() == 1
        assert _painted(page, selector) > 5
    # series and categories reach ECharts as given
    option = page.evaluate("""() => {
        const el = document.querySelector('.cw-chart[data-chart=open_by_stage]');
        const o = echarts.getInstanceByDom(el).getOption();
        return {cats: o.yAxis[0].data, names: o.series.map(s => s.name), stack: o.series[0].stack};
    }""")
    assert option == {"cats": ["报告整改情况", "法制审核", "审核备案"], "names": ["太原市", "常州市"],
                      "stack": "total"}
    empty = page.evaluate("""() => echarts.getInstanceByDom(
        document.querySelector('.cw-chart[data-chart=near_limit]')).getOption().graphic[0].elements[0].style.text""")
    assert empty == "暂无临近期限的案件"
    assert page.problems == []


def test_dashboard_marks_a_chart_without_data(server, page):
    page.goto(f"{server}/page/dashboard-en")
    page.wait_for_selector(".cw-chart[data-chart=overdue][data-state=ready]", timeout=30_000)
    assert page.get_attribute(".cw-chart[data-chart=missing]", "data-state") == "error"
