"""Night-shift benchmark: `python -m bench.flows [--quick] [--postgres URL]`.

The full run goes through a real Prefect server (127.0.0.1, ephemeral port) and process
workers (`prefect worker start`) on one work pool, all measured in this one run:

timers_per_s_one_worker    due timers fired by one deadline_sweep run on one worker
                           (our run's planned-to-finished time; 5,000 timers)
timers_per_s_two_workers   the same count split between two workers joining one run
two_worker_speedup         the ratio of the two, same run
flow_overhead_s            an empty flow run through its deployment, created to completed
                           (median of 3): the floor Prefect sets (worker poll, subprocess, states)

--quick (under 30 s) measures the same figures with 200 timers on real Prefect flow runs
in this process, against Prefect's ephemeral server (the subprocess `prefect_test_harness`
starts, on a scratch SQLite database): the two "workers" are two flow runs in two threads
joining one run, and flow_overhead_s is an empty flow run called here (no deployment,
worker poll or subprocess). Its figures compare with each other, not with the full run's.
Migrating Prefect's empty database costs ~5 s of CPU, so the first --quick keeps a migrated
copy per Prefect version (under ~/.cache/casework/bench, or XDG_CACHE_HOME) for the next.

Our database is PostgreSQL when --postgres or CASEWORK_DATABASE_URL names a server (a
scratch database; FOR UPDATE SKIP LOCKED decides the batches), else SQLite. Prefect's own
database is a scratch PostgreSQL database there too (full run), else SQLite in a temporary
PREFECT_HOME. The flows act as the system account, as in production.
"""
from __future__ import annotations

import argparse
import contextvars
import logging
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import prefect
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings
from sqlalchemy import select

from casework import clock
from casework.bootstrap import bootstrap
from casework.cli.login import SYSTEM_ACCOUNT
from casework.cli.operator import SYSTEM_ACCOUNT_ENV
from casework.devtools import pg
from casework.models import NightRun
from casework.models.base import Base
from casework.install.schema import load_all_models
from workflows import context, demo, flows, server as prefect_server
from workflows.serving import register, trigger
from bench.timers import fire_tally, make_due_timers, postgres_server

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=clock.UTC)  # timers fall due at T0+1h: long past by the real clock
POOL = "casework-bench"
FULL_COUNT, QUICK_COUNT = 5000, 200


def wait_final(api_url: str, run_id, timeout: float = 1800):
    deadline = time.monotonic() + timeout
    with temporary_settings(updates={PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            run = client.read_flow_run(run_id)
            if run.state is not None and run.state.is_final():
                if not run.state.is_completed():
                    raise SystemExit(f"flow run {run.name} ended {run.state.type.value}")
                return run
            time.sleep(0.2)
    raise SystemExit(f"flow run {run_id} did not finish")


def start_workers(count: int, env: dict) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL,
                              "--type", "process", "--limit", "1", "--name", f"bench-{i}"],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for i in range(count)]


def run_rate(app, count: int, key: str) -> float:
    """Timers per second of the run keyed `key` (planned to finished), once every timer fired once."""
    tally = fire_tally(app)
    if tally["waiting"] or tally["most_on_one"] != 1:
        raise SystemExit(f"timers not fired exactly once: {tally}")
    with app.uow() as uow:
        run = uow.session.scalars(select(NightRun).where(NightRun.run_key == key)).one()
        elapsed = (clock.as_utc(run.finished_at) - clock.as_utc(run.started_at)).total_seconds()
    return count / elapsed


def sweep_rate(app, api_url: str, count: int, runs: int, key: str) -> float:
    """Timers per second of one deadline_sweep run joined by `runs` deployment runs (workers)."""
    make_due_timers(app, count, T0 + timedelta(hours=1))
    created = [trigger(api_url, "deadline_sweep/nightly", {"run_key": key, "batch_size": 100}) for _ in range(runs)]
    for run in created:
        wait_final(api_url, run.id)
    return run_rate(app, count, key)


