"""`casework recorder ...` end to end on the test database, and the demo cameras."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from casework import clock as clock_module
from casework.cli import main
from recorder import demo
from recorder.models import Segment
from recorder.synthetic import Scene, make_h264
from recorder.testing import make_camera, record_file


@pytest.fixture
def cli(container, database_url, monkeypatch):
    monkeypatch.setenv("CASEWORK_DATABASE_URL", database_url)
    monkeypatch.setenv("CASEWORK_DATA_DIR", str(container.settings.data_dir))
    runner = CliRunner()
    return lambda *args: runner.invoke(main, ["recorder", *args], catch_exceptions=False)


def test_cli_verify_hold_sweep_export_check(container, cli, tmp_path, clock):
    clip = make_h264(tmp_path / "c.ts", 8, Scene(black=(2.0, 6.0)))
    with container.uow() as uow:
        cam = make_camera(uow.session, "cli")
        uow.commit()
    record_file(container, cam, str(clip), segment_seconds=2.0)
    t0 = clock_module.to_local(clock.now())
    out = cli("verify", "--camera", str(cam))
    assert out.exit_code == 0 and "OK, 4 segments" in out.output
    out = cli("hold", "place", "--camera", str(cam), "--from", t0.isoformat(),
              "--to", (t0 + timedelta(seconds=3)).isoformat(), "--by", "officer.li",
              "--reason", "取证", "--case", "C-1")
    assert "hold 1 placed" in out.output
    assert "C-1" in cli("hold", "list").output
    out = cli("export", "--camera", str(cam), "--from", t0.strftime("%Y-%m-%dT%H:%M:%S"),
              "--to", (t0 + timedelta(seconds=4)).strftime("%Y-%m-%dT%H:%M:%S"),
              "--request", "AR-1", "--requested-by", "officer.li", "--approved-by", "head.zhao",
              "--purpose", "取证", "--destination", "案件室")
    assert out.exit_code == 0, out.output
    manifest = out.output.split("manifest: ")[1].strip()
    out = cli("verify-export", manifest)
    assert out.exit_code == 0 and "OK" in out.output
    out = cli("check")
    assert "black" in out.output
    clock.advance(days=31)  # the in-process CLI uses the installed (travelling) clock
    out = cli("sweep", "--dry-run")
    assert "would delete 2" in out.output and "held 2" in out.output
    out = cli("sweep")
    assert "deleted 2" in out.output
    assert cli("verify").exit_code == 0


@pytest.mark.slow
def test_demo_cameras_record(container, clock):
    previous = clock_module.install(clock_module.Clock())
    try:
        assert demo.seed(container, print) == "recorder: 3 demo camera(s)"
        assert demo.seed(container, print) == "recorder: 0 demo camera(s)"  # idempotent
        rec = demo.start(container, print, block=False)
        time.sleep(4)
        rec.shutdown()
    finally:
        clock_module.install(previous)
    with container.uow() as uow:
        cams = set(uow.session.execute(select(Segment.camera_id).where(
            Segment.state == "sealed")).scalars())
    assert len(cams) == 3


def test_user_mistakes_give_one_line_not_a_traceback(container, cli, tmp_path):
    out = CliRunner().invoke(main, ["recorder", "verify", "--since", "yesterday"])
    assert out.exit_code == 1 and "not an ISO time" in out.output and "Traceback" not in out.output
    bad = tmp_path / "manifest.json"
    for body in ("not json", '{"clip": {"file": "../../etc/passwd", "sha256": "", "bytes": 0},'
                 ' "segments": []}', "[]"):
        bad.write_text(body)
        out = cli("verify-export", "--offline", str(bad))
        assert out.exit_code == 1 and out.output.startswith("FAIL: "), out.output
        assert len(out.output.strip().splitlines()) == 1
