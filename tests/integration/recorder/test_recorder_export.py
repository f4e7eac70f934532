"""Export of [t0, t1] for an approved access request: clip, manifest, verifier, register."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import av
import pytest
from sqlalchemy import select

from casework.errors import RuleViolation
from casework.models import AuditEvent
from recorder.catalogue.disk import footage_root
from recorder.catalogue.models import Export
from recorder.export.clip import export_clip, verify_export
from tests.recorder_helpers import record_clip

@pytest.fixture
def recorded(container, tmp_path, clock):
    return record_clip(container, tmp_path, "收银台", seconds=12), clock.now()


def do_export(container, cam, t0, t1, **kw):
    args = dict(access_request_ref="AR-2026-7", requested_by="officer.li", approved_by="head.zhao",
                purpose="治安案件取证", destination="派出所案件室")
    args.update(kw)
    return export_clip(container.uow(), container.files, footage_root(container), cam,
                              t0, t1, **args)


def test_export_verifies_and_is_registered(container, recorded):
    cam, start = recorded
    out = do_export(container, cam, start + timedelta(seconds=3.5), start + timedelta(seconds=7.2))
    manifest = json.loads(Path(out["manifest"]).read_text())
    assert [s["seq"] for s in manifest["segments"] if s["in_clip"]] == [2, 3, 4]
    assert manifest["chain_head"]["seq"] == 6
    with av.open(out["clip"]) as box:  # starts on the keyframe at 3 s, ends before 7.2 s
        frames = list(box.decode(video=0))
        assert frames[0].key_frame
        assert 40 <= len(frames) <= 43
    assert verify_export(Path(out["manifest"]), container.uow()) == []
    with container.uow() as uow:
        row = uow.session.execute(select(Export)).scalar_one()
        assert (row.approved_by, row.destination) == ("head.zhao", "派出所案件室")
        ev = uow.session.execute(select(AuditEvent).where(AuditEvent.action == "recorder.export")).scalar_one()
        assert ev.data["why"] == "治安案件取证" and ev.data["segments"] == [2, 3, 4]
    # Tampering with the clip or the manifest is caught.
    clip = Path(out["clip"])
    data = bytearray(clip.read_bytes())
    data[-100] ^= 0xFF
    clip.write_bytes(bytes(data))
    assert "SHA-256" in verify_export(Path(out["manifest"]))[0]
    data[-100] ^= 0xFF
    clip.write_bytes(bytes(data))
    manifest["segments"][1]["sha256"] = "0" * 64
    Path(out["manifest"]).write_text(json.dumps(manifest))
    problems = verify_export(Path(out["manifest"]), container.uow())
    assert any("breaks the chain" in p for p in problems)
    assert any("access register" in p for p in problems)


def test_export_needs_a_second_officer_and_sound_segments(container, recorded):
    cam, start = recorded
    with pytest.raises(RuleViolation):
        do_export(container, cam, start, start + timedelta(seconds=2), approved_by="officer.li")
    seg = sorted((footage_root(container) / str(cam)).rglob("*_1.ts"))[0]
    seg.write_bytes(seg.read_bytes()[:-188])
    with pytest.raises(RuleViolation, match="segment 1"):
        do_export(container, cam, start, start + timedelta(seconds=2))
