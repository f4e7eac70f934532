"""SIGKILL during the retention sweep loses nothing in retention and leaves a verifiable chain."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest

from casework import clock as clock_module
from recorder.retention import holds
from recorder.catalogue import verify
from recorder.constants import DELETED, DELETING, LIVE_STATES
from recorder.catalogue.disk import footage_root, sha256_file
from tests.recorder_helpers import disk_files, record_clip, segment_rows as all_rows

# The sweep reports each batch on stdout and waits for a line on stdin, so the test kills
# it at a point it chose (after the Nth deletion), never on a wall-clock guess.
SWEEP = ("import sys\n"
         "from casework.bootstrap import bootstrap\n"
         "from recorder.retention import sweeper\n"
         "from recorder.catalogue.disk import footage_root\n"
         "def report(r):\n"
         "    print('deleted', r.deleted, flush=True)\n"
         "    sys.stdin.readline()\n"
         "c = bootstrap()\n"
         "print(sweeper.sweep(c.uow(), footage_root(c), batch=1, progress=report).line())\n")


def sweep_until(env, deletions: int) -> subprocess.Popen:
    """Start a sweep and let it run until it reports `deletions` deletions; it then waits."""
    proc = subprocess.Popen([sys.executable, "-c", SWEEP], env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while True:
        line = proc.stdout.readline()
        assert line.startswith("deleted "), (line, proc.stderr.read() if not line else "")
        if int(line.split()[1]) >= deletions:
            return proc
        proc.stdin.write("\n")
        proc.stdin.flush()


@pytest.mark.slow
def test_kill_during_sweep(container, tmp_path, database_url, clock):
    a = record_clip(container, tmp_path, "A", seconds=20, segment_seconds=1.0)
    b = record_clip(container, tmp_path, "B", seconds=20, segment_seconds=1.0,
                    retention_days=3650)  # in retention by any clock
    root = footage_root(container)
    first = all_rows(container)[0].start_at
    holds.place_hold(container.uow(), a, first + timedelta(seconds=5), first + timedelta(seconds=9),
                     "officer.li", "案件取证", case_ref="CASE-1")
    keep = {r.path: r.sha256 for r in all_rows(container)
            if r.camera_id == b or (r.camera_id == a and 5 <= (r.start_at - first).total_seconds() < 9)}
    assert len(keep) == 24
    env = dict(os.environ, CASEWORK_DATABASE_URL=database_url,
               CASEWORK_DATA_DIR=str(container.settings.data_dir))
    seen = []
    for round_ in range(5):
        proc = sweep_until(env, deletions=1 + round_ % 2)
        if round_ % 2:  # let it go on, and kill it wherever it is (mark, unlink or tombstone)
            proc.stdin.write("\n")
            proc.stdin.flush()
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            pipe.close()
        for r in all_rows(container):  # after every kill: nothing in retention is touched
            if r.path in keep:
                assert r.state in LIVE_STATES and sha256_file(root / r.path)[0] == keep[r.path]
            if r.state == DELETED:
                assert not (root / r.path).exists()
        live = {r.path for r in all_rows(container) if r.state != DELETED}
        assert disk_files(root) <= live
        seen.append(sum(r.state in (DELETED, DELETING) for r in all_rows(container)))
    assert seen[0] == 1 and all(0 < n < 16 for n in seen), seen  # every kill landed mid-sweep
    assert seen == sorted(seen)
    out = subprocess.run([sys.executable, "-c", SWEEP], env=env, capture_output=True, text=True,
                         input="\n" * 40, check=True)
    assert "held 4" in out.stdout
    rows = all_rows(container)
    assert not [r for r in rows if r.state == DELETING]
    assert disk_files(root) == {r.path for r in rows if r.state in LIVE_STATES} == set(keep)
    clock.travel_to(clock_module.Clock().now())  # the sweeps ran on the real clock
    verdicts = verify.verify(container.uow(), root)
    assert all(v.ok and v.checked == 20 for v in verdicts), [v.reason for v in verdicts]
