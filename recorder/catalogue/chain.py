"""The per-camera hash chain: link = sha256(prev link ‖ segment sha ‖ metadata)."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from casework.clock import as_utc


def _iso(moment: datetime | None) -> str:
    return "" if moment is None else as_utc(moment).isoformat(timespec="microseconds")


def metadata(camera_id: int, seq: int, start: datetime, end: datetime | None,
             size: int, path: str, truncated: bool) -> bytes:
    """The canonical bytes of what a link vouches for besides the file's hash."""
    body = [int(camera_id), int(seq), _iso(start), _iso(end), int(size), path, bool(truncated)]
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def link(prev_chain: str, sha256: str, meta: bytes) -> str:
    """One chain link from the previous link, the segment hash and its metadata."""
    h = hashlib.sha256()
    h.update(bytes.fromhex(prev_chain))
    h.update(bytes.fromhex(sha256))
    h.update(meta)
    return h.hexdigest()


def link_for(row, prev_chain: str) -> str:
    """The link a catalogue row (or a manifest entry with the same names) should carry."""
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
    start, end = get("start_at"), get("end_at")
    if isinstance(start, str):
        start = datetime.fromisoformat(start)
        end = datetime.fromisoformat(end) if end else None
    meta = metadata(get("camera_id"), get("seq"), start, end, get("bytes"), get("path"),
                    get("truncated"))
    return link(prev_chain, get("sha256"), meta)
