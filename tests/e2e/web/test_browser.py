"""The issue's flows in headless chromium (Debian's, driven by playwright) against a live server.

Screenshots of each main page, Chinese and English, go to $CASEWORK_TEST_OUTPUT/web
(default var/test-output/web).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from casework.models import Case
from tests.e2e.web.world import PASSWORD
from web.serving import serve_in_thread

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
WAIT = 30_000  # ms; generous for a busy CI box
OUTPUT = Path(os.environ.get("CASEWORK_TEST_OUTPUT", "var/test-output")) / "web"


@pytest.fixture(scope="module")
def server(app):
    httpd, url = serve_in_thread(app)
    yield url
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, server):
    contexts = []

    def make(username: str | None = None, lang: str = "zh"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT)
        page.problems = []
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        # A refused form answers 422 on purpose; anything else in the console is a problem.
        page.on("console", lambda m: m.type == "error" and "422" not in m.text and page.problems.append(m.text))
        page.goto(f"/sign-in?lang={lang}")
        if username:
            page.fill("#username", username)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/tasks**")
        return page
    yield make
    for context in contexts:
        context.close()


def shot(page, name: str, lang: str) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}-{lang}.png"), full_page=True)


def test_clerk_filters_claims_and_submits_a_form_with_an_error_first(new_page, facts):
    page = new_page("clerk")
    shot(page, "queue", "zh")
    page.select_option("select[name=process]", "rectification")
    page.click("#queue-filters button[type=submit]")
    page.wait_for_url("**process=rectification**")
    row = page.locator(f"#task-{facts['draft_task']}")
    assert row.count() == 1 and page.locator("#queue-rows tr[id^=task-]").count() >= 1
    assert "《" in row.inner_text() or "第" in row.inner_text() or "无期限" in row.inner_text()
    row.locator("button", has_text="签收").click()
    page.wait_for_selector(f"#task-{facts['draft_task']} >> text=clerk")
    page.click(f"#task-{facts['draft_task']} a[href='/tasks/{facts['draft_task']}']")
    page.wait_for_selector("#task-form")
    shot(page, "task-form", "zh")
    page.fill("[name=facts]", "现场检查发现未设置明显标志。")
    page.fill("[name=correction_days]", "三十")  # not a number
    page.click("#task-form button[type=submit]")
    error = page.locator("[data-field=correction_days] .error")
    error.wait_for()
    assert "整数" in error.inner_text()
    assert page.input_value("[name=facts]") == "现场检查发现未设置明显标志。"  # nothing typed is lost
    assert page.input_value("[name=correction_days]") == "三十"
    shot(page, "task-form-error", "zh")
    page.fill("[name=correction_days]", "7")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector(".flash >> text=已办理")
    assert page.locator(f"#task-{facts['draft_task']}").count() == 0
    assert not page.problems, page.problems


def test_case_page_shows_the_diagram_with_the_current_step(new_page, facts):
    for lang in ("zh", "en"):
        page = new_page("inspector", lang)
        page.goto(f"/cases/{facts['ordered_ref']}")
        page.wait_for_selector("#case-diagram[data-state=ready]")
        assert page.locator("#case-diagram .djs-element.cw-current").count() >= 1
        assert page.locator("#case-diagram .djs-element.cw-done").count() >= 1
        shot(page, "case", lang)
        assert not page.problems, page.problems


def test_a_bureau_head_approves_a_footage_request(new_page, facts, web_world):
    page = new_page("head")
    page.goto(f"/tasks/{facts['approval_task']}")
    page.wait_for_selector("#task-form")
    page.check("[name=approved][value=true]")
    page.fill("[name=comment]", "同意调取，限本案使用")
    shot(page, "approval", "zh")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector(".flash >> text=已办理")
    container = web_world[0]
    with container.uow() as uow:
        case = uow.session.execute(select(Case).where(Case.ref == facts["footage_ref"])).scalar_one()
        assert (case.status, case.outcome) == ("closed", "exported")


def test_a_manager_sees_the_dashboard(new_page):
    for lang in ("zh", "en"):
        page = new_page("manager", lang)
        page.goto("/dashboards")
        page.wait_for_selector(".cw-chart[data-state=ready]")
        shot(page, "dashboard", lang)
        assert not page.problems, page.problems


def test_english_pages_for_the_screenshots(new_page, facts):
    page = new_page(None, "en")
    shot(page, "sign-in", "en")
    page = new_page(None, "zh")
    shot(page, "sign-in", "zh")
    page = new_page("admin", "en")  # sees every task in the bureau
    assert "Tasks" in page.inner_text("h1")
    page.goto("/tasks?view=all")
    page.wait_for_selector("#queue-rows tr[id^=task-]")
    shot(page, "queue", "en")
    page.goto(f"/tasks/{facts['unit_a_task']}")
    shot(page, "task-form", "en")
