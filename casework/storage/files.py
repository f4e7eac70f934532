"""Durable file store: atomic writes (tmp + fsync + rename), SHA-256 addressed reads."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path


class FileStore:
    """Files under one root, written so a crash leaves either nothing or the whole file."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        target = (self.root / key).resolve()
        if self.root.resolve() not in target.parents:
            raise ValueError(f"key escapes the store: {key!r}")
        return target

    def put(self, key: str, data: bytes) -> str:
        """Write `data` under `key` durably; returns its SHA-256. Never overwrites."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise FileExistsError(f"already stored: {key}")
        tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, target)  # fails if target appeared meanwhile
        os.unlink(tmp)
        fsync_dir(target.parent)
        return hashlib.sha256(data).hexdigest()

    def get(self, key: str) -> bytes:
        return self.path(key).read_bytes()


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