def overhead(api_url: str, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        began = time.monotonic()
        wait_final(api_url, trigger(api_url, "ping/ping").id)
        times.append(time.monotonic() - began)
    return statistics.median(times)


def fresh_app(our_url: str, tmp: Path):
    """Our database, emptied, with the system account the flows act as (named in the environment)."""
    load_all_models()
    clock.install(clock.TravelClock(T0))
    app = bootstrap(database_url=our_url, data_dir=tmp / "data")
    Base.metadata.drop_all(app.engine)
    Base.metadata.create_all(app.engine)
    demo.seed(app, echo=lambda _m: None)
    os.environ[SYSTEM_ACCOUNT_ENV] = SYSTEM_ACCOUNT
    return app


def measure(our_url: str, prefect_url: str | None, tmp: Path, count: int) -> None:
    app = fresh_app(our_url, tmp)
    server = prefect_server.start_server(tmp / "prefect", database_url=prefect_url)
    env = prefect_server.quiet_environment(dict(os.environ))
    env.update(PREFECT_API_URL=server.api_url, CASEWORK_DATABASE_URL=our_url,
               CASEWORK_DATA_DIR=str(tmp / "data"), PREFECT_WORKER_QUERY_SECONDS="1")
    workers = []
    try:
        register(server.api_url, POOL, SYSTEM_ACCOUNT, paused=True)
        workers = start_workers(1, env)
        flow_overhead = overhead(server.api_url)
        one = sweep_rate(app, server.api_url, count, 1, "bench-one")
        workers += start_workers(1, env)
        two = sweep_rate(app, server.api_url, count, 2, "bench-two")
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(60)
        server.stop()
        app.dispose()
    report(one, two, flow_overhead, f"{count} due, {engine_name(our_url)}")


@contextmanager
def real_clock():
    """Flows in this process sweep by the real clock (as workers do); timers are made on T0's."""
    previous = clock.install(clock.Clock())
    try:
        yield
    finally:
        clock.install(previous)


def local_rate(app, count: int, runs: int, key: str) -> float:
    """Timers per second of one deadline_sweep run joined by `runs` flow runs in threads here."""
    make_due_timers(app, count, T0 + timedelta(hours=1))
    with real_clock(), ThreadPoolExecutor(runs) as pool:
        started = [pool.submit(contextvars.copy_context().run, flows.deadline_sweep, run_key=key, batch_size=50)
                   for _ in range(runs)]
        for future in started:
            future.result()
    return run_rate(app, count, key)


def local_overhead(rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        began = time.monotonic()
        flows.ping()
        times.append(time.monotonic() - began)
    return statistics.median(times)


def template_path() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "casework" / "bench" / f"prefect-{prefect.__version__}-sqlite.db"


@contextmanager
def ephemeral_prefect(home: Path):
    """Prefect's ephemeral API server, as `prefect_test_harness` starts it (uvicorn on
    create_app, no UI, ephemeral services), on a scratch SQLite database: a copy of the migrated
    template when there is one, else migrated now and kept. Started here rather than through
    the harness so this process need not import Prefect's server (~2 s of CPU)."""
    home.mkdir(parents=True, exist_ok=True)
    db, template = home / "prefect.db", template_path()
    if template.exists():
        shutil.copyfile(template, db)
    port = prefect_server.free_port()
    env = prefect_server.quiet_environment(dict(os.environ))
    env.pop("PREFECT_API_URL", None)
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{db}",
               PREFECT_UI_ENABLED="0", PREFECT__SERVER_EPHEMERAL="1", PREFECT__SERVER_FINAL="1")
    with open(home / "server.log", "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(prefect.__file__).parent.parent), "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "error", "--lifespan", "on"], env=env, stdout=log, stderr=subprocess.STDOUT)
    server = prefect_server.Server(f"http://127.0.0.1:{port}/api", process)
    try:
        prefect_server.wait_healthy(server.api_url, process, timeout=120)
        if not template.exists():
            keep_template(db, template)
        with temporary_settings(updates={PREFECT_API_URL: server.api_url, PREFECT_HOME: str(home)}):
            yield
    finally:
        server.stop()


def keep_template(db: Path, template: Path) -> None:
    """A consistent copy of the freshly migrated database (sqlite3's backup), put in place atomically."""
    template.parent.mkdir(parents=True, exist_ok=True)
    partial = template.with_suffix(f".{os.getpid()}.tmp")
    with sqlite3.connect(db) as source, sqlite3.connect(partial) as copy:
        source.backup(copy)
    os.replace(partial, template)


def measure_quick(our_url: str, tmp: Path, count: int) -> None:
    app = fresh_app(our_url, tmp)
    previous = context.install(app)
    logging.getLogger("prefect").setLevel(logging.WARNING)  # the figures only
    try:
        with ephemeral_prefect(tmp / "prefect"):
            flow_overhead = local_overhead()
            one = local_rate(app, count, 1, "bench-one")
            two = local_rate(app, count, 2, "bench-two")
    finally:
        context.install(previous)
        app.dispose()
    report(one, two, flow_overhead, f"{count} due, {engine_name(our_url)}, in-process flow runs")


def engine_name(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


def report(one: float, two: float, flow_overhead: float, how: str) -> None:
    print(f"timers_per_s_one_worker: {one:.0f} timers/s ({how})")
    print(f"timers_per_s_two_workers: {two:.0f} timers/s ({how})")
    print(f"two_worker_speedup: {two / one:.2f} ratio")
    print(f"flow_overhead_s: {flow_overhead:.2f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"in-process flow runs, {QUICK_COUNT} timers (< 30 s)")
    parser.add_argument("--postgres", help="PostgreSQL server URL (scratch databases are created)")
    args = parser.parse_args(argv)
    prefect_server.quiet_environment()
    server = postgres_server(args.postgres)
    with tempfile.TemporaryDirectory(prefix="bench-flows-") as tmp:
        names = [f"bench_flows_{os.getpid()}"] + ([] if args.quick else [f"bench_prefect_{os.getpid()}"])
        if server:
            for name in names:
                if pg.main(["create", server, name]) != 0:
                    raise SystemExit("cannot create the scratch PostgreSQL database")
        our_url = f"{server}/{names[0]}" if server else f"sqlite:///{Path(tmp) / 'bench.db'}"
        try:
            if args.quick:
                measure_quick(our_url, Path(tmp), QUICK_COUNT)
            else:
                measure(our_url, f"{server}/{names[1]}" if server else None, Path(tmp), FULL_COUNT)
        finally:
            for name in names if server else []:
                pg.main(["drop", server, name])


if __name__ == "__main__":
    main()
