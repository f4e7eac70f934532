"""SIGKILL the recorder process ten times while it records RTSP: ≤1 s lost per kill, catalogue = disk."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from casework import clock as clock_module
from recorder.catalogue import verify
from recorder.constants import TRUNCATED, WRITING
from recorder.catalogue.disk import footage_root, sha256_file
from recorder.dev.synthetic import Scene, make_h264
from recorder.dev.cameras import Pusher, free_port, listen_url, make_camera
from tests.recorder_helpers import segment_rows as rows, wait_for

RUN = "from casework.cli import main; main()"


@pytest.mark.slow
def test_sigkill_ten_times_loses_at_most_a_second_each(container, tmp_path, database_url):
    src = make_h264(tmp_path / "cam.ts", 10, Scene(fps=25, gop=25))
    port = free_port()
    with container.uow() as uow:
        make_camera(uow.session, "RTSP", listen_url(port))
        uow.commit()
    root = footage_root(container)
    env = dict(os.environ, CASEWORK_DATABASE_URL=database_url,
               CASEWORK_DATA_DIR=str(container.settings.data_dir))
    cmd = [sys.executable, "-c", RUN, "recorder", "run", "--segment-seconds", "2",
           "--check-every", "3600"]
    real = clock_module.Clock()
    rng = random.Random(10)
    pusher = Pusher(src, port).start()
    kills, losses = [], []
    try:
        for _ in range(10):
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if kills:  # recovery sealed the killed segment with what its file holds
                wait_for(lambda: rows(container)[-1].state == WRITING
                         and rows(container)[-2].state == TRUNCATED)
                killed = [r for r in rows(container) if r.state == TRUNCATED][-1]
                losses.append((kills[-1] - killed.end_at).total_seconds())
            n = len(rows(container))
            wait_for(lambda: len(rows(container)) >= n + 1 and rows(container)[-1].state == WRITING)
            time.sleep(rng.uniform(1.0, 3.0))
            kills.append(real.now())
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: [r for r in rows(container) if r.state == TRUNCATED].__len__() == 10)
        killed = [r for r in rows(container) if r.state == TRUNCATED][-1]
        losses.append((kills[-1] - killed.end_at).total_seconds())
        time.sleep(1.0)
        proc.send_signal(signal.SIGTERM)  # a clean stop seals the open segment
        assert proc.wait(timeout=20) == 0
    finally:
        pusher.stop()
        if proc.poll() is None:
            proc.kill()
    print("seconds lost per kill:", [round(x, 2) for x in losses])
    assert len(losses) == 10 and max(losses) <= 1.0
    catalogue = rows(container)
    assert WRITING not in {r.state for r in catalogue}
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*.ts")}
    assert on_disk == {r.path for r in catalogue}
    for r in catalogue:
        assert sha256_file(root / r.path) == (r.sha256, r.bytes)
    assert all(v.ok and v.checked == len(catalogue) for v in verify.verify(container.uow(), root))
