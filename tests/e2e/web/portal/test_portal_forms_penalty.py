"""The penalty procedure's prior notice (行政处罚告知书) in chromium: a unit requests a hearing
where the notice offers one (APL 第六十三条), inside the period; after the period the form is
closed, says why with the article, and a post is refused with that reason.

Its own world in 2021 (Tengchong's rulebook in force): three units, each with a fine of
15,000 yuan proposed, which gives a business the right to a hearing.
"""
from __future__ import annotations

from datetime import date, datetime

import pytest

from casework import clock as clock_module
from casework.models import User
from casework.passwords import hash_password
from casework.services.processes import sweeps
from tests.e2e.web.conftest import fresh_container
from tests.e2e.web.portal.test_portal_browser import portal_page, shot  # noqa: F401
from tests.e2e.web.test_browser import browser, server  # noqa: F401
from tests.e2e.web.world import PASSWORD
from tests.integration.lifecycle.lifecycle_driver import Driver
from tests.integration.penalty.test_penalty_procedure import investigate, propose, tengchong_case

pytestmark = pytest.mark.browser
START_2021 = datetime(2021, 3, 1, 2, 0, tzinfo=clock_module.UTC)
USERS = ("unitP1", "unitP2", "unitP3")


@pytest.fixture(scope="module")
def web_world(tmp_path_factory, pg_engine):
    tmp = tmp_path_factory.mktemp("portal-penalty")
    with fresh_container(tmp, pg_engine, START_2021) as (container, travel):
        driver = Driver(container, travel)
        facts = {"driver": driver}
        for username in USERS:
            reg, ref = tengchong_case(driver, travel)
            investigate(driver, ref)
            propose(driver, ref, "fine", 15000)
            assert driver.confirm_all(ref, reg["unit"])  # the notice served: its period runs
            with container.uow() as uow:
                uow.session.add(User(username=username, display_name=username, roles=["unit"],
                                     unit_id=reg["unit_id"], password_hash=hash_password(PASSWORD),
                                     created_at=clock_module.now()))
                uow.commit()
            facts[username] = ref
            facts[f"{username}_item"] = driver.task(ref, "penalty_response").id
        yield container, facts


@pytest.mark.parametrize("viewport,username", [("phone", "unitP1"), ("desktop", "unitP2")])
def test_unit_requests_a_hearing_offered_by_the_notice(portal_page, facts, viewport, username):
    driver, ref = facts["driver"], facts[username]
    page = portal_page(username, viewport)
    page.locator("#obligations li.card", has_text="听证").locator("a", has_text="去办理").click()
    page.wait_for_selector("#task-form")
    assert page.locator("#hearing-offered").count() == 1
    assert "第四十四条" in page.locator("#answer").inner_text()
    page.fill("[name=statement]", "对事实无异议，请求从轻处罚，并要求听证。")
    shot(page, f"hearing-offered-{viewport}-zh")
    page.click("#request-hearing")
    page.wait_for_selector("#answer-given")
    assert "已要求听证" in page.locator("#answer-given").inner_text()
    assert driver.open_forms(ref) == ["hearing_schedule"]
    assert driver.case_data(ref)["hearing_requested"] is True
    page.goto(f"/portal/cases/{ref}?lang=en")
    shot(page, f"hearing-requested-{viewport}-en")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_after_the_period_the_form_is_closed_and_a_post_refused(portal_page, app, facts, viewport):
    container, driver, ref = app.extensions["casework"], facts["driver"], facts["unitP3"]
    last = date.fromisoformat(driver.case_data(ref)["response_due_date"])
    if clock_module.today_local() <= last:
        clock_module.current().travel_to(datetime(last.year, last.month, last.day, 18, 0,
                                                  tzinfo=clock_module.UTC))  # 02:00 the next day
    item_id = facts["unitP3_item"]  # gone once the timer fired: a post still names it
    page = portal_page("unitP3", viewport)
    page.goto(f"/portal/cases/{ref}")
    closed = page.locator("#answer-closed").inner_text()
    assert "届满" in closed and "第四十四条" in closed and last.isoformat() in closed
    assert page.locator("#task-form").count() == 0
    shot(page, f"answer-closed-{viewport}-zh")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = page.request.post(f"/portal/cases/{ref}/tasks/{item_id}",
                               form={"csrf_token": token, "statement": "迟到的申辩", "hearing_requested": "true"})
    assert answer.status == 422 and "届满" in answer.text()
    sweeps.sweep_deadlines(container)  # the timer fires: the task is gone, the page still says why
    page.goto(f"/portal/cases/{ref}?lang=en")
    assert page.locator("#answer-closed").count() == 1
    assert driver.open_forms(ref) == ["penalty_legal_review"]
    shot(page, f"answer-closed-{viewport}-en")
