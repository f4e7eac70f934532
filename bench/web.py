"""Web benchmark: `python -m bench.web [--quick] [--postgres SERVER_URL]`.

Loads 1,000,000 process instances with 100,000 open work items (--quick: 20,000 / 2,000)
into a fresh PostgreSQL database, serves the app as `casework web serve` does (gunicorn,
2 gthread workers x 3 threads, connections kept even between workers) and runs 16
concurrent signed-in keep-alive clients (bench/keepalive.py, threads of this process) for
60 s (--quick: 5 s) against:

queue_*      the queue page, filtered (process, unclaimed) and sorted by deadline: page 1
             and a deep keyset page (after the 90th percentile of the filtered rows), alternately
minimal_*    /healthz of the same app, same clients, measured in a second phase of the same run
queue_vs_minimal_p95   queue_p95_ms / minimal_p95_ms (goal <= 4); goals: p95 < 50 ms, 0 errors
*_server_cpu_ms        CPU time of the gunicorn workers per request (from /proc): what a request
                       costs, far less dependent on how busy the machine is than latency
queue_vs_minimal_server_cpu   the two, divided: the load-independent figure to compare runs by
queue_db_cpu_ms        CPU time of the PostgreSQL backends per queue request (a server on this machine)
*_client_cpu_ms        CPU time of this load generator per request: on the same cores as the server
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import psycopg
from sqlalchemy import select

from casework import clock
from casework.bootstrap import bootstrap
from casework.devtools import pg
from casework.models import Jurisdiction, ModelVersion, User
from casework.passwords import hash_password
from casework.install.schema import upgrade
from casework.install.seed import seed_reference_data
from casework.services.queues import encode_cursor
from bench.keepalive import Client
from casework.models.engine import NO_DUE, WorkItem

CLIENTS = 16
PASSWORD = "bench-password"
ROLES = ("clerk", "inspector", "legal_reviewer", "bureau_head", "unit")
PROCESSES = ("rectification", "filing", "acceptance", "inspection")


def load(url: str, instances: int, open_items: int, data_dir: Path) -> dict:
    container = bootstrap(database_url=url, data_dir=data_dir)
    upgrade(container.engine)
    seed_reference_data(container, progress=lambda _m: None)
    with container.uow() as uow:
        jurisdictions = list(uow.session.execute(select(Jurisdiction.id)).scalars())
        version = uow.session.execute(select(ModelVersion.id).where(ModelVersion.key == "rectification")).scalar_one()
        uow.session.add(User(username="bench", display_name="压测办事员", roles=["clerk"],
                             password_hash=hash_password(PASSWORD), created_at=clock.now()))
        uow.commit()
    now = clock.now().replace(microsecond=0)
    rng = random.Random(7)
    raw = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(raw) as conn:
        with conn.cursor().copy(
                "COPY engine_instance (id, model_version_id, key, revision, status, state, data, case_ref,"
                " unit_id, jurisdiction_id, created_at, updated_at) FROM STDIN") as copy:
            for i in range(1, instances + 1):
                running = i % (instances // open_items) == 0
                data = json.dumps({"article": "第十六条第一款", "source": "taiyuan"}, ensure_ascii=False)
                copy.write_row((i, version, PROCESSES[i % 4], 1, "running" if running else "completed", "",
                                data, f"B-{i:07d}", i % 5000 + 1, jurisdictions[i % len(jurisdictions)],
                                now, now))
        with conn.cursor().copy(
                "COPY engine_work_item (id, instance_id, task_id, task_spec, key, title, role, form_key,"
                " unit_id, jurisdiction_id, case_ref, assignee, created_at, due_at, sort_at) FROM STDIN") as copy:
            step = instances // open_items
            for n, i in enumerate(range(step, instances + 1, step), start=1):
                due = None if n % 10 == 0 else now + timedelta(hours=rng.randint(-24 * 60, 24 * 60))
                copy.write_row((n, i, f"t{n}", "draft_order", PROCESSES[i % 4], "拟制责令限期改正通知",
                                ROLES[n % len(ROLES)], "rectification_draft", i % 5000 + 1,
                                jurisdictions[i % len(jurisdictions)], f"B-{i:07d}",
                                None if n % 3 else "someone", now, due, due or NO_DUE))
        conn.execute("SELECT setval('engine_instance_id_seq', %s)", (instances,))
        conn.execute("SELECT setval('engine_work_item_id_seq', %s)", (open_items,))
        conn.commit()
    # Settle the bulk load before measuring: VACUUM sets the visibility map and statistics that
    # autovacuum would otherwise work out during the run, and CHECKPOINT writes the loaded pages
    # now rather than in the middle of it (both measured here as a halved throughput of even the
    # minimal endpoint, which touches no table).
    with psycopg.connect(raw, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) engine_instance, engine_work_item")
        conn.execute("ANALYZE")
        try:
            conn.execute("CHECKPOINT")
        except psycopg.errors.InsufficientPrivilege:
            pass  # not a superuser: the server's own checkpoint comes when it comes
    with container.uow() as uow:  # the deep page starts after the 90th percentile of the filter
        rows = uow.session.execute(
            select(WorkItem).where(WorkItem.role == "clerk", WorkItem.key == "rectification",
                                   WorkItem.assignee.is_(None)).order_by(WorkItem.sort_at, WorkItem.id)).scalars().all()
        deep = encode_cursor(rows[int(len(rows) * 0.9)])
    container.dispose()
    return {"deep": deep, "filtered": len(rows)}


def start_server(url: str, data_dir: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """`casework web serve` as users run it (2 gthread workers x 3 threads, its gunicorn
    hooks); the process is gunicorn's master, its children the workers."""
    with socket.socket() as probe:  # a free port (another process could take it meanwhile: a bench)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "CASEWORK_DATABASE_URL": url, "CASEWORK_DATA_DIR": str(data_dir)}
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "casework", "web", "serve", "--port", str(port)],
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"casework web serve ended: {log.read_text()[-2000:]}")
        try:
            if Client(base, timeout=5).get("/healthz")[0] == 200:
                return proc, base
        except OSError:
            time.sleep(0.2)
    raise SystemExit("casework web serve did not answer within 120 s")


