"""The scheduler door in headless chromium: a scheduler reaches it from the navigation and reads
the night's runs (a done one, a failed one with its error and a re-run) in one language per page,
and watches a run finish without reloading (polled while the tab is visible only).

Screenshots scheduler-zh.png and scheduler-en.png go where test_browser.py puts its own.
"""
from __future__ import annotations

import re

import pytest

from casework.cli.login import SYSTEM_ACCOUNT
from casework.services.actor import Actor
from casework.services.night import runs
from tests.e2e.web.test_browser import WAIT, browser, new_page, server, shot  # noqa: F401 (fixtures)
from tests.integration.night.test_night_page import failed_night
from workflows import jobs

pytestmark = pytest.mark.browser
SYSTEM = Actor(SYSTEM_ACCOUNT, frozenset({"scheduler"}))
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]+")
ENGLISH_LABELS = ("Night runs", "Run now", "Re-run", "Started", "State", "Duration", "Failed", "Done",
                  "documents checked", "No runs yet", "PREFECT_API_URL is not set", "document store")


@pytest.fixture(scope="module")
def night(web_world) -> dict:
    """Last night's document check, done, and a check of the night before that failed halfway."""
    container, _facts = web_world
    done = jobs.notice_batch(container, jobs.Options(SYSTEM))
    failed = failed_night(container, "2026-02-28")
    return {"done": done.id, "failed": failed}


def open_scheduler(new_page, lang: str, link: str):  # noqa: F811
    page = new_page("scheduler", lang)
    page.click(f"header nav a:text-is('{link}')")  # the door is in the navigation
    page.wait_for_url("**/scheduler")
    return page


def test_a_scheduler_reads_the_night_runs_in_chinese(new_page, night, monkeypatch):  # noqa: F811
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    page = open_scheduler(new_page, "zh", "夜间运行")
    assert page.inner_text("h1") == "夜间运行"
    failed = page.locator(f"#run-{night['failed']}")
    assert "失败" in failed.inner_text() and "OSError: 文书存储不可用" in failed.inner_text()
    assert failed.locator("button").inner_text() == "重跑" and failed.locator("button").is_disabled()
    assert "完成" in page.inner_text(f"#run-{night['done']}")
    assert "1 次运行失败或停滞" in page.inner_text("p[role=alert]")
    assert page.inner_text("main p.muted code") == "casework scheduler"  # no Prefect API: how to get one
    text = page.inner_text("body")
    assert [label for label in ENGLISH_LABELS if label in text] == []
    shot(page, "scheduler", "zh")
    assert not page.problems, page.problems


def test_a_scheduler_reads_the_night_runs_in_english(new_page, night, monkeypatch):  # noqa: F811
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    page = open_scheduler(new_page, "en", "Night runs")
    assert page.inner_text("h1") == "Night runs"
    failed = page.locator(f"#run-{night['failed']}")
    assert "Failed" in failed.inner_text() and "OSError: document store unreachable" in failed.inner_text()
    assert failed.locator("button").inner_text() == "Re-run"
    assert "Done" in page.inner_text(f"#run-{night['done']}")
    assert "1 run(s) failed or stalled" in page.inner_text("p[role=alert]")
    # Chinese only in the language switch and in a term of art (双随机) in a flow's description.
    chinese = CJK.findall(page.inner_text("main"))
    assert chinese == ["双随机"], chinese
    assert CJK.findall(page.inner_text("header nav")) == []
    shot(page, "scheduler", "en")
    assert not page.problems, page.problems


COUNTERS = """() => {
  window.__polls = {cancelled: 0, sent: 0, done: 0};
  document.addEventListener("htmx:beforeRequest", e => { if (e.defaultPrevented) window.__polls.cancelled++; });
  document.addEventListener("htmx:beforeSend", () => window.__polls.sent++);
  document.addEventListener("htmx:afterRequest", () => window.__polls.done++);
}"""
VISIBILITY = """hidden => {
  Object.defineProperty(document, "hidden", {value: hidden, configurable: true});
  Object.defineProperty(document, "visibilityState", {value: hidden ? "hidden" : "visible", configurable: true});
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def test_a_runs_state_changes_on_the_page_without_a_reload(new_page, web_world, app, monkeypatch):  # noqa: F811
    """A run goes from running to done while the page is open; the page polls, and asks nothing
    while its tab is hidden."""
    from playwright.sync_api import expect

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setitem(app.config, "SCHEDULER_POLL_S", 1)
    container = web_world[0]
    run = runs.open_run(container.uow(), "notice_batch", "2026-02-20", lambda _s: [1, 2], actor=SYSTEM.name,
                        batch_size=1)
    runs.work_batches(container.uow(), run.id, lambda _items: {"documents_checked": 1}, actor=SYSTEM.name,
                      max_batches=1)
    page = open_scheduler(new_page, "en", "Night runs")
    row = page.locator(f"#run-{run.id}")
    expect(row).to_contain_text("Running")
    expect(row).to_contain_text("1/2")
    page.evaluate("() => { window.__loaded = true; }")  # gone if the page reloaded
    page.evaluate(COUNTERS)
    page.wait_for_function("() => window.__polls.done >= 1", timeout=WAIT)  # it polls

    page.evaluate(VISIBILITY, True)  # the tab is hidden: polls are cancelled before they ask
    page.wait_for_function("() => window.__polls.cancelled >= 1 && window.__polls.sent === window.__polls.done",
                           timeout=WAIT)
    asked = page.evaluate("() => window.__polls.sent")
    runs.work_batches(container.uow(), run.id, lambda _items: {"documents_checked": 1}, actor=SYSTEM.name)
    page.wait_for_function("() => window.__polls.cancelled >= 3", timeout=WAIT)
    assert page.evaluate("() => window.__polls.sent") == asked
    expect(row).to_contain_text("Running")  # nothing asked, nothing changed

    page.evaluate(VISIBILITY, False)  # shown again: it asks at once, and the run is done
    expect(row).to_contain_text("Done", timeout=WAIT)
    expect(row).to_contain_text("2/2")
    assert page.evaluate("() => window.__loaded") is True
    assert not page.problems, page.problems
