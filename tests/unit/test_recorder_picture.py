"""Pure picture checks and sweep decisions on synthetic values (no database, no PyAV)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from recorder.quality import picture
from recorder.constants import DELETED, SEALED, WRITING
from recorder.capture.ingest import is_cut, next_backoff, parse_source
from recorder.retention.policy import effective_days
from recorder.quality.checks import find_gaps
from recorder.retention.sweeper import Decision, SegmentFacts, decide
from recorder.dev.synthetic import Scene, frame_at

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)


def luma(rgb):
    return (0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]).astype(np.uint8)


def at(scene, second, cache):
    return picture.stats(luma(frame_at(scene, int(second * scene.fps), cache)))


@pytest.mark.parametrize("kind", ["black", "covered", "obstructed", "defocus", "moved"])
def test_each_check_fires_on_its_defect_only(kind):
    scene, cache = Scene(**{kind: (10.0, 20.0)}), {}
    ref = at(scene, 0, cache)
    assert picture.classify(at(scene, 12, cache), ref) == kind
    assert [picture.classify(at(scene, s, cache), ref) for s in range(0, 10)] == [None] * 10


def test_frozen_is_an_unchanged_picture():
    scene, cache = Scene(frozen=(5.0, 9.0)), {}
    assert picture.same_picture(at(scene, 5, cache), at(scene, 8, cache))
    assert not picture.same_picture(at(scene, 1, cache), at(scene, 2, cache))


def test_black_and_defocus_without_reference():
    scene, cache = Scene(black=(0.0, 1.0), defocus=(1.0, 2.0)), {}
    assert picture.classify(at(scene, 0.5, cache), None) == "black"
    assert picture.classify(at(scene, 1.5, cache), None) == "defocus"
    assert picture.classify(at(scene, 3, cache), None) is None


def test_sweep_decision():
    facts = SegmentFacts(SEALED, T0, T0 + timedelta(seconds=60), T0 + timedelta(days=30))
    late = T0 + timedelta(days=31)
    assert decide(facts, [], T0 + timedelta(days=29)) is Decision.KEEP_RETENTION
    assert decide(facts, [], late) is Decision.DELETE
    hold = (T0 + timedelta(seconds=59), T0 + timedelta(hours=1))
    assert decide(facts, [hold], late) is Decision.KEEP_HELD
    touching = (T0 + timedelta(seconds=60), T0 + timedelta(hours=1))  # [t0, t1) ends meet
    assert decide(facts, [touching], late) is Decision.DELETE
    for state in (WRITING, DELETED):
        assert decide(SegmentFacts(state, T0, None, T0), [], late) is Decision.KEEP_UNSEALED


def test_camera_days_only_lengthen_the_rulebook_minimum():
    assert effective_days(30, None) == 30
    assert effective_days(30, 7) == 30
    assert effective_days(90, 60) == 90
    assert effective_days(30, 180) == 180


def test_cuts_gaps_backoff_and_sources():
    assert not is_cut(False, 9.0, 0.0, 2.0)
    assert not is_cut(True, 1.0, 0.0, 2.0)
    assert is_cut(True, 2.0, 0.0, 2.0)
    spans = [(T0, T0 + timedelta(seconds=2)), (T0 + timedelta(seconds=2), T0 + timedelta(seconds=4)),
             (T0 + timedelta(seconds=9), T0 + timedelta(seconds=11))]
    assert find_gaps(spans) == [(T0 + timedelta(seconds=4), T0 + timedelta(seconds=9))]
    assert [round(b := next_backoff(x), 1) for x in (0, 0.5, 16, 30)] == [0.5, 1.0, 30.0, 30.0]
    src = parse_source("rtsp://127.0.0.1:8554/x#rtsp_flags=listen&realtime=1")
    assert src.live and src.realtime and src.options == {"rtsp_flags": "listen", "rtsp_transport": "tcp"}
    assert not parse_source("/footage/demo.ts#loop=1").live


def _dim(rgb_luma, gain, rng, offset=8.0):
    """The same view at dusk, night or in fog: less contrast, sensor noise."""
    img = rgb_luma.astype(np.float32) * gain + offset + rng.normal(0, 1.5, rgb_luma.shape)
    return img.clip(0, 255).astype(np.uint8)


@pytest.mark.parametrize("gain", [0.6, 0.4, 0.3, 0.2, 0.15])
def test_dusk_and_night_against_a_daytime_reference_are_normal(gain):
    scene, cache, rng = Scene(), {}, np.random.default_rng(3)
    ref = at(scene, 0, cache)
    night = picture.stats(_dim(luma(frame_at(scene, 30, cache)), gain, rng))
    assert picture.classify(night, ref) is None


@pytest.mark.parametrize("haze", [0.5, 0.3])
def test_fog_is_not_an_obstruction(haze):
    scene, cache, rng = Scene(), {}, np.random.default_rng(4)
    ref = at(scene, 0, cache)
    fog = picture.stats(_dim(luma(frame_at(scene, 30, cache)), haze, rng, 128 * (1 - haze)))
    assert picture.classify(fog, ref) is None


def test_obstruction_and_blur_are_still_seen_at_night():
    scene, cache, rng = Scene(obstructed=(10.0, 20.0), defocus=(20.0, 30.0)), {}, np.random.default_rng(5)
    ref = at(scene, 0, cache)
    board = picture.stats(_dim(luma(frame_at(scene, 12 * scene.fps, cache)), 0.4, rng))
    blur = picture.stats(_dim(luma(frame_at(scene, 22 * scene.fps, cache)), 0.4, rng))
    assert picture.classify(board, ref) == "obstructed"
    assert picture.classify(blur, ref) == "defocus"