def signed_in_client(base: str) -> Client:
    client = Client(base)
    page = client.get("/sign-in")[2].decode()
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    status = client.post("/sign-in", {"username": "bench", "password": PASSWORD, "csrf_token": token})[0]
    if status != 302:
        raise SystemExit(f"bench sign-in failed: {status}")
    return client


def run(clients: list[Client], paths: list[str], seconds: float) -> tuple[list[float], int]:
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def work(client: Client, offset: int):
        nonlocal errors
        n = offset
        while time.monotonic() < stop:
            path = paths[n % len(paths)]
            n += 1
            t0 = time.perf_counter()
            try:
                ok = client.get(path)[0] == 200
            except OSError:  # keepalive.HTTPError included
                ok = False
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                times.append(elapsed)
                errors += not ok

    threads = [threading.Thread(target=work, args=(c, i)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors


def server_cpu_s(master: int) -> float:
    """User + system CPU seconds of gunicorn's workers so far (robust on a busy box)."""
    total = 0.0
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return float("nan")
    for pid in children:
        try:
            total += _cpu_of(pid)
        except OSError:
            continue
    return total


def _cpu_of(pid: str | int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def db_cpu_s(server: str, database: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving `database` (a server on this machine)."""
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        pids = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,))]
    out = {}
    for pid in pids:
        try:
            out[pid] = _cpu_of(pid)
        except OSError:  # not on this machine, or gone
            continue
    return out


def _db_delta(before: dict[int, float], after: dict[int, float]) -> float:
    if not after:
        return float("nan")
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--postgres", default=os.environ.get("CASEWORK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432"))
    args = parser.parse_args()
    instances, open_items, seconds = (20_000, 2_000, 5.0) if args.quick else (1_000_000, 100_000, 60.0)
    name = f"casework_bench_web_{os.getpid()}"
    if pg.main(["create", args.postgres, name]) != 0:
        raise SystemExit(f"PostgreSQL at {args.postgres} is not reachable")
    url = f"{args.postgres}/{name}"
    proc = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            loaded = load(url, instances, open_items, Path(tmp))
            print(f"load_s: {time.perf_counter() - t0:.1f} s  ({instances} instances, {open_items} open work items,"
                  f" {loaded['filtered']} match the filter)")
            proc, base = start_server(url, Path(tmp), Path(tmp) / "serve.log")
            clients = [signed_in_client(base) for _ in range(CLIENTS)]
            query = "/tasks?view=group&process=rectification&status=unclaimed"
            queue_paths = [query, f"{query}&after={loaded['deep']}"]
            run(clients, queue_paths + ["/healthz"], 1.0)  # warm up both workers
            cpu0, db0, own0 = server_cpu_s(proc.pid), db_cpu_s(args.postgres, name), time.process_time()
            queue, queue_errors = run(clients, queue_paths, seconds)
            cpu1, db1, own1 = server_cpu_s(proc.pid), db_cpu_s(args.postgres, name), time.process_time()
            minimal, minimal_errors = run(clients, ["/healthz"], seconds)
            cpu2, own2 = server_cpu_s(proc.pid), time.process_time()
            cpu = {"queue": (cpu1 - cpu0) / max(1, len(queue)), "minimal": (cpu2 - cpu1) / max(1, len(minimal))}
            client = {"queue": (own1 - own0) / max(1, len(queue)), "minimal": (own2 - own1) / max(1, len(minimal))}
            db_ms = _db_delta(db0, db1) / max(1, len(queue)) * 1000
            print(f"load_average: {os.getloadavg()[0]:.1f} (other work on this machine inflates latencies)")
            for label, times, errors in (("queue", queue, queue_errors), ("minimal", minimal, minimal_errors)):
                print(f"{label}_requests: {len(times)} requests")
                print(f"{label}_server_cpu_ms: {cpu[label] * 1000:.1f} ms per request")
                print(f"{label}_client_cpu_ms: {client[label] * 1000:.2f} ms per request (this load generator)")
                if label == "queue":
                    print(f"queue_db_cpu_ms: {db_ms:.2f} ms per request (PostgreSQL backends)")
                for q in (50, 95, 99):
                    print(f"{label}_p{q}_ms: {pct(times, q):.1f} ms")
                print(f"{label}_errors: {errors} errors")
            print(f"errors: {queue_errors + minimal_errors} errors")
            print(f"queue_vs_minimal_p95: {pct(queue, 95) / pct(minimal, 95):.2f} ratio")
            print(f"queue_vs_minimal_server_cpu: {cpu['queue'] / cpu['minimal']:.2f} ratio")
            for c in clients:
                c.close()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        pg.main(["drop", args.postgres, name])


if __name__ == "__main__":
    main()
