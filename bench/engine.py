"""Engine benchmark: `python -m bench.engine [--quick] [--postgres URL]`.

raw_step_ms                   deserialize + complete a user task + engine steps + prune + serialize (no DB)
raw_step_ms_with_rows         the raw step plus what complete() also does in memory: derive the work-item
                              and timer rows before and after, the data summary, the form check
raw_step_ms_stock             the same with SpiffWorkflow's own serializer (spec inside) and script engine
persisted_step_ms_sqlite      `complete()` in its own committed unit of work: the raw step plus the
                              revision-checked UPDATE, work-item/timer re-derivation and the audit event
persisted_vs_raw_ratio_sqlite persisted ÷ raw, both measured here (the issue's definition: row
                              re-derivation counts as persistence cost)
persisted_vs_raw_with_rows_ratio_sqlite  persisted ÷ raw_step_ms_with_rows: the database's share alone
completions_per_s_sqlite      committed completions per second, one client
statements_per_completion     SQL statements per completion, BEGIN included (spiff-arena: 71-79 and 5 commits)
persisted_step_ms_postgres    as for SQLite, when CASEWORK_DATABASE_URL or --postgres names a server
timer_select_batch_ms         one due batch of 1000 from 1,000,000 timer rows (100,000 with --quick)
timers_fired_per_s            fire_due_timers over 10,000 due instances (1,000 with --quick)
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import event, select, text, update
from SpiffWorkflow.util.task import TaskState

from bench.timers import make_due_timers, postgres_server
from casework import clock
from casework.bootstrap import bootstrap
from casework.config import PROJECT_ROOT
from casework.devtools import pg
from casework.engine import complete, deploy, fire_due_timers, list_work_items, start
from casework.engine.run.derive import current_data, derive
from casework.engine.model.forms import check_form_data
from casework.engine.run.prune import compact, maybe_compact
from casework.engine.run.runtime import version_entry
from casework.engine.expressions.scripting import SafeScriptEngine
from casework.engine.model.serializer import dump_state, load_workflow
from casework.engine.run.timers import due_batch
from casework.models.base import Base
from casework.models.engine import ProcessInstance
from casework.install.schema import load_all_models

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=clock.UTC)
TEST_DATA = PROJECT_ROOT / "tests" / "data"  # the engine's test diagrams and their forms
TEST_FORMS = TEST_DATA / "forms"
LOOP = TEST_DATA / "bpmn" / "engine_user_loop.bpmn"
TIMER = TEST_DATA / "bpmn" / "engine_timer.bpmn"


def make_app(url: str, data_dir: Path):
    load_all_models()
    clock.install(clock.TravelClock(T0))  # the bench's process runs on a travelling clock
    app = bootstrap(database_url=url, data_dir=data_dir)
    Base.metadata.drop_all(app.engine)
    Base.metadata.create_all(app.engine)
    with app.uow() as uow:
        deploy(uow.session, "engine_user_loop", LOOP.read_bytes(), forms_dir=TEST_FORMS, actor="bench")
        deploy(uow.session, "engine_timer", TIMER.read_bytes(), forms_dir=TEST_FORMS, actor="bench")
        uow.commit()
    return app


def start_loops(app, count: int) -> None:
    with app.uow() as uow:
        for i in range(count):
            start(uow.session, "engine_user_loop", data={"n": 0}, actor="bench", case_ref=f"B{i}")
        uow.commit()


def persisted_steps(app, steps: int, instances: int = 20, *, count: bool = False) -> tuple[float, float | None]:
    """Seconds per committed completion, and (with `count`) SQL statements per completion.

    Only the completions are timed (each in its own unit of work: open, `complete()`,
    commit, close); the listing that picks the next items is not. Statements are counted
    by an event listener, so only when asked: the listener is not part of the step.
    """
    with app.uow() as uow:
        running = len(list_work_items(uow.session, role="inspector", limit=instances))
    if running < instances:
        start_loops(app, instances - running)
    counter = {"n": 0, "on": False}

    def tally(*_args):
        counter["n"] += counter["on"]
    if count:
        event.listen(app.engine, "before_cursor_execute", tally)
    elapsed, done = 0.0, 0
    while done < steps:
        with app.uow() as uow:
            items = list_work_items(uow.session, role="inspector", limit=instances)
        for item in items[:steps - done]:
            counter["on"] = True
            began = time.perf_counter()
            with app.uow() as uow:
                complete(uow.session, item.id, {"again": True}, actor="bench", roles={"inspector"})
                uow.commit()
            elapsed += time.perf_counter() - began
            counter["on"] = False
            done += 1
    if count:
        event.remove(app.engine, "before_cursor_execute", tally)
    return elapsed / done, (counter["n"] / done if count else None)


def raw_steps(app, steps: int, *, rows: bool = False) -> float:
    """The same completion on the same state, without the database.

    As in `complete()`: a fresh script engine per step, the READY task found by a dict
    scan (complete() has its id from the work-item row), pruning after each engine task
    and before saving. With `rows`, also the in-memory part of the row re-derivation
    (work items and timers before and after, the data summary) and the form check.
    """
    with app.uow() as uow:
        instance = uow.session.scalars(select(ProcessInstance).where(ProcessInstance.key == "engine_user_loop")
                                       .order_by(ProcessInstance.id.desc()).limit(1)).one()
        version = version_entry(uow.session, instance.model_version_id)
        state = instance.state
    began = time.perf_counter()
    for _ in range(steps):
        workflow = load_workflow(state, version.specs, SafeScriptEngine())
        if rows:
            derive(workflow)
            check_form_data(version, "test_step", {"again": True})
        task = next(t for t in workflow.tasks.values() if t.state == TaskState.READY and t.task_spec.manual)
        task.data.update({"again": True})
        task.run()
        workflow.do_engine_steps(did_complete_task=lambda _task: maybe_compact(workflow))
        compact(workflow)
        state = dump_state(workflow)
        if rows:
            current_data(workflow)
            derive(workflow)
    return (time.perf_counter() - began) / steps


def raw_steps_stock(steps: int) -> float:
    """Reference: SpiffWorkflow's serializer (spec in every state) and its eval-based engine."""
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

    parser = SpiffBpmnParser()
    parser.add_bpmn_str(LOOP.read_bytes().replace(b">P30D<", b">'P30D'<"))  # stock evaluates it as Python
    workflow = BpmnWorkflow(parser.get_spec("engine_user_loop"), parser.get_subprocess_specs("engine_user_loop"))
    workflow.get_tasks(state=16)[0].data.update({"n": 0})
    workflow.do_engine_steps()
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    state = serializer.serialize_json(workflow)
    first = None
    began = time.perf_counter()
    for i in range(steps):
        workflow = serializer.deserialize_json(state)
        task = workflow.get_tasks(state=16, manual=True)[0]
        task.data.update({"again": True})
        task.run()
        workflow.do_engine_steps()
        state = serializer.serialize_json(workflow)
        if i == 0:
            first = len(state)
    return (time.perf_counter() - began) / steps, first, len(state)


