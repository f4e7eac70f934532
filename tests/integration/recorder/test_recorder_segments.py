"""Recording from a file: segments, chain, recovery after a crash, and verify."""
from __future__ import annotations

import os
from datetime import timedelta

import av
import pytest
from sqlalchemy import select

from recorder.capture import recovery
from recorder.catalogue import verify
from recorder.constants import SEALED, TRUNCATED, WRITING
from recorder.catalogue.models import ChainHead, RecorderAlarm
from recorder.capture.segments import FLUSH_S, SegmentWriter
from recorder.catalogue.disk import footage_root, sha256_file
from recorder.dev.synthetic import Scene, make_h264
from recorder.dev.cameras import record_file
from tests.recorder_helpers import new_camera, segment_rows as segments, synthetic_clip


@pytest.fixture
def camera(container):
    return new_camera(container, "门口")


@pytest.fixture
def clip(tmp_path):
    return synthetic_clip(tmp_path, 10)


def test_records_keyframe_aligned_segments_on_a_chain(container, camera, clip, clock):
    rec = record_file(container, camera, str(clip), segment_seconds=2.0)
    rows = segments(container, camera)
    assert rec.segments_sealed == len(rows) == 5
    assert [r.state for r in rows] == [SEALED] * 5
    assert rows[0].start_at == clock.now()
    for a, b in zip(rows, rows[1:]):
        assert a.end_at == b.start_at  # PTS-mapped, contiguous
        assert b.prev_chain == a.chain
    assert rows[-1].end_at - rows[0].start_at == timedelta(seconds=10)
    root = footage_root(container)
    for r in rows:
        path = root / r.path
        assert path.parts[-6:-1] == (str(camera), "2026", "03", "02", "01")
        assert path.name.endswith(f"_{r.seq}.ts")
        assert sha256_file(path) == (r.sha256, r.bytes)
        with av.open(str(path)) as box:  # each segment starts with a keyframe and decodes
            assert next(box.demux(box.streams.video[0])).is_keyframe
        with av.open(str(path)) as box:
            assert len(list(box.decode(video=0))) == 20  # 2 s at 10 fps, all decodable
    assert r.retain_until == r.start_at + timedelta(days=30)
    assert all(v.ok and v.checked == 5 for v in verify.verify(container.uow(), root))


def test_never_starts_mid_gop(container, camera, tmp_path):
    # Cut the clip in the middle of a GOP: the first packets precede any keyframe.
    src = make_h264(tmp_path / "full.ts", 6, Scene())
    cut = tmp_path / "cut.ts"
    with av.open(str(src)) as box, av.open(str(cut), "w", format="mpegts") as out:
        st = out.add_stream_from_template(box.streams.video[0])
        for i, p in enumerate(box.demux(box.streams.video[0])):
            if i >= 5 and p.dts is not None:
                p.stream = st
                out.mux(p)
    record_file(container, camera, str(cut), segment_seconds=2.0)
    rows = segments(container, camera)
    with av.open(str(footage_root(container) / rows[0].path)) as box:
        assert next(box.demux(box.streams.video[0])).is_keyframe


def _last_pts_on_disk(path) -> int | None:
    """The pts of the last whole packet the file holds (what a SIGKILL now would keep)."""
    last = None
    try:
        with av.open(str(path)) as box:
            for p in box.demux(box.streams.video[0]):
                if p.pts is not None and p.size:
                    last = p.pts
    except av.FFmpegError:
        pass  # nothing readable yet
    return last


def test_what_a_kill_loses_is_bounded_by_video_time(container, camera, clip, clock):
    """The writer hands its bytes to the OS at least every FLUSH_S of video, so a SIGKILL
    loses at most that (a property of the stream, checked without any wall-clock timing)."""
    with av.open(str(clip)) as box:
        stream = box.streams.video[0]
        frame_ticks = 1 / (stream.average_rate * stream.time_base)
        writer = SegmentWriter(footage_root(container), camera, container.uow, stream, clock.now())
        worst, written = 0.0, 0
        for packet in box.demux(stream):
            if packet.pts is None:
                continue
            pts = packet.pts
            writer.write(packet)
            written += 1
            on_disk = _last_pts_on_disk(writer.path)
            behind = (pts - (on_disk if on_disk is not None else -frame_ticks)) * stream.time_base
            worst = max(worst, float(behind))
        writer.close()
    assert written == 100
    # FLUSH_S of video pending, plus the frame being muxed and the one the muxer holds back.
    assert worst <= FLUSH_S + 2 * float(frame_ticks * stream.time_base), worst


def test_verify_names_flipped_byte_and_removed_segment(container, camera, clip):
    record_file(container, camera, str(clip), segment_seconds=2.0)
    root = footage_root(container)
    rows = segments(container, camera)
    target = root / rows[2].path
    data = bytearray(target.read_bytes())
    data[1000] ^= 0x01
    target.write_bytes(bytes(data))
    [v] = verify.verify(container.uow(), root, camera)
    assert (v.first_bad_seq, v.checked) == (3, 2) and "SHA-256" in v.reason
    data[1000] ^= 0x01
    target.write_bytes(bytes(data))
    os.unlink(root / rows[3].path)
    [v] = verify.verify(container.uow(), root, camera)
    assert v.first_bad_seq == 4 and "removed" in v.reason
    # --since starts at the first segment at or after the moment
    [v] = verify.verify(container.uow(), root, camera, since=rows[4].start_at)
    assert v.ok and v.checked == 1


def test_verify_catches_catalogue_edits(container, camera, clip):
    record_file(container, camera, str(clip), segment_seconds=2.0)
    root = footage_root(container)
    with container.engine.begin() as conn:  # the chain head shows trailing removal
        conn.exec_driver_sql(
            "UPDATE recorder_chain_head SET sealed_seq = sealed_seq + 1")
    [v] = verify.verify(container.uow(), root, camera)
    assert v.first_bad_seq == 6 and "removed" in v.reason


def test_recovery_seals_writing_rows_and_quarantines_orphans(container, camera, clip, clock):
    root = footage_root(container)
    with av.open(str(clip)) as box:  # a writer that "dies" after 3.5 s of packets
        stream = box.streams.video[0]
        w = SegmentWriter(root, camera, container.uow, stream, clock.now())
        for p in box.demux(stream):
            if p.dts is None:
                continue
            if p.pts * stream.time_base >= 3.5:
                break
            w.write(p, clock.now())
        w._file.close(sync=False)  # no trailer, no seal: as after SIGKILL
    orphan = root / str(camera) / "2026/03/02/01/20260302T010000000Z_99.ts"
    orphan.write_bytes(b"\x47" * 188)
    assert [r.state for r in segments(container, camera)] == [WRITING]
    report = recovery.recover(container.uow(), root)
    [row] = segments(container, camera)
    assert row.state == TRUNCATED and row.truncated
    assert abs((row.end_at - row.start_at).total_seconds() - 3.5) < 0.15
    assert sha256_file(root / row.path) == (row.sha256, row.bytes)
    assert report.quarantined == [orphan.relative_to(root).as_posix()]
    assert not orphan.exists() and (root / "_quarantine" / report.quarantined[0]).exists()
    with container.uow() as uow:
        alarm = uow.session.execute(select(RecorderAlarm)).scalar_one()
        assert alarm.kind == "orphan_file" and alarm.details["bytes"] == 188
        assert uow.session.get(ChainHead, camera).sealed_seq == 1
    # A new recording continues the chain after the recovered segment.
    record_file(container, camera, str(clip), segment_seconds=2.0)
    assert all(v.ok for v in verify.verify(container.uow(), root))
