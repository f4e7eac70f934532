"""Issue 14: the dashboard's "cases near the 90-day decision limit" counts penalty cases against
their 第六十条 limit (legal calendar, from 立案), not rectification cases."""
from __future__ import annotations

from datetime import date

import pytest

from casework import clock as clock_module
from casework.services import dashboards
from casework.services.actor import Actor
from tests.integration.lifecycle.lifecycle_driver import Driver
from tests.integration.penalty.test_penalty_procedure import investigate, tengchong_case

MANAGER = Actor("manager1", frozenset({"manager"}))


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


def _near(driver) -> dict:
    return dashboards.dashboard(driver.uow(), actor=MANAGER)["near_decision_limit"]


def _on(driver, day: date) -> None:
    driver.travel(days=(day - clock_module.today_local()).days)


def test_penalty_cases_count_against_their_article_60_limit(driver, clock):
    reg, ref = tengchong_case(driver, clock)  # 立案 2021-03-01; its rectification case opened the same day
    investigate(driver, ref)
    limit = date.fromisoformat(driver.case_data(ref)["limit_date"])
    assert limit == date(2021, 5, 31)  # 90 days end on Sunday 05-30, rolled to Monday
    assert _near(driver) == {"buckets": [], "cases": []}
    _on(driver, date(2021, 5, 16))
    near = _near(driver)
    assert [(b["bucket"], b["cases"]) for b in near["buckets"]] == [("8-15", 1)]
    [row] = near["cases"]  # the rectification case, opened 76 days ago too, is not counted
    assert (row["ref"], row["limit_on"], row["days_left"]) == (ref, "2021-05-31", 15)
    _on(driver, date(2021, 5, 24))
    assert [(b["bucket"], b["cases"]) for b in _near(driver)["buckets"]] == [("0-7", 1)]
    _on(driver, date(2021, 5, 31))  # the last day: 0 days left, not overdue
    assert [c["days_left"] for c in _near(driver)["cases"]] == [0]
    _on(driver, date(2021, 6, 1))
    near = _near(driver)
    assert [(b["bucket"], b["cases"]) for b in near["buckets"]] == [("overdue", 1)]
    assert [c["days_left"] for c in near["cases"]] == [-1]
    assert dashboards.dashboard(driver.uow(), actor=MANAGER)["decision_limit"]["article"].endswith("第六十条")
