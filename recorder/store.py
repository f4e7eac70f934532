"""Where footage lives on disk, and durable-write helpers (no database here)."""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import queue
import threading
from datetime import datetime
from pathlib import Path

from casework.clock import as_utc
from recorder.constants import FOOTAGE_DIRNAME, SEGMENT_EXT


def footage_root(container) -> Path:
    """The footage root: `recorder_root` in container.extras, else <data_dir>/footage."""
    root = container.extras.get("recorder_root") or container.settings.data_dir / FOOTAGE_DIRNAME
    return Path(root)


def segment_relpath(camera_id: int, start: datetime, seq: int) -> str:
    """`<camera>/<YYYY>/<MM>/<DD>/<HH>/<UTC start>_<seq>.ts`, relative to the root."""
    t = as_utc(start)
    stamp = t.strftime("%Y%m%dT%H%M%S") + f"{t.microsecond // 1000:03d}Z"
    return f"{camera_id}/{t:%Y/%m/%d/%H}/{stamp}_{seq}{SEGMENT_EXT}"


@contextlib.contextmanager
def camera_lock(root: Path, camera_id: int):
    """Hold `<root>/<camera>/.lock` (flock, non-blocking) while inside; yields whether it
    was taken. The recorder of a camera holds it for as long as it records, so start-up
    recovery never seals a segment another process (or thread) is still writing."""
    camera_dir = root / str(int(camera_id))
    camera_dir.mkdir(parents=True, exist_ok=True)
    with open(camera_dir / ".lock", "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def sha256_file(path: Path, chunk: int = 1 << 20) -> tuple[str, int]:
    """SHA-256 and size of a file, read in chunks."""
    h, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


class HashingFile:
    """A write-only file that hashes what it writes; PyAV muxes into it.

    Bytes reach the OS in `write` (so a killed process loses nothing it muxed); the
    SHA-256 runs in a helper thread, since hashlib releases the GIL on large buffers
    and hashing then overlaps demuxing on another core (measured: ~10 % of a remux).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        self._sha = hashlib.sha256()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._hasher = threading.Thread(target=self._hash, daemon=True, name=f"sha256 {path.name}")
        self._hasher.start()
        self._digest: str | None = None
        self.size = 0

    def _hash(self) -> None:
        while (chunk := self._queue.get()) is not None:
            self._sha.update(chunk)

    def write(self, data) -> int:
        view = memoryview(data)
        written = 0
        while written < len(view):
            n = os.write(self._fd, view[written:])
            self._queue.put(bytes(view[written:written + n]))  # only bytes that reached the file
            written += n
            self.size += n
        return written

    def flush(self) -> None:  # PyAV calls this; bytes already reached the OS
        pass

    def seekable(self) -> bool:
        return False

    def hexdigest(self) -> str:
        if self._digest is None:
            self._queue.put(None)
            self._hasher.join()
            self._digest = self._sha.hexdigest()
        return self._digest

    def close(self, *, sync: bool = True) -> None:
        if self._fd < 0:
            return
        try:
            if sync:
                os.fdatasync(self._fd)  # data and size; the directory entry is synced by the caller
        finally:
            os.close(self._fd)
            self._fd = -1
            self.hexdigest()
