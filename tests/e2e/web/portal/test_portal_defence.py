"""Electronic service in the browser: the defence period waits for receipt, then runs from it.

Its own world in 2021 (Tengchong's rulebook, in force then, warns before a penalty), so the
prior notice (行政处罚告知书) is served in the portal and answered with a statement and defence.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from casework import clock as clock_module
from casework.models import Case, Document, User
from casework.passwords import hash_password
from casework.services import deadlines
from casework.services.cases import service_of_documents
from tests.e2e.web.test_browser import browser, server  # noqa: F401
from tests.e2e.web.portal.test_portal_browser import portal_page, shot  # noqa: F401
from tests.e2e.web.conftest import fresh_container
from tests.e2e.web.world import PASSWORD
from tests.integration.lifecycle.lifecycle_driver import Driver
from tests.integration.lifecycle.test_lifecycle_scenarios import tengchong_obstruction_order

pytestmark = pytest.mark.browser
START_2021 = datetime(2021, 3, 1, 2, 0, tzinfo=clock_module.UTC)


@pytest.fixture(scope="module")
def web_world(tmp_path_factory, pg_engine):
    tmp = tmp_path_factory.mktemp("portal-defence")
    with fresh_container(tmp, pg_engine, START_2021) as (container, travel):
        yield from _tengchong_world(container, travel)


def _tengchong_world(container, travel):
    driver = Driver(container, travel)
    reg, rect = tengchong_obstruction_order(driver, travel)
    with container.uow() as uow:
        uow.session.add(User(username="unitT", display_name="腾冲测试单位", roles=["unit"],
                             unit_id=reg["unit_id"], password_hash=hash_password(PASSWORD),
                             created_at=clock_module.now()))
        uow.commit()
    notice = [d for d in driver.documents(rect.ref) if d.kind == "penalty_notice"][0]
    yield container, {"ref": rect.ref, "notice_id": notice.id, "driver": driver}


def test_receipt_starts_the_defence_period_and_the_unit_states_its_defence(portal_page, facts):
    driver, ref, notice_id = facts["driver"], facts["ref"], facts["notice_id"]
    page = portal_page("unitT", "phone")
    obligations = page.locator("#obligations")
    assert "期限自文书送达之日起计算" in obligations.inner_text()  # not served: no period yet
    shot(page, "defence-waiting-phone-zh")
    clock_module.current().advance(timedelta(days=1))
    page.locator(f"#document-{notice_id} button", has_text="确认收悉").click()
    page.wait_for_selector(f"#document-{notice_id} a.receipt")
    served_on = clock_module.today_local()
    with driver.uow() as uow:
        notice = uow.session.get(Document, notice_id)
        assert notice.served_at == clock_module.now()
        assert service_of_documents.receipt_of(uow.session, notice) is not None
        case = uow.session.execute(select(Case).where(Case.ref == ref)).scalar_one()
        expected = deadlines.deadline(uow.session, served_on, case.deadline_basis["period"])["date"]
        assert case.deadline_basis["served_on"] == served_on.isoformat()
    page.goto("/portal/")
    card = page.locator("#obligations li.card", has_text="陈述")
    assert f"期限 {expected}" in card.inner_text()
    shot(page, "defence-running-phone-zh")
    card.locator("a", has_text="去办理").click()
    page.wait_for_selector("#task-form")
    page.fill("[name=statement]", "广告牌系他人设置，已联系拆除。")
    shot(page, "defence-form-phone-zh")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector(".flash")  # back on the portal case page
    assert driver.open_forms(ref) == ["defence_review"]
