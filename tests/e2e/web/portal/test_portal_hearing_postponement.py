"""A unit asks to postpone its hearing on its portal case page (公安机关办理行政案件程序规定 第一百三十八条),
in chromium: the reason goes to the hearing host's task; the page says the host decides, and
shows the refusal with its reasons.

Its own world in 2021 (Tengchong): a 15,000 yuan fine, a hearing requested on Monday 03-01, set
for 03-11 (ten days, 第一百三十七条) and its notice served the same day.
"""
from __future__ import annotations

from datetime import datetime

import pytest

from casework import clock as clock_module
from casework.models import User
from casework.passwords import hash_password
from tests.e2e.web.conftest import fresh_container
from tests.e2e.web.portal.test_portal_browser import portal_page, shot  # noqa: F401
from tests.e2e.web.test_browser import browser, server  # noqa: F401
from tests.e2e.web.world import PASSWORD
from tests.integration.lifecycle.lifecycle_driver import LEGAL, Driver
from tests.integration.penalty.test_penalty_procedure import hearing_scheduled

pytestmark = pytest.mark.browser
START_2021 = datetime(2021, 3, 1, 2, 0, tzinfo=clock_module.UTC)


@pytest.fixture(scope="module")
def web_world(tmp_path_factory, pg_engine):
    tmp = tmp_path_factory.mktemp("portal-postpone")
    with fresh_container(tmp, pg_engine, START_2021) as (container, travel):
        driver = Driver(container, travel)
        reg, ref = hearing_scheduled(driver, travel)  # the notice served 03-01
        assert driver.open_forms(ref) == ["hearing_record"]
        with container.uow() as uow:
            uow.session.add(User(username="unitH1", display_name="unitH1", roles=["unit"],
                                 unit_id=reg["unit_id"], password_hash=hash_password(PASSWORD),
                                 created_at=clock_module.now()))
            uow.commit()
        yield container, {"driver": driver, "ref": ref}


def test_unit_asks_to_postpone_its_hearing(portal_page, facts):
    driver, ref = facts["driver"], facts["ref"]
    page = portal_page("unitH1", "phone")
    page.goto(f"/portal/cases/{ref}")
    assert "2021-03-10" in page.locator("#postpone-form").inner_text()  # the day before the hearing
    shot(page, "hearing-postpone-form-phone-zh")
    page.fill("#postpone-reason", "法定代表人出差，无法按期参加")
    page.click("#postpone-hearing")
    page.wait_for_selector("#hearing-postponement-asked")
    assert "第一百三十八条" in page.locator("#hearing-postponement-asked").inner_text()
    assert page.locator("#postpone-form").count() == 0  # one request at a time
    assert driver.open_forms(ref) == ["hearing_postponement"]
    assert driver.case_data(ref)["hearing"]["asked"]["reason"] == "法定代表人出差，无法按期参加"

    driver.complete(ref, "hearing_postponement",
                    {"postpone": False, "decision_reasons": "可委托代理人参加听证"}, LEGAL)
    page.goto(f"/portal/cases/{ref}?lang=en")
    refused = page.locator("#hearing-postponement-1").inner_text()
    assert "refused" in refused and "可委托代理人参加听证" in refused
    assert page.locator("#postpone-form").count() == 1  # the date holds; it may ask again
    shot(page, "hearing-postponement-refused-phone-en")
