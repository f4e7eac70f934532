"""SIGKILL the recorder process ten times while it records RTSP: what reached the disk is kept,
the killed segment is sealed as truncated, catalogue = disk. (How much a kill can lose — at most
FLUSH_S of video — is checked without timing in test_recorder_segments.)"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys

import pytest

from casework.cli.operator import SYSTEM_ACCOUNT_ENV, SYSTEM_ROLE
from recorder.catalogue import verify
from recorder.catalogue.disk import footage_root, sha256_file
from recorder.constants import TRUNCATED, WRITING
from recorder.dev.cameras import Pusher, free_port, listen_url
from recorder.dev.synthetic import Scene
from tests.integration.operators import add_user
from tests.recorder_helpers import WAIT_S, new_camera, segment_rows as rows, synthetic_clip, wait_for

RUN = "from casework.cli import main; main()"
SEGMENT_S = 2


@pytest.mark.slow
def test_sigkill_ten_times_keeps_what_reached_the_disk(container, tmp_path, database_url):
    src = synthetic_clip(tmp_path, 10, Scene(fps=25, gop=25))
    segment_bytes = src.stat().st_size * SEGMENT_S // 10
    port = free_port()
    new_camera(container, "RTSP", url=listen_url(port))
    root = footage_root(container)
    add_user(container, "system.jobs", [SYSTEM_ROLE], system=True)  # `recorder run` is a job
    env = dict(os.environ, CASEWORK_DATABASE_URL=database_url,
               CASEWORK_DATA_DIR=str(container.settings.data_dir),
               **{SYSTEM_ACCOUNT_ENV: "system.jobs"})
    cmd = [sys.executable, "-c", RUN, "recorder", "run", "--segment-seconds", str(SEGMENT_S),
           "--check-every", "3600"]
    rng = random.Random(10)

    def writing_size() -> int:
        last = rows(container)[-1]
        path = root / last.path
        return path.stat().st_size if last.state == WRITING and path.exists() else -1

    pusher = Pusher(src, port).start()
    kept: list[tuple[str, int]] = []  # (path, bytes on disk when the process was stopped)
    proc = None
    try:
        for _ in range(10):
            log = tmp_path / "recorder.log"
            with open(log, "wb") as err:
                proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
            n = len(rows(container))
            wait_for(lambda: proc.poll() is not None
                     or (len(rows(container)) >= n + 1 and rows(container)[-1].state == WRITING),
                     "a new writing segment")
            assert proc.poll() is None, log.read_text(errors="replace")[-2000:]
            # Kill somewhere inside the segment: once its file holds a random share of it.
            target = int(segment_bytes * rng.uniform(0.1, 0.6))
            wait_for(lambda: writing_size() >= target, "footage in the writing segment")
            proc.send_signal(signal.SIGSTOP)  # freeze it: what is on disk now is all it wrote
            last = rows(container)[-1]
            kept.append((last.path, (root / last.path).stat().st_size))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: {r.path for r in rows(container) if r.state == TRUNCATED}
                 >= {p for p, _ in kept}, "recovery sealing every killed segment")
        n = len(rows(container))
        wait_for(lambda: len(rows(container)) > n or writing_size() > 0, "footage after the kills")
        proc.send_signal(signal.SIGTERM)  # a clean stop seals the open segment
        assert proc.wait(timeout=WAIT_S) == 0
    finally:
        pusher.stop()
        if proc is not None and proc.poll() is None:
            proc.kill()
    catalogue = rows(container)
    by_path = {r.path: r for r in catalogue}
    for path, size in kept:  # recovery sealed exactly what the killed process had written
        assert by_path[path].state == TRUNCATED and by_path[path].bytes == size > 0
    assert WRITING not in {r.state for r in catalogue}
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*.ts")}
    assert on_disk == set(by_path)
    for r in catalogue:
        assert sha256_file(root / r.path) == (r.sha256, r.bytes)
    assert all(v.ok and v.checked == len(catalogue) for v in verify.verify(container.uow(), root))
