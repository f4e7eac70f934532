"""Dashboard counts over real lifecycles, in each actor's scope (SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from casework import clock
from casework.errors import PermissionDenied
from casework.models import Jurisdiction
from casework.services import dashboards
from casework.services.actor import Actor
from casework.services.cases.violations import report_violation
from tests.integration.lifecycle.lifecycle_driver import CLERK, INSPECTOR, Driver

MANAGER = Actor("manager1", frozenset({"manager"}))
ADMIN = Actor("admin1", frozenset({"admin"}))


@pytest.fixture
def world(container, clock):
    """Two units (太原, 常州): a violation waiting for its order in each place, one ordered,
    one corrected and closed."""
    driver = Driver(container, clock)
    taiyuan, changzhou = driver.register("taiyuan"), driver.register("changzhou")
    waiting = report_violation(driver.uow(), actor=CLERK, unit_id=taiyuan["unit_id"], code="no_signage",
                               facts="未设置明显标志", act_key="visit-1")
    ordered = report_violation(driver.uow(), actor=CLERK, unit_id=changzhou["unit_id"], code="no_signage",
                               facts="未设置明显标志", act_key="visit-2")
    driver.order(ordered)
    corrected = report_violation(driver.uow(), actor=CLERK, unit_id=changzhou["unit_id"],
                                 code="no_signage", facts="未设置明显标志", act_key="visit-3")
    driver.order(corrected)
    driver.complete(corrected, "rectification_report", {"description": "已设置标志"}, changzhou["unit"])
    driver.complete(corrected, "rectification_recheck", {"corrected": True, "findings": "已设置"}, INSPECTOR)
    with driver.uow() as uow:
        ids = dict(uow.session.execute(select(Jurisdiction.code, Jurisdiction.id)).all())
    return driver, ids, {"waiting": waiting, "ordered": ordered, "corrected": corrected}


def _stage(board, process, stage, jurisdiction_id):
    return sum(r["cases"] for r in board["open_by_stage"]
               if (r["process"], r["stage"], r["jurisdiction_id"]) == (process, stage, jurisdiction_id))


def test_open_cases_by_stage_and_jurisdiction(world, container):
    driver, ids, refs = world
    board = dashboards.dashboard(container.uow(), actor=MANAGER)
    assert _stage(board, "rectification", "draft_order", ids["taiyuan"]) == 1
    assert _stage(board, "rectification", "report_correction", ids["changzhou"]) == 1
    assert _stage(board, "rectification", "draft_order", ids["changzhou"]) == 0
    # each registration opened an acceptance case waiting for the unit's completion report
    assert _stage(board, "acceptance", "report_complete", ids["taiyuan"]) == 1
    names = {r["stage"]: r["name"] for r in board["open_by_stage"]}
    assert names["draft_order"] == "拟制责令限期改正通知"
    # the closed case is nowhere among the open ones
    assert sum(r["cases"] for r in board["open_by_stage"] if r["process"] == "rectification") == 2
    assert {j["code"] for j in board["jurisdictions"]} >= {"taiyuan", "changzhou"}


def test_staff_see_their_jurisdiction_only(world, container):
    driver, ids, refs = world
    head = Actor("head1", frozenset({"bureau_head"}), jurisdiction_id=ids["taiyuan"])
    board = dashboards.dashboard(container.uow(), actor=head)
    assert [j["code"] for j in board["jurisdictions"]] == ["taiyuan"]
    assert {r["jurisdiction_id"] for r in board["open_by_stage"]} == {ids["taiyuan"]}
    assert board["rectification_outcomes"]["rows"] == []  # the corrected case is 常州's
    everything = dashboards.dashboard(container.uow(), actor=ADMIN)
    assert {r["jurisdiction_id"] for r in everything["open_by_stage"]} >= {ids["taiyuan"], ids["changzhou"]}


@pytest.mark.parametrize("actor", [CLERK, INSPECTOR, Actor("unit1", frozenset({"unit"}), unit_id=1)])
def test_only_managers_the_head_and_admin_see_dashboards(world, container, actor):
    with pytest.raises(PermissionDenied):
        dashboards.dashboard(container.uow(), actor=actor)


def test_overdue_counts_follow_the_case_deadline(world, container):
    driver, ids, refs = world
    assert dashboards.dashboard(container.uow(), actor=MANAGER)["overdue"] == []
    driver.clock.travel_to(driver.case(refs["ordered"]).due_at)
    assert dashboards.dashboard(container.uow(), actor=MANAGER)["overdue"] == []  # due at, not past
    driver.travel(seconds=1)
    overdue = dashboards.dashboard(container.uow(), actor=MANAGER)["overdue"]
    assert {"jurisdiction_id": ids["changzhou"], "kind": "rectification", "cases": 1} in overdue
    assert all(r["jurisdiction_id"] != ids["taiyuan"] or r["kind"] != "rectification" for r in overdue)


def test_rectification_cases_do_not_count_against_the_90_day_decision_limit(world, container):
    """第六十条 limits the penalty procedure (from its 立案): tests/integration/penalty/test_penalty_dashboard.py."""
    driver, ids, refs = world
    board = dashboards.dashboard(container.uow(), actor=MANAGER)
    assert board["near_decision_limit"] == {"buckets": [], "cases": []}
    assert board["decision_limit"]["article"] == "《中华人民共和国行政处罚法》第六十条"
    driver.travel(days=80)
    assert dashboards.dashboard(container.uow(), actor=MANAGER)["near_decision_limit"] == {
        "buckets": [], "cases": []}


def test_rectification_outcomes_by_month(world, container):
    driver, ids, refs = world
    month = driver.case(refs["corrected"]).closed_at
    board = dashboards.dashboard(container.uow(), actor=MANAGER)
    outcomes = board["rectification_outcomes"]
    assert outcomes["rows"] == [
        {"month": clock.to_local(month).strftime("%Y-%m"), "outcome": "corrected", "cases": 1}]
    assert len(outcomes["months"]) == 12 and outcomes["months"][-1] == clock.today_local().strftime("%Y-%m")
    assert outcomes["months"] == sorted(outcomes["months"])
    driver.travel(days=400)  # out of the last twelve months
    assert dashboards.dashboard(container.uow(), actor=MANAGER)["rectification_outcomes"]["rows"] == []


@pytest.mark.sqlite_only
def test_every_query_reads_case_files_and_work_items_through_an_index(world, container):
    """The plans of a scoped dashboard: no full scan of case_file or engine_work_item."""
    from sqlalchemy import event, text

    driver, ids, refs = world
    head = Actor("head1", frozenset({"bureau_head"}), jurisdiction_id=ids["taiyuan"])
    statements = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(container.engine, "before_cursor_execute", keep)
    try:
        dashboards.dashboard(container.uow(), actor=head)
    finally:
        event.remove(container.engine, "before_cursor_execute", keep)
    assert len(statements) >= 5
    scans, plans = [], set()
    with container.engine.connect() as conn:
        for statement, parameters in statements:
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters):
                detail = row[-1]
                plans.add(detail)
                if detail.startswith("SCAN") and ("case_file" in detail or "engine_work_item" in detail):
                    scans.append((detail, statement))
    assert scans == []
    used = " ".join(plans)
    for index in ("ix_case_file_kind_status_closed", "ix_case_file_status_due",
                  "ix_engine_work_item_jurisdiction_id"):
        assert index in used
