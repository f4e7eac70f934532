"""The unit portal in headless chromium, phone-sized and desktop: documents, receipt, scope.

Screenshots (Chinese and English, phone and desktop) go to $CASEWORK_TEST_OUTPUT/web/portal.
"""
from __future__ import annotations

import hashlib
import struct
import zlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from casework import clock
from casework.models import Document
from casework.services.cases import service_of_documents
from tests.e2e.web.test_browser import CHROMIUM, OUTPUT, WAIT, browser, server  # noqa: F401
from casework.services.cases.violations import report_violation
from tests.e2e.web.world import CLERK, FACTS, LEGAL, PASSWORD, _do

pytestmark = pytest.mark.browser
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def portal_page(browser, server):  # noqa: F811
    contexts = []

    def make(username: str, viewport: str, lang: str = "zh"):
        context = browser.new_context(viewport=VIEWPORTS[viewport], base_url=server,
                                      accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT)
        page.goto(f"/sign-in?lang={lang}")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/sign-in" not in url)  # a unit lands on the portal
        page.goto(f"/portal/?lang={lang}")
        return page
    yield make
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    folder = OUTPUT / "portal"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_unit_downloads_the_order_confirms_receipt_and_gets_the_service_receipt(
        portal_page, app, facts, viewport):
    container = app.extensions["casework"]
    document_id = facts["document_b"]
    with container.uow() as uow:
        served = uow.session.get(Document, document_id)
        sha, already = served.sha256, served.served_at is not None
    page = portal_page("unitB", viewport)
    shot(page, f"home-{viewport}-zh")
    card = page.locator(f"#document-{document_id}")
    assert sha in card.inner_text()
    with page.expect_download() as info:
        card.locator("a", has_text="下载").first.click()
    data = open(info.value.path(), "rb").read()
    assert hashlib.sha256(data).hexdigest() == sha  # byte-for-byte what was issued
    if not already:
        assert "确认收悉" in page.locator("#obligations").inner_text()
        card.locator("button", has_text="确认收悉").click()
        page.wait_for_url("**/portal/documents")
        page.wait_for_selector(f"#document-{document_id} a.receipt")
    else:
        page.goto("/portal/documents")
    shot(page, f"documents-{viewport}-zh")
    with container.uow() as uow:
        doc = uow.session.get(Document, document_id)
        assert doc.served_at is not None and doc.service_method == "electronic"
        receipt = service_of_documents.receipt_of(uow.session, doc)
        assert receipt is not None
    page.goto("/portal/?lang=en")
    assert "Open obligations" in page.content()
    shot(page, f"home-{viewport}-en")
    page.goto("/portal/documents?lang=en")
    shot(page, f"documents-{viewport}-en")
    for lang in ("zh", "en"):
        page.goto(f"/portal/systems?lang={lang}")
        assert page.locator("#systems li.card").count() >= 1
        shot(page, f"systems-{viewport}-{lang}")


def test_another_unit_cannot_open_the_document_or_its_receipt(portal_page, app, facts):
    container = app.extensions["casework"]
    with container.uow() as uow:
        ids = list(uow.session.scalars(select(Document.id).where(
            Document.unit_id == facts["b"]["unit_id"])))
    page = portal_page("unitA", "phone")
    for document_id in ids:
        answer = page.request.get(f"/portal/documents/{document_id}.pdf")
        assert answer.status == 404
        answer = page.request.get(f"/cases/documents/{document_id}.pdf")
        assert answer.status == 404
    assert f"document-{facts['document_b']}\"" not in page.content()


def _png(path) -> bytes:
    """A real 2x2 PNG (the form checks the content, not the name)."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    path.write_bytes(data)
    return data


def test_unit_reports_the_correction_with_a_photo(portal_page, facts, tmp_path):
    page = portal_page("unitB", "phone")
    card = page.locator("#obligations li.card", has_text="报告整改情况")
    card.locator("a", has_text="去办理").click()
    page.wait_for_selector("#task-form")
    page.fill("[name=description]", "已在出入口设置明显标志。")
    photo = _png(tmp_path / "sign.png")
    page.set_input_files("input[type=file]", str(tmp_path / "sign.png"))
    shot(page, "rectification-report-phone-zh")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector(".flash")  # back on the portal case page
    digest = hashlib.sha256(photo).hexdigest()
    answer = page.request.get(f"/portal/attachments/{digest}")
    assert answer.status == 200 and answer.body() == photo
    assert answer.headers["content-type"] == "image/png"
    assert answer.headers["x-content-type-options"] == "nosniff"
    other = portal_page("unitA", "phone")
    assert other.request.get(f"/portal/attachments/{digest}").status == 404


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_an_overdue_obligation_comes_first_under_a_banner(portal_page, app, facts, viewport):
    if viewport == "phone":  # a second order, then past its 7-day deadline
        container = app.extensions["casework"]
        ref = report_violation(container.uow(), actor=CLERK, unit_id=facts["b"]["unit_id"],
                               code="no_signage", facts=FACTS, act_key="portal-overdue")
        _do(container, ref, "rectification_draft", {"facts": FACTS, "correction_days": 7}, CLERK)
        _do(container, ref, "legal_review", {"approved": True, "comment": "事实清楚"}, LEGAL)
        clock.current().advance(timedelta(days=10))
    page = portal_page("unitB", viewport)
    assert page.locator(".banner.overdue").count() == 1
    first = page.locator("#obligations li.card").first
    assert "overdue" in (first.get_attribute("class") or "")
    assert "已逾期" in first.inner_text()
    shot(page, f"home-overdue-{viewport}-zh")


def test_not_confirmed_in_time_the_clerk_serves_by_post_and_the_unit_then_sees_it(portal_page, app):
    """After the overdue test: the second order was never confirmed (第三十六条's other means)."""
    container = app.extensions["casework"]
    clerk = portal_page("clerk", "desktop")
    clerk.goto("/portal/service")
    card = clerk.locator("#to-serve li.card").first
    number = card.locator("strong").inner_text()
    card.locator("select[name=method]").select_option("post")
    card.locator("input[name=place]").fill("常州市人民路2号")
    shot(clerk, "service-queue-desktop-zh")
    card.locator("button[type=submit]").click()
    clerk.wait_for_selector(".flash")
    with container.uow() as uow:
        doc = uow.session.scalars(select(Document).where(Document.number == number)).one()
        assert doc.service_method == "post" and service_of_documents.receipt_of(uow.session, doc)
    unit = portal_page("unitB", "phone")
    unit.goto("/portal/documents")
    assert number in unit.locator("#documents").inner_text()
