"""A camera chain rewritten or truncated by someone with the database and the code is named
against its keyed checkpoints outside the database (issue 11 §5)."""
from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import delete, update

from casework import audit
from casework.cli import main
from recorder.catalogue import anchoring, chain, verify
from recorder.catalogue.disk import footage_root
from recorder.catalogue.models import ChainHead, Segment
from tests.integration.operators import add_user, sign_in
from tests.recorder_helpers import recorder_guards_lifted, segment_rows

pytest_plugins = ["tests.recorder_fixtures"]


def checkpoints(container, camera_id: int):
    with container.uow() as uow:
        log = audit.anchor_of(uow.session).checkpoints
    return log.entries(anchoring.chain_name(camera_id))


def verdict(container, camera_id: int | None = None) -> list[verify.Verdict]:
    return verify.verify(container.uow(), footage_root(container), camera_id)


def rewrite_from(container, rows: list[Segment], index: int, **changes) -> None:
    """The attacker: change row `index`, recompute every link after it and move the head."""
    prev = rows[index].prev_chain
    with recorder_guards_lifted(container.engine), container.engine.begin() as conn:
        for i, row in enumerate(rows[index:]):
            values = {c.key: getattr(row, c.key) for c in Segment.__table__.columns}
            values.update(changes if i == 0 else {})
            values["prev_chain"] = prev
            values["chain"] = chain.link_for(values, prev)
            conn.execute(update(Segment).where(Segment.id == row.id).values(
                prev_chain=values["prev_chain"], chain=values["chain"],
                **(changes if i == 0 else {})))
            prev = values["chain"]
        conn.execute(update(ChainHead).where(ChainHead.camera_id == rows[0].camera_id)
                     .values(chain=prev))


def test_each_seal_checkpoints_the_camera_head(container, record):
    cam = record("A", seconds=8)
    rows = segment_rows(container, cam)
    marks = {c.count: c.head for c in checkpoints(container, cam)}
    assert marks == {r.seq: r.chain for r in rows}
    [v] = verdict(container, cam)
    assert v.ok and v.checkpoints == len(rows)
    # A clean full verify anchors the head once more (synced).
    assert len(checkpoints(container, cam)) == len(rows) + 1


def test_rewritten_chain_is_named_at_the_first_rewritten_segment(container, record,
                                                                 recorder_cli):
    cam = record("B", seconds=8)
    rows = segment_rows(container, cam)
    # Shorten the retention of segment 2 so it could be swept early; links recomputed.
    rewrite_from(container, rows, 1, retain_until=rows[1].retain_until - timedelta(days=29))
    [v] = verdict(container, cam)
    assert v.first_bad_seq == rows[1].seq and "the chain was rewritten" in v.reason
    out = recorder_cli("verify")
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert f"camera {cam}: BROKEN at segment {rows[1].seq}" in out.output
    assert "differs from the checkpoint of" in out.output


def test_truncated_chain_is_named(container, record, recorder_cli):
    cam = record("C", seconds=8)
    rows = segment_rows(container, cam)
    keep, gone = rows[:2], rows[2:]
    with recorder_guards_lifted(container.engine), container.engine.begin() as conn:
        conn.execute(delete(Segment).where(Segment.id.in_([r.id for r in gone])))
        conn.execute(update(ChainHead).where(ChainHead.camera_id == cam).values(
            sealed_seq=keep[-1].seq, next_seq=keep[-1].seq + 1, chain=keep[-1].chain))
    for r in gone:
        (footage_root(container) / r.path).unlink()
    [v] = verdict(container, cam)
    assert v.first_bad_seq == keep[-1].seq + 1 and v.checked == len(keep)
    assert f"recorded {rows[-1].seq}" in v.reason
    # Verifying only from a time after the last kept segment still names the truncation.
    [v] = verify.verify(container.uow(), footage_root(container), cam, gone[0].start_at)
    assert v.first_bad_seq == keep[-1].seq + 1 and "were removed" in v.reason
    out = recorder_cli("verify", "--camera", str(cam))
    assert out.exit_code == 1
    assert f"camera {cam}: BROKEN at segment {keep[-1].seq + 1}" in out.output
    assert f"segments from {keep[-1].seq + 1} were removed" in out.output


def test_a_camera_wiped_from_the_database_is_still_named(container, record):
    cam = record("D", seconds=4)
    other = record("E", seconds=4)
    with recorder_guards_lifted(container.engine), container.engine.begin() as conn:
        conn.execute(delete(Segment).where(Segment.camera_id == cam))
        conn.execute(delete(ChainHead).where(ChainHead.camera_id == cam))
    verdicts = {v.camera_id: v for v in verdict(container)}
    assert verdicts[other].ok
    assert verdicts[cam].first_bad_seq == 1 and "were removed" in verdicts[cam].reason


def test_daily_export_checkpoints_every_camera_head(container, record, monkeypatch, tmp_path):
    cam = record("F", seconds=4)
    before = len(checkpoints(container, cam))
    monkeypatch.setenv("CASEWORK_DATA_DIR", str(container.settings.data_dir))
    monkeypatch.setenv("CASEWORK_DATABASE_URL",
                       container.engine.url.render_as_string(hide_password=False))
    add_user(container, "auditor.wu", ["auditor"])
    sign_in(container, monkeypatch, tmp_path, "auditor.wu")
    out = CliRunner().invoke(main, ["audit", "export-checkpoints", "--out",
                                    str(tmp_path / "offsite")], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert "other chain heads" in out.output
    after = checkpoints(container, cam)
    assert len(after) == before + 1
    assert after[-1].head == segment_rows(container, cam)[-1].chain
    [copy] = (tmp_path / "offsite").iterdir()
    assert f'"chain":"camera:{cam}"'.encode() in copy.read_bytes()
