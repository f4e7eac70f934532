"""The per-camera hash chain: link = H(prev link ‖ segment sha ‖ metadata); deletions too.

`link` is the one function that computes a link: a keyed chain (HMAC with a secret the
database does not hold) replaces its body and nothing else.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from casework.clock import as_utc


def _iso(moment: datetime | None) -> str:
    return "" if moment is None else as_utc(moment).isoformat(timespec="microseconds")


def _when(value) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else (value or None)


def metadata(camera_id: int, seq: int, start: datetime, end: datetime | None,
             size: int, path: str, truncated: bool, retain_until: datetime) -> bytes:
    """The canonical bytes of what a link vouches for besides the file's hash.

    `truncated` is the state the segment was sealed in (sealed or truncated);
    `retain_until` is vouched for so the retention a tombstone is checked against
    cannot be shortened."""
    body = [int(camera_id), int(seq), _iso(start), _iso(end), int(size), path, bool(truncated),
            _iso(retain_until)]
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def link(prev_chain: str, sha256: str, meta: bytes) -> str:
    """One chain link from the previous link, the segment hash and its metadata."""
    h = hashlib.sha256()
    h.update(bytes.fromhex(prev_chain))
    h.update(bytes.fromhex(sha256))
    h.update(meta)
    return h.hexdigest()


def _getter(row):
    return row.get if isinstance(row, dict) else lambda k: getattr(row, k)


def link_for(row, prev_chain: str) -> str:
    """The link a catalogue row (or a manifest entry with the same names) should carry."""
    get = _getter(row)
    meta = metadata(get("camera_id"), get("seq"), _when(get("start_at")), _when(get("end_at")),
                    get("bytes"), get("path"), get("truncated"), _when(get("retain_until")))
    return link(prev_chain, get("sha256"), meta)


def deletion_link(chain: str, sha256: str, deleted_at: datetime) -> str:
    """The link that vouches for a segment's deletion: its own link, its hash, and when."""
    meta = json.dumps(["deleted", _iso(deleted_at)], separators=(",", ":")).encode()
    return link(chain, sha256, meta)


def deletion_link_for(row) -> str:
    """The deletion link a tombstone row (state deleting or deleted) should carry."""
    get = _getter(row)
    return deletion_link(get("chain"), get("sha256"), _when(get("deleted_at")))
