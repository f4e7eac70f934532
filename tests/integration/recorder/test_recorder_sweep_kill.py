"""SIGKILL during the retention sweep loses nothing in retention and leaves a verifiable chain."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from recorder import holds, verify
from recorder.constants import DELETED, DELETING, LIVE_STATES
from recorder.models import Segment
from recorder.store import footage_root, sha256_file
from recorder.synthetic import Scene, make_h264
from recorder.testing import make_camera, record_file

SWEEP = ("from casework.bootstrap import bootstrap\n"
         "from recorder import retention\n"
         "from recorder.store import footage_root\n"
         "c = bootstrap()\n"
         "print(retention.sweep(c.uow(), footage_root(c), batch=1, throttle_s=0.08).line())\n")


def all_rows(container):
    with container.uow() as uow:
        out = uow.session.execute(select(Segment).order_by(Segment.camera_id, Segment.seq)).scalars().all()
        uow.session.expunge_all()
        return out


def disk_files(root):
    return {p.relative_to(root).as_posix() for p in root.rglob("*.ts")}


@pytest.mark.slow
def test_kill_during_sweep(container, tmp_path, database_url):
    clip = make_h264(tmp_path / "clip.ts", 20, Scene())
    with container.uow() as uow:
        a = make_camera(uow.session, "A")
        b = make_camera(uow.session, "B", retention_days=3650)  # in retention by any clock
        uow.commit()
    for cam in (a, b):
        record_file(container, cam, str(clip), segment_seconds=1.0)
    root = footage_root(container)
    first = all_rows(container)[0].start_at
    holds.place_hold(container.uow(), a, first + timedelta(seconds=5), first + timedelta(seconds=9),
                     "officer.li", "案件取证", case_ref="CASE-1")
    keep = {r.path: r.sha256 for r in all_rows(container)
            if r.camera_id == b or (r.camera_id == a and 5 <= (r.start_at - first).total_seconds() < 9)}
    assert len(keep) == 24
    env = dict(os.environ, CASEWORK_DATABASE_URL=database_url,
               CASEWORK_DATA_DIR=str(container.settings.data_dir))
    rng = random.Random(6)
    seen = []
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, "-c", SWEEP], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.4, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for r in all_rows(container):  # after every kill: nothing in retention is touched
            if r.path in keep:
                assert r.state in LIVE_STATES and sha256_file(root / r.path)[0] == keep[r.path]
            if r.state == DELETED:
                assert not (root / r.path).exists()
        live = {r.path for r in all_rows(container) if r.state != DELETED}
        assert disk_files(root) <= live
        seen.append(sum(r.state in (DELETED, DELETING) for r in all_rows(container)))
    assert any(0 < n < 16 for n in seen), seen  # at least one kill landed mid-sweep
    out = subprocess.run([sys.executable, "-c", SWEEP], env=env, capture_output=True, text=True,
                         check=True)
    assert "held 4" in out.stdout
    rows = all_rows(container)
    assert not [r for r in rows if r.state == DELETING]
    assert disk_files(root) == {r.path for r in rows if r.state in LIVE_STATES} == set(keep)
    assert all(v.ok and v.checked == 20 for v in verify.verify(container.uow(), root))
