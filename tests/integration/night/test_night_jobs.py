"""The night's jobs as plain functions with time travel: each effect once, reruns resume."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from casework import clock as clock_module
from casework.models import AuditEvent, Case, NightBatch, NightRun, User, Violation
from casework.services.night import inspections, runs
from tests.integration.lifecycle.lifecycle_driver import Driver
from tests.integration.lifecycle.test_lifecycle_scenarios import accept_and_start_filing, due_day
from tests.integration.night.system import SYSTEM, opts
from workflows import jobs


@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


def missed_filing(driver) -> dict:
    """A filing window that is open now (taiyuan); travel past its last day to miss it."""
    reg, filing = accept_and_start_filing(driver, "taiyuan")
    return {"unit_id": reg["unit_id"], "case_ref": filing.ref, "due_day": due_day(filing)}


def miss(driver, filed) -> None:
    driver.travel(days=(filed["due_day"] - clock_module.today_local()).days + 1)


def count(container, model, *where) -> int:
    with container.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model).where(*where))


def test_missed_filing_window_opens_one_violation_even_when_swept_twice(driver, container, clock):
    filed = missed_filing(driver)
    assert jobs.deadline_sweep(container, opts()).counts.get("timers_fired", 0) == 0  # window still open
    miss(driver, filed)
    first = jobs.deadline_sweep(container, opts())
    assert first.state == "done" and first.counts["timers_fired"] >= 1
    assert first.counts["deadline_violations"] == 1
    assert driver.case(filed["case_ref"]).outcome == "overdue"
    again = jobs.deadline_sweep(container, opts())  # same slot: the finished run, nothing repeated
    assert again.id == first.id
    clock.advance(minutes=15)
    later = jobs.deadline_sweep(container, opts())  # next slot: a new run finds nothing due
    assert later.id != first.id and later.counts.get("timers_fired", 0) == 0
    assert count(container, Violation, Violation.unit_id == filed["unit_id"]) == 1


def test_a_sweep_killed_mid_run_resumes_without_repeating(driver, container):
    filings = [missed_filing(driver) for _ in range(3)]
    miss(driver, filings[0])
    partial = jobs.deadline_sweep(container, opts(batch_size=1, max_batches=1))
    assert (partial.state, partial.done, partial.batches) == ("running", 1, 3)
    # The worker dies holding a claim on the second batch: it comes back after the lease.
    claim = runs.claim_batch(container.uow(), partial.id, "dead-worker", lease_s=60)
    assert claim is not None and claim.seq == 1
    assert runs.claim_batch(container.uow(), partial.id, "other", lease_s=60).seq == 2
    resumed = jobs.deadline_sweep(container, opts(batch_size=1))
    assert resumed.id == partial.id and resumed.state == "running"  # batch 1 is leased away
    driver.travel(minutes=2)
    resumed = jobs.deadline_sweep(container, opts(batch_size=1, run_key=partial.run_key))
    assert (resumed.state, resumed.done) == ("done", 3)
    assert count(container, Violation) == 3
    with container.uow() as uow:
        attempts = dict(uow.session.execute(select(NightBatch.seq, NightBatch.attempts)
                                            .where(NightBatch.run_id == partial.id)).all())
    assert attempts == {0: 1, 1: 2, 2: 2}


def test_two_planners_share_one_run(container):
    plan_calls = []

    def plan(_session):
        plan_calls.append(1)
        return list(range(5))

    a = runs.open_run(container.uow(), "deadline_sweep", "k", plan, actor=SYSTEM.name, batch_size=2)
    b = runs.open_run(container.uow(), "deadline_sweep", "k", plan, actor=SYSTEM.name, batch_size=2)
    assert a.id == b.id and a.batches == 3 and len(plan_calls) == 1
    seen = []
    done = runs.work_batches(container.uow(), a.id, lambda items: seen.extend(items) or {"n": len(items)},
                             actor=SYSTEM.name)
    assert sorted(seen) == list(range(5)) and done.counts == {"n": 5} and done.state == "done"
    assert runs.work_batches(container.uow(), a.id, lambda items: 1 / 0, actor=SYSTEM.name).state == "done"


def add_inspectors(container, names, jurisdiction_id=None):
    with container.uow() as uow:
        for name in names:
            uow.session.add(User(username=name, display_name=name, password_hash="x",
                                 roles=["inspector"], jurisdiction_id=jurisdiction_id,
                                 created_at=clock_module.now()))
        uow.commit()


def test_inspection_draw_is_reproducible_from_its_seed():
    cands = inspections.Candidates([(u, 1 + u % 2) for u in range(1, 41)],
                                   {1: ["a", "b", "c"], 2: ["d", "e"], None: ["z"]})
    one = inspections.draw(cands, seed=2026, share=0.25)
    assert one == inspections.draw(cands, seed=2026, share=0.25)
    assert one != inspections.draw(cands, seed=2027, share=0.25)
    assert len(one) == 10 and all(len(d["inspectors"]) == 2 for d in one)
    for d in one:  # from the unit's jurisdiction or the city-wide pool only
        allowed = {"a", "b", "c", "z"} if d["unit_id"] % 2 == 0 else {"d", "e", "z"}
        assert set(d["inspectors"]) <= allowed


def test_inspection_cycle_opens_the_drawn_cases_once_and_records_the_seed(driver, container):
    units = [driver.register("taiyuan")["unit_id"] for _ in range(4)]
    add_inspectors(container, ["insp.a", "insp.b", "insp.c"])
    run = jobs.inspection_cycle(container, opts(seed=7, batch_size=1))
    assert run.state == "done" and run.params["seed"] == 7
    with container.uow() as uow:
        drawn = uow.session.scalars(select(AuditEvent.data).where(
            AuditEvent.action == "inspection.drawn")).one()
    assert drawn["seed"] == 7 and sorted(u for u, _ in drawn["candidates"]) == sorted(units)
    # Anyone with the seed recomputes the draw from the recorded candidates.
    assert inspections.draw(inspections.recorded(drawn), 7, drawn["share"]) == drawn["drawn"]
    assert run.counts["inspections_opened"] == len(drawn["drawn"]) == 1
    assert jobs.inspection_cycle(container, opts(seed=99)).id == run.id  # resumed, same seed
    assert count(container, Case, Case.kind == "inspection") == 1


def test_inspection_batch_retried_after_a_crash_opens_nothing_twice(driver, container):
    for _ in range(6):
        driver.register("taiyuan")
    add_inspectors(container, ["insp.a", "insp.b"])
    run = runs.open_run(container.uow(), "inspection_cycle", "x",
                        inspections.plan_draw(date(2026, 3, 2), 3, SYSTEM, share=1.0), actor=SYSTEM.name, batch_size=6,
                        params={"started": clock_module.now().isoformat()})
    claim = runs.claim_batch(container.uow(), run.id, "w1")
    since = clock_module.now()
    inspections.open_drawn(container.uow(), claim.items[:2], since, SYSTEM)  # then the worker dies
    driver.travel(minutes=30)
    done = runs.work_batches(container.uow(), run.id, actor=SYSTEM.name,
                             work=lambda items: inspections.open_drawn(container.uow(), items, since, SYSTEM))
    assert done.counts == {"units": 6, "inspections_opened": 4, "already_open": 2}
    assert count(container, Case, Case.kind == "inspection") == 6


def test_provisional_deadlines_are_reported_near_the_year_end(driver, container, clock):
    clock.travel_to(datetime(2026, 12, 10, 2, tzinfo=clock_module.UTC))
    reg = driver.register("taiyuan")
    # A case due in 2027, whose holiday notice the table does not hold yet.
    with container.uow() as uow:
        case = uow.session.scalars(select(Case).where(Case.ref == reg["case_ref"])).one()
        case.due_at = datetime(2027, 1, 20, 16, tzinfo=clock_module.UTC)
        uow.commit()
    run = jobs.deadline_sweep(container, opts())
    assert run.result["provisional"] == 1 and run.result["cases"][0]["ref"] == reg["case_ref"]
    clock.travel_to(datetime(2026, 6, 1, tzinfo=clock_module.UTC))
    assert jobs.deadline_sweep(container, opts()).result["provisional"] == 0


def test_runs_are_listed_newest_first(container, clock):
    jobs.notice_batch(container, opts())
    clock.advance(days=1)
    jobs.notice_batch(container, opts())
    listed = runs.recent_runs(container.uow(), "notice_batch")
    assert [r.run_key for r in listed] == ["2026-03-03", "2026-03-02"]
    assert all(r.state == "done" and r.duration_s is not None for r in listed)
    assert count(container, NightRun) == 2
    _ = timedelta