def interleaved(app, steps: int, rounds: int = 7) -> tuple[float, float, float]:
    """Persisted, raw and raw-with-rows steps in alternating rounds (medians): fair on a busy machine."""
    persisted, raw, with_rows = [], [], []
    for _ in range(rounds):
        persisted.append(persisted_steps(app, steps // rounds)[0])
        raw.append(raw_steps(app, steps // rounds))
        with_rows.append(raw_steps(app, steps // rounds, rows=True))
    return statistics.median(persisted), statistics.median(raw), statistics.median(with_rows)


def timer_select(path: Path, rows: int, runs: int = 30) -> tuple[float, float]:
    """Median ms to select a due batch of 1000 from `rows` timer rows by index, through the
    engine's query, and (the floor) the same SELECT text run on a bare sqlite3 connection."""
    clock.install(clock.TravelClock(T0))
    app = bootstrap(database_url=f"sqlite:///{path}", data_dir=path.parent)
    load_all_models()
    Base.metadata.create_all(app.engine)
    app.dispose()
    raw = sqlite3.connect(path)  # bulk load without the instance rows the foreign key wants
    raw.executemany(
        "INSERT INTO engine_timer (instance_id, task_id, name, due_at) VALUES (?, ?, ?, ?)",
        ((i + 1, "00000000-0000-0000-0000-000000000000", "t",
          (T0 + timedelta(minutes=i * 7919 % (rows * 10))).replace(tzinfo=None).isoformat(" "))
         for i in range(rows)))
    raw.commit()
    raw.close()
    now = T0 + timedelta(minutes=rows * 10 // 50)  # ~2% of the rows are due
    times = []
    with app.uow() as uow:
        for _ in range(runs):
            began = time.perf_counter()
            batch = due_batch(uow.session, now, 1000)
            times.append(time.perf_counter() - began)
            assert len(batch) == 1000
    app.dispose()
    raw, floor = sqlite3.connect(path), []
    bound = now.replace(tzinfo=None).isoformat(" ")
    for _ in range(runs):
        began = time.perf_counter()
        found = raw.execute("SELECT id, instance_id FROM engine_timer WHERE due_at <= ? "
                            "ORDER BY due_at, id LIMIT 1000", (bound,)).fetchall()
        floor.append(time.perf_counter() - began)
        assert len(found) == 1000
    raw.close()
    return statistics.median(times) * 1000, statistics.median(floor) * 1000


def commit_floor(app, count: int) -> float:
    """Transactions per second of the bare shape of a timer step: one committed UPDATE of one
    instance row per transaction, through the same unit of work (the floor for timers_fired)."""
    with app.uow() as uow:
        ids = list(uow.session.scalars(select(ProcessInstance.id).limit(count)))
    began = time.perf_counter()
    for iid in ids:
        with app.uow() as uow:
            uow.session.execute(update(ProcessInstance).where(ProcessInstance.id == iid)
                                .values(updated_at=T0))
            uow.commit()
    return len(ids) / (time.perf_counter() - began)


def timers_fired(app, count: int) -> float:
    """Timers fired per second: `count` waiting instances cloned from one, all due."""
    make_due_timers(app, count, T0 + timedelta(hours=1))
    clock.current().travel_to(T0 + timedelta(hours=2))
    began = time.perf_counter()
    fired = fire_due_timers(app.session_factory, batch=500)
    elapsed = time.perf_counter() - began
    clock.current().travel_to(T0)
    assert fired == count, (fired, count)
    return fired / elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small run (< 30 s)")
    parser.add_argument("--postgres", help="PostgreSQL server URL (a scratch database is created)")
    args = parser.parse_args(argv)
    steps = 300 if args.quick else 2000
    timer_rows = 100_000 if args.quick else 1_000_000
    fire_count = 1000 if args.quick else 10_000

    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        tmp = Path(tmp)
        app = make_app(f"sqlite:///{tmp / 'bench.db'}", tmp)
        persisted_steps(app, 40)  # warm caches
        _, statements = persisted_steps(app, 100, count=True)
        persisted, raw, with_rows = interleaved(app, steps)
        stock, stock_first, stock_last = raw_steps_stock(100)
        print(f"raw_step_ms: {raw * 1000:.3f} ms")
        print(f"raw_step_ms_with_rows: {with_rows * 1000:.3f} ms")
        print(f"raw_step_ms_stock: {stock * 1000:.3f} ms")
        print(f"stock_state_bytes_growth: {stock_first} -> {stock_last} bytes over 100 rounds")
        print(f"persisted_step_ms_sqlite: {persisted * 1000:.3f} ms")
        print(f"persisted_vs_raw_ratio_sqlite: {persisted / raw:.2f} ratio")
        print(f"persisted_vs_raw_with_rows_ratio_sqlite: {persisted / with_rows:.2f} ratio")
        print(f"completions_per_s_sqlite: {1 / persisted:.0f} completions/s")
        print(f"statements_per_completion: {statements:.1f} statements")
        with app.uow() as uow:
            size = uow.session.scalar(select(text("max(length(state))")).select_from(ProcessInstance))
        print(f"instance_state_bytes_max: {size} bytes")
        fired_per_s = timers_fired(app, fire_count)
        floor_per_s = commit_floor(app, fire_count)
        print(f"timers_fired_per_s: {fired_per_s:.0f} timers/s ({fire_count} due, SQLite)")
        print(f"timers_fired_floor_per_s: {floor_per_s:.0f} transactions/s (one bare UPDATE + commit each)")
        print(f"timers_fired_vs_floor_ratio: {fired_per_s / floor_per_s:.2f} ratio")
        app.dispose()
        select_ms, select_floor_ms = timer_select(tmp / 'timers.db', timer_rows)
        print(f"timer_select_batch_ms: {select_ms:.2f} ms ({timer_rows} rows)")
        print(f"timer_select_floor_ms: {select_floor_ms:.2f} ms (the same SELECT on bare sqlite3)")
        print(f"timer_select_vs_floor_ratio: {select_ms / select_floor_ms:.2f} ratio")

        server = postgres_server(args.postgres)
        if server:
            name = f"bench_engine_{os.getpid()}"
            if pg.main(["create", server, name]) != 0:
                raise SystemExit("cannot create the scratch PostgreSQL database")
            try:
                app = make_app(f"{server}/{name}", tmp)
                persisted_steps(app, 40)
                persisted_pg, raw_pg, _with_rows = interleaved(app, steps // 2)
                print(f"persisted_step_ms_postgres: {persisted_pg * 1000:.3f} ms")
                print(f"persisted_vs_raw_ratio_postgres: {persisted_pg / raw_pg:.2f} ratio")
                print(f"timers_fired_per_s_postgres: {timers_fired(app, fire_count // 2):.0f} timers/s")
                app.dispose()
            finally:
                pg.main(["drop", server, name])


if __name__ == "__main__":
    main()
