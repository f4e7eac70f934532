"""`casework recorder ...` end to end on the test database, and the demo cameras."""
from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from casework import clock as clock_module
from casework.cli import main
from recorder import demo
from recorder.catalogue.disk import footage_root
from recorder.catalogue.models import Segment
from recorder.dev.synthetic import Scene
from tests.recorder_helpers import record_clip, segment_rows, wait_for

pytest_plugins = ["tests.recorder_fixtures"]


def test_cli_verify_hold_sweep_check(container, recorder_cli, tmp_path, clock):
    cam = record_clip(container, tmp_path, "cli", 8, Scene(black=(2.0, 6.0)))
    t0 = clock_module.to_local(clock.now())
    out = recorder_cli("verify", "--camera", str(cam))
    assert out.exit_code == 0 and "OK, 4 segments" in out.output
    out = recorder_cli("hold", "place", "--camera", str(cam), "--from", t0.isoformat(),
              "--to", (t0 + timedelta(seconds=3)).isoformat(),
              "--reason", "取证", "--case", "C-1")
    assert "hold 1 placed" in out.output
    assert "C-1" in recorder_cli("hold", "list").output
    # Footage leaves only through an approved access request (the footage_access process).
    assert recorder_cli("export", "--camera", str(cam)).exit_code == 2
    out = recorder_cli("check")
    assert "black" in out.output
    clock.advance(days=31)  # the in-process CLI uses the installed (travelling) clock
    out = recorder_cli("sweep", "--dry-run")
    assert "would delete 2" in out.output and "held 2" in out.output
    out = recorder_cli("sweep")
    assert "deleted 2" in out.output
    assert recorder_cli("verify").exit_code == 0


@pytest.mark.slow
def test_demo_cameras_record(container, real_clock):
    assert demo.seed(container, print) == "recorder: 3 demo camera(s)"
    assert demo.seed(container, print) == "recorder: 0 demo camera(s)"  # idempotent
    rec = demo.start(container, print)
    root = footage_root(container)

    def recording(cam: int) -> bool:
        rows = segment_rows(container, cam)
        return bool(rows) and (root / rows[-1].path).exists() and (root / rows[-1].path).stat().st_size > 0

    try:
        wait_for(lambda: len(rec.threads) == 3 and all(recording(c) for c in rec.threads),
                 "three demo cameras writing footage")
    finally:
        rec.shutdown()
    with container.uow() as uow:
        cams = set(uow.session.execute(select(Segment.camera_id).where(
            Segment.state == "sealed")).scalars())
    assert len(cams) == 3


def test_user_mistakes_give_one_line_not_a_traceback(container, recorder_cli, tmp_path):
    out = CliRunner().invoke(main, ["recorder", "verify", "--since", "yesterday"])
    assert out.exit_code == 1 and "not an ISO time" in out.output and "Traceback" not in out.output
    bad = tmp_path / "manifest.json"
    for body in ("not json", '{"clip": {"file": "../../etc/passwd", "sha256": "", "bytes": 0},'
                 ' "segments": []}', "[]"):
        bad.write_text(body)
        out = recorder_cli("verify-export", "--offline", str(bad))
        assert out.exit_code == 1 and out.output.startswith("FAIL: "), out.output
        assert len(out.output.strip().splitlines()) == 1
