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
    """A write-only file that hashes exactly what it writes; PyAV muxes into it.

    The muxer flushes every packet into `write`, which only collects the bytes; the
    segment writer calls `flush()` at least every FLUSH_S of video (and `write` flushes
    past BUFFER_BYTES), so a killed process loses at most that much. One `os.write` per
    flush instead of one per packet: ~10× fewer syscalls on 720p at 4 Mbit/s. The SHA-256 of each flushed chunk (the bytes that
    reached the file, nothing else) runs in a helper thread, as hashlib releases the
    GIL on large buffers; the same thread asks the kernel to start writeback of what
    is hashed, so the fdatasync at close has little left to wait for.
    """

    BUFFER_BYTES = 1 << 20
    WRITEBACK_BYTES = 2 << 20  # measured on 480 MB: 2 MiB 1.09 s, 8 MiB 1.15 s, none 1.82 s

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        self._sha = hashlib.sha256()
        self._buf = bytearray()
        self._unhashed: list = []  # written chunks handed to the hasher by the MiB
        self._unhashed_bytes = 0
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._hasher = threading.Thread(target=self._hash, daemon=True, name=f"sha256 {path.name}")
        self._hasher.start()
        self._digest: str | None = None
        self.size = 0  # bytes that reached the file

    def _hash(self) -> None:
        fd, done = self._fd, 0
        while (chunks := self._queue.get()) is not None:
            for chunk in chunks:
                self._sha.update(chunk)
                done += len(chunk)
            if done >= self.WRITEBACK_BYTES:  # start writeback now (async), drop clean pages;
                with contextlib.suppress(OSError):  # fdatasync at close still seals the file
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                done = 0

    def write(self, data) -> int:
        buf = self._buf
        buf += data
        if len(buf) >= self.BUFFER_BYTES:
            self.flush()
        return len(data)

    def flush(self) -> None:
        """Hand what was collected to the OS (one write), then to the hasher."""
        buf = self._buf
        if not buf:
            return
        self._buf = bytearray()
        view, written = memoryview(buf), 0
        try:
            while written < len(buf):
                written += os.write(self._fd, view[written:])
        finally:
            view.release()
            if written:  # only bytes that reached the file are hashed
                self._unhashed.append(buf if written == len(buf) else bytes(buf[:written]))
                self._unhashed_bytes += written
                if self._unhashed_bytes >= self.BUFFER_BYTES:  # fewer hasher wake-ups
                    self._queue.put(self._unhashed)
                    self._unhashed, self._unhashed_bytes = [], 0
            self.size += written
            if written < len(buf):  # keep the rest for a retry; the caller sees the error
                self._buf = buf[written:] + self._buf

    def seekable(self) -> bool:
        return False

    def hexdigest(self) -> str:
        if self._digest is None:
            self._queue.put(self._unhashed)
            self._unhashed = []
            self._queue.put(None)
            self._hasher.join()
            self._digest = self._sha.hexdigest()
        return self._digest

    def close(self, *, sync: bool = True) -> None:
        if self._fd < 0:
            return
        try:
            self.flush()
            if sync:
                os.fdatasync(self._fd)  # data and size; the directory entry is synced by the caller
        finally:
            self.hexdigest()  # the hasher may still use the fd (fadvise): join first
            os.close(self._fd)
            self._fd = -1
