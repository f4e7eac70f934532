"""Night-shift benchmark: `python -m bench.flows [--quick] [--postgres URL]`.

Everything runs through a real Prefect server (127.0.0.1, ephemeral port) and process
workers (`prefect worker start`) on one work pool, all measured in this one run:

timers_per_s_one_worker    due timers fired by one deadline_sweep run on one worker
                           (our run's planned-to-finished time; 5,000 timers, 500 with --quick)
timers_per_s_two_workers   the same count split between two workers joining one run
two_worker_speedup         the ratio of the two, same run
flow_overhead_s            an empty flow run through its deployment, created to completed
                           (median of 3): the floor Prefect sets (worker poll, subprocess, states)

Our database is PostgreSQL when --postgres or CASEWORK_DATABASE_URL names a server (a
scratch database; FOR UPDATE SKIP LOCKED decides the batches), else SQLite. Prefect's own
database is a scratch PostgreSQL database there too, else SQLite in a temporary PREFECT_HOME.
--quick is not under 30 s: starting Prefect's server and workers alone takes 20–60 s here.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import select

from casework import clock
from casework.bootstrap import bootstrap
from casework.devtools import pg
from casework.models import NightRun
from casework.models.base import Base
from casework.install.schema import load_all_models
from workflows import server as prefect_server
from workflows.serving import register, trigger
from bench.timers import fire_tally, make_due_timers, postgres_server

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=clock.UTC)  # timers fall due at T0+1h: long past by the real clock
POOL = "casework-bench"


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


def sweep_rate(app, api_url: str, count: int, runs: int, key: str) -> float:
    """Timers per second of one deadline_sweep run joined by `runs` flow runs."""
    make_due_timers(app, count, T0 + timedelta(hours=1))
    created = [trigger(api_url, "deadline_sweep/nightly", {"run_key": key, "batch_size": 100}) for _ in range(runs)]
    for run in created:
        wait_final(api_url, run.id)
    tally = fire_tally(app)
    if tally["waiting"] or tally["most_on_one"] != 1:
        raise SystemExit(f"timers not fired exactly once: {tally}")
    with app.uow() as uow:
        run = uow.session.scalars(select(NightRun).where(NightRun.run_key == key)).one()
        elapsed = (clock.as_utc(run.finished_at) - clock.as_utc(run.started_at)).total_seconds()
    return count / elapsed


def overhead(api_url: str, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        began = time.monotonic()
        wait_final(api_url, trigger(api_url, "ping/ping").id)
        times.append(time.monotonic() - began)
    return statistics.median(times)


def measure(our_url: str, prefect_url: str | None, tmp: Path, count: int) -> None:
    load_all_models()
    clock.install(clock.TravelClock(T0))
    app = bootstrap(database_url=our_url, data_dir=tmp / "data")
    Base.metadata.drop_all(app.engine)
    Base.metadata.create_all(app.engine)
    server = prefect_server.start_server(tmp / "prefect", database_url=prefect_url)
    env = prefect_server.quiet_environment(dict(os.environ))
    env.update(PREFECT_API_URL=server.api_url, CASEWORK_DATABASE_URL=our_url,
               CASEWORK_DATA_DIR=str(tmp / "data"), PREFECT_WORKER_QUERY_SECONDS="1")
    workers = []
    try:
        register(server.api_url, POOL, paused=True)
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
        app.engine.dispose()
    engine = "PostgreSQL" if our_url.startswith("postgresql") else "SQLite"
    print(f"timers_per_s_one_worker: {one:.0f} timers/s ({count} due, {engine})")
    print(f"timers_per_s_two_workers: {two:.0f} timers/s ({count} due, {engine})")
    print(f"two_worker_speedup: {two / one:.2f} ratio")
    print(f"flow_overhead_s: {flow_overhead:.2f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small run (500 timers)")
    parser.add_argument("--postgres", help="PostgreSQL server URL (scratch databases are created)")
    args = parser.parse_args(argv)
    count = 500 if args.quick else 5000
    server = postgres_server(args.postgres)
    with tempfile.TemporaryDirectory(prefix="bench-flows-") as tmp:
        if not server:
            measure(f"sqlite:///{Path(tmp) / 'bench.db'}", None, Path(tmp), count)
            return
        names = [f"bench_flows_{os.getpid()}", f"bench_prefect_{os.getpid()}"]
        for name in names:
            if pg.main(["create", server, name]) != 0:
                raise SystemExit("cannot create the scratch PostgreSQL database")
        try:
            measure(f"{server}/{names[0]}", f"{server}/{names[1]}", Path(tmp), count)
        finally:
            for name in names:
                pg.main(["drop", server, name])


if __name__ == "__main__":
    main()
