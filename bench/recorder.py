"""Recorder benchmark: `python -m bench.recorder [--quick]`.

remux_speed_vs_ffmpeg           our segmenting (PyAV copy + hashing + catalogue) ÷ `ffmpeg -c copy -f segment`
ingest_cpu_s_per_stream_minute  CPU seconds per minute of a real-time RTSP stream (720p)
sweep_select_batch_ms           one sweep batch (500 due rows) on a 10 M-segment catalogue (100 k --quick)
sweep_select_floor_ms           the same SELECT on the bare DB-API cursor (and _vs_floor: the ratio)
sweep_deletes_per_s             mark + unlink + fsync + tombstone, with real files
sweep_unlink_floor_per_s        a bare unlink loop over the same files (and deletes_vs_unlink)
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from casework.storage.files import fsync_dir
from recorder.dev.synthetic import encode_h264

BASE = datetime(2020, 1, 1, tzinfo=timezone.utc)
SEGMENT_S = 60.0  # the production default (DESIGN §7)


def make_clip(path: Path, seconds: int, width: int = 1280, height: int = 720, fps: int = 25) -> Path:
    """Noisy synthetic 720p H.264 (~4 Mbit/s) so packets are camera-sized."""
    rng = np.random.default_rng(1)
    yy, xx = np.mgrid[0:height, 0:width]
    base = np.stack([(xx * 255 // width), (yy * 255 // height), ((xx // 40 + yy // 40) % 2) * 200],
                    axis=-1).astype(np.int16)
    noise = [rng.integers(-12, 12, (height, width, 3), dtype=np.int16) for _ in range(7)]

    def frames():
        for i in range(seconds * fps):
            img = np.clip(base + noise[i % 7], 0, 255).astype(np.uint8)
            img[200:300, (i * 9) % (width - 100):(i * 9) % (width - 100) + 100] = 250
            yield img

    return encode_h264(path, frames(), fps, gop=fps * 2, options={
        "tune": None, "b": "4M", "maxrate": "4M", "bufsize": "8M"})


def container_for(tmp: Path, url: str | None = None):
    from casework.bootstrap import bootstrap
    from casework.models.base import Base
    from casework.install.schema import load_all_models

    load_all_models()
    c = bootstrap(database_url=url or f"sqlite:///{tmp / 'bench.db'}", data_dir=tmp / "data")
    Base.metadata.create_all(c.engine)
    return c


def camera(c, n: int = 1) -> list[int]:
    from recorder.dev.cameras import make_camera

    with c.uow() as uow:
        ids = [make_camera(uow.session, f"bench-{i}", jurisdiction_code="national") for i in range(n)]
        uow.commit()
    return ids


def bench_remux(tmp: Path, clip: Path, repeats: int) -> float:
    from recorder.dev.cameras import record_file

    ours, theirs, synced = [], [], []
    for r in range(repeats):
        c = container_for(tmp / f"remux{r}")
        [cam] = camera(c)
        t = time.perf_counter()
        record_file(c, cam, str(clip), segment_seconds=SEGMENT_S)
        ours.append(time.perf_counter() - t)
        c.dispose()
        out = tmp / f"ff{r}"
        out.mkdir()
        t = time.perf_counter()
        subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", str(clip), "-c", "copy",
                        "-f", "segment", "-segment_time", str(int(SEGMENT_S)), "-segment_format", "mpegts",
                        str(out / "s%05d.ts")], check=True)
        theirs.append(time.perf_counter() - t)
        for f in sorted(out.iterdir()):  # what our segments get before their rows seal
            fd = os.open(f, os.O_RDONLY)
            os.fdatasync(fd)
            os.close(fd)
        fsync_dir(out)
        synced.append(time.perf_counter() - t)
    # speed = their time / our time
    return min(theirs) / min(ours), min(ours), min(theirs), min(synced) / min(ours)


def bench_ingest(tmp: Path, clip: Path, seconds: float) -> float:
    from recorder.capture.ingest import CameraRecorder
    from recorder.catalogue.disk import footage_root
    from recorder.dev.cameras import Pusher, free_port, listen_url

    c = container_for(tmp / "ingest")
    [cam] = camera(c)
    port = free_port()
    rec = CameraRecorder(cam, listen_url(port), footage_root(c), c.uow, threading.Event(),
                         segment_seconds=10.0)
    rec.start()
    pusher = Pusher(clip, port).start()
    deadline = time.monotonic() + 60
    while rec.status != "recording":  # a condition, not a guess: the stream is being recorded
        if time.monotonic() > deadline:
            raise SystemExit("bench: the RTSP stream never started recording")
        time.sleep(0.05)
    cpu0, t0 = time.process_time(), time.perf_counter()
    time.sleep(seconds)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - t0
    rec.stop.set()
    pusher.stop()
    rec.join(timeout=15)
    return cpu / (wall / 60.0)


def fill_catalogue(c, cameras: int, rows: int) -> None:
    """Bulk-insert `rows` sealed segments (60 s each) for `cameras` cameras in SQL."""
    per = rows // cameras
    with c.engine.begin() as conn:
        if c.engine.dialect.name == "sqlite":
            conn.exec_driver_sql(f"""
            WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < {rows - 1})
            INSERT INTO recorder_segment (camera_id, seq, start_at, end_at, path, bytes, sha256,
              prev_chain, chain, state, truncated, retain_until, retention_source, created_at)
            SELECT (x % {cameras}) + 1, x / {cameras} + 1,
              strftime('%Y-%m-%d %H:%M:%S.000000', '2020-01-01', '+' || (x / {cameras} * 60) || ' seconds'),
              strftime('%Y-%m-%d %H:%M:%S.000000', '2020-01-01', '+' || (x / {cameras} * 60 + 60) || ' seconds'),
              printf('%d/2020/01/01/00/x_%d.ts', x % {cameras} + 1, x / {cameras} + 1), 30000000,
              printf('%064x', x), printf('%064x', x + 1), printf('%064x', x + 2), 'sealed', 0,
              strftime('%Y-%m-%d %H:%M:%S.000000', '2020-01-31', '+' || (x / {cameras} * 60) || ' seconds'),
              'bench', '2020-01-01 00:00:00.000000'
            FROM n""")
        else:
            conn.exec_driver_sql(f"""
            INSERT INTO recorder_segment (camera_id, seq, start_at, end_at, path, bytes, sha256,
              prev_chain, chain, state, truncated, retain_until, retention_source, created_at)
            SELECT (x % {cameras}) + 1, x / {cameras} + 1,
              timestamptz '2020-01-01Z' + make_interval(secs => x / {cameras} * 60),
              timestamptz '2020-01-01Z' + make_interval(secs => x / {cameras} * 60 + 60),
              format('%s/2020/01/01/00/x_%s.ts', x % {cameras} + 1, x / {cameras} + 1), 30000000,
              lpad(to_hex(x), 64, '0'), lpad(to_hex(x + 1), 64, '0'), lpad(to_hex(x + 2), 64, '0'),
              'sealed', false,
              timestamptz '2020-01-31Z' + make_interval(secs => x / {cameras} * 60),
              'bench', timestamptz '2020-01-01Z'
            FROM generate_series(0, {rows - 1}) AS x""")
            conn.exec_driver_sql("ANALYZE recorder_segment")
    del per


def bench_select(tmp: Path, rows: int, url: str | None) -> tuple[float, float, float]:
    from casework.clock import UTC
    from recorder.retention.sweeper import active_holds, judge_batch, naive_utc, select_due

    c = container_for(tmp / "select", url)
    cameras = 500
    camera(c, cameras)
    t = time.perf_counter()
    fill_catalogue(c, cameras, rows)
    fill_s = time.perf_counter() - t
    per_camera_minutes = rows // cameras
    now = BASE + timedelta(days=30, minutes=per_camera_minutes // 10)  # ~10 % of rows due
    times, after, cursors = [], None, []
    with c.uow() as uow:  # what the sweep does per batch: select by index, then decide
        holds = active_holds(uow.session)
        for _ in range(60):
            cursors.append(after)
            t = time.perf_counter()
            batch = select_due(uow.session, now, after, 500)
            doomed, _ = judge_batch(batch, holds, now)
            times.append(time.perf_counter() - t)
            assert len(doomed) == 500
            after = (naive_utc(batch[-1][4]).replace(tzinfo=UTC), batch[-1][0])
    floor = select_floor(c, now, cursors)
    c.dispose()
    times.sort()
    return times[len(times) // 2] * 1000, floor * 1000, fill_s


def select_floor(c, now, cursors: list) -> float:
    """Median time of the same SELECT as hand-written SQL on the bare DB-API cursor: no
    SQLAlchemy, no row conversion, no decision (the floor our batch is measured against)."""
    sqlite = c.engine.dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    sql = ("SELECT id, camera_id, start_at, end_at, retain_until, path, bytes, chain, sha256 "
           f"FROM recorder_segment WHERE state IN ('sealed', 'truncated') AND retain_until <= {mark}"
           " {after} ORDER BY retain_until, id LIMIT 500")

    def moment(value):
        value = value.astimezone(timezone.utc)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else value

    times = []
    raw = c.engine.raw_connection()
    try:
        cur = raw.cursor()
        for after in cursors:
            params = [moment(now)]
            text = sql.format(after="")
            if after is not None:
                text = sql.format(after=f"AND (retain_until, id) > ({mark}, {mark})")
                params += [moment(after[0]), after[1]]
            t = time.perf_counter()
            cur.execute(text, params)
            rows = cur.fetchall()
            times.append(time.perf_counter() - t)
            assert len(rows) == 500
        raw.rollback()
    finally:
        raw.close()
    times.sort()
    return times[len(times) // 2]


def bench_deletes(tmp: Path, n: int) -> tuple[float, float]:
    from casework import clock
    from recorder.retention import sweeper
    from recorder.catalogue.disk import footage_root

    c = container_for(tmp / "deletes")
    camera(c, 10)
    fill_catalogue(c, 10, n)
    root = footage_root(c)
    with c.engine.connect() as conn:
        paths = [p for (p,) in conn.exec_driver_sql("SELECT path FROM recorder_segment")]
    blob = b"\x47" * 188 * 50
    for rel in paths:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(blob)
    clock.install(clock.Clock())
    t = time.perf_counter()
    report = sweeper.sweep(c.uow(), root, batch=500)
    elapsed = time.perf_counter() - t
    assert report.deleted == n, report.line()
    return n / elapsed, unlink_floor(tmp / "unlink", paths, blob)


def unlink_floor(folder: Path, paths: list[str], blob: bytes) -> float:
    """Files per second a bare unlink loop removes (the same files, then one fsync per folder)."""
    for rel in paths:
        p = folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(blob)
    t = time.perf_counter()
    dirs = set()
    for rel in paths:
        p = folder / rel
        os.unlink(p)
        dirs.add(p.parent)
    for d in dirs:
        fsync_dir(d)
    return len(paths) / (time.perf_counter() - t)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--database-url", default=None, help="run the catalogue figure on this database")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-recorder-"))
    try:
        clip = make_clip(tmp / "clip.ts", 15 if args.quick else 60)
        loops = 6 if args.quick else 15
        big = tmp / "long.ts"
        subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-stream_loop", str(loops - 1),
                        "-i", str(clip), "-c", "copy", str(big)], check=True)
        ratio, ours, theirs, synced = bench_remux(tmp, big, 2 if args.quick else 3)
        print(f"remux_speed_vs_ffmpeg: {ratio:.2f} x (ours {ours:.2f} s, ffmpeg {theirs:.2f} s, "
              f"{big.stat().st_size >> 20} MiB, {SEGMENT_S:g}-s segments)", flush=True)
        print(f"remux_speed_vs_ffmpeg_synced: {synced:.2f} x (ffmpeg, then fdatasync of each "
              "segment as ours are before sealing)", flush=True)
        cpu = bench_ingest(tmp, clip, 6 if args.quick else 30)
        print(f"ingest_cpu_s_per_stream_minute: {cpu:.2f} s", flush=True)
        rows = 100_000 if args.quick else 10_000_000
        ms, floor_ms, fill_s = bench_select(tmp, rows, args.database_url)
        print(f"sweep_select_batch_ms: {ms:.3f} ms ({rows:,} segments, filled in {fill_s:.0f} s)",
              flush=True)
        print(f"sweep_select_floor_ms: {floor_ms:.3f} ms (the same SELECT on the bare DB-API "
              "cursor, no decision)", flush=True)
        print(f"sweep_select_vs_floor: {ms / floor_ms:.2f} x", flush=True)
        rate, floor_rate = bench_deletes(tmp, 2000 if args.quick else 10000)
        print(f"sweep_deletes_per_s: {rate:.0f} /s (mark + unlink + fsync + tombstone)", flush=True)
        print(f"sweep_unlink_floor_per_s: {floor_rate:.0f} /s (bare unlink loop + fsync per folder)",
              flush=True)
        print(f"sweep_deletes_vs_unlink: {rate / floor_rate:.2f} x", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
