"""The penalty procedure's prior notice (行政处罚告知书) in chromium: a unit requests a hearing
where the notice offers one (APL 第六十三条), inside the period; after the period the form is
closed, says why with the article, and a post is refused with that reason.

Its own world in 2021 (Tengchong's rulebook in force): three units, each with a fine of
15,000 yuan proposed, which gives a business the right to a hearing.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from casework import clock as clock_module
from casework.models import User
from casework.passwords import hash_password
from casework.services.penalty import hearing
from casework.services.processes import sweeps
from tests.e2e.web.conftest import fresh_container
from tests.e2e.web.portal.test_portal_browser import portal_page, shot  # noqa: F401
from tests.e2e.web.test_browser import browser, server  # noqa: F401
from tests.e2e.web.world import PASSWORD
from tests.integration.lifecycle.lifecycle_driver import CLERK, Driver
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
            facts[username], facts[f"{username}_unit"] = ref, reg["unit"]
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


def test_a_hearing_notice_served_too_late_is_explained_to_the_unit(portal_page, facts):
    """The 听证通知书 served less than seven working days before the hearing: the unit reads on
    its case page that the date cannot hold and why (APL 第六十四条第二项; 公安程序规定 第一百三十六条)."""
    driver, ref, unit = facts["driver"], facts["unitP1"], facts["unitP1_unit"]
    if "penalty_response" in driver.open_forms(ref):  # run alone: request the hearing here
        driver.complete(ref, "penalty_response", {"statement": "", "hearing_requested": True}, unit)
    today = clock_module.today_local()
    with driver.uow() as uow:
        on = hearing.notice_ends(uow.session, today) + timedelta(days=1)  # served today: just in time
    driver.complete(ref, "hearing_schedule", {"hearing_on": on.isoformat(), "place": "第一会议室",
                                              "host": "李法制"}, CLERK)
    page = portal_page("unitP1", "phone")
    page.goto(f"/portal/cases/{ref}")
    assert driver.case_data(ref)["hearing"]["serve_by"] in page.locator("#hearing-waiting").inner_text()
    serve_by = date.fromisoformat(driver.case_data(ref)["hearing"]["serve_by"])
    clock_module.current().advance(timedelta(days=(serve_by - today).days + 1))
    assert driver.confirm_all(ref, unit)  # served a day too late
    page.goto(f"/portal/cases/{ref}")
    refused = page.locator("#hearing-refused").inner_text()
    assert "不足七日" in refused and "第一百三十六条" in refused and on.isoformat() in refused
    shot(page, "hearing-date-refused-phone-zh")
    page.goto(f"/portal/cases/{ref}?lang=en")
    assert "less than seven working days" in page.locator("#hearing-refused").inner_text()
    assert driver.open_forms(ref) == ["hearing_schedule"]
