"""Keyed links, key files and the signed checkpoint log (no database)."""
from __future__ import annotations

import os
import stat

import pytest

from casework import integrity
from casework.integrity import CheckpointLog, IntegrityError


@pytest.fixture
def key(tmp_path):
    path = tmp_path / "secrets" / "chain.key"
    assert integrity.create_key(path)
    return integrity.load_key(path)


def test_key_file_is_private_and_never_overwritten(tmp_path):
    path = tmp_path / "secrets" / "chain.key"
    assert integrity.create_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = integrity.load_key(path)
    assert not integrity.create_key(path)
    assert integrity.load_key(path) == first
    os.chmod(path, 0o644)
    with pytest.raises(IntegrityError, match="owner only"):
        integrity.load_key(path)


def test_missing_or_malformed_key_is_refused(tmp_path):
    with pytest.raises(IntegrityError, match="missing"):
        integrity.load_key(tmp_path / "nope")
    bad = tmp_path / "bad.key"
    bad.write_text("xyz")
    os.chmod(bad, 0o600)
    with pytest.raises(IntegrityError, match="hex digits"):
        integrity.load_key(bad)


def test_links_depend_on_the_key(tmp_path, key):
    other_path = tmp_path / "other.key"
    integrity.create_key(other_path)
    other = integrity.load_key(other_path)
    assert key.link("0" * 64, {"a": 1}) == key.link("0" * 64, {"a": 1})
    assert key.link("0" * 64, {"a": 1}) != other.link("0" * 64, {"a": 1})
    assert key.link("0" * 64, {"a": 1}) != key.link("0" * 64, {"a": 2})
    assert key.link_bytes("0" * 64, b"ab", b"c") != key.link_bytes("0" * 64, b"a", b"bc")


def test_checkpoints_round_trip_and_detect_edits(tmp_path, key):
    log = CheckpointLog(tmp_path / "cp" / "heads.log", key)
    assert log.entries() == [] and log.latest("audit") is None
    log.append("audit", 3, "a" * 64)
    log.append("camera:1", 7, "b" * 64)
    log.append("audit", 5, "c" * 64)
    assert [c.count for c in log.entries("audit")] == [3, 5]
    assert log.latest("audit").head == "c" * 64
    lines = log.path.read_bytes().splitlines(keepends=True)
    log.path.write_bytes(lines[0] + lines[2])  # the middle line removed
    with pytest.raises(IntegrityError, match="line 2"):
        log.entries()
    log.path.write_bytes(lines[0] + lines[1] + lines[2].replace(b'"count":5', b'"count":9'))
    with pytest.raises(IntegrityError, match="forged or altered"):
        log.entries()


def test_checkpoints_signed_by_another_key_are_named(tmp_path, key):
    other_path = tmp_path / "other.key"
    integrity.create_key(other_path)
    path = tmp_path / "heads.log"
    CheckpointLog(path, integrity.load_key(other_path)).append("audit", 1, "a" * 64)
    with pytest.raises(IntegrityError, match="another key"):
        CheckpointLog(path, key).entries()


def test_a_torn_last_line_is_skipped_and_not_glued_to(tmp_path, key):
    log = CheckpointLog(tmp_path / "heads.log", key)
    log.append("audit", 1, "a" * 64, sync=False)
    with open(log.path, "ab") as f:
        f.write(b'{"chain":"audit","cou')  # a power cut mid-write
    assert [c.count for c in log.entries()] == [1]
    log.append("audit", 2, "b" * 64)
    assert [c.count for c in log.entries()] == [1, 2]
