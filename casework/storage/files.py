"""Durable file store: atomic writes (tmp + fsync + rename), SHA-256 addressed reads.

Files that belong to a database transaction are staged: written durably under
`.staging/<pid>.<random>.<key>` and linked into place only after the transaction commits; a
rollback removes them. Staging files of processes that no longer run are swept when a store
opens, so a transaction that died leaves no file behind.
"""
from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import event

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

STAGING = ".staging"
_PENDING = "casework.files.staged"  # session.info key: [(store, staged path, key)]


class FileStore:
    """Files under one root, written so a crash leaves either nothing or the whole file."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.sweep_staging()

    def path(self, key: str) -> Path:
        target = (self.root / key).resolve()
        if self.root.resolve() not in target.parents or STAGING in Path(key).parts:
            raise ValueError(f"key escapes the store: {key!r}")
        return target

    def put(self, key: str, data: bytes) -> str:
        """Write `data` under `key` durably; returns its SHA-256. Never overwrites."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise FileExistsError(f"already stored: {key}")
        tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
        _write(tmp, data)
        os.link(tmp, target)  # fails if target appeared meanwhile
        os.unlink(tmp)
        fsync_dir(target.parent)
        return hashlib.sha256(data).hexdigest()

    def put_on_commit(self, session: Session, key: str, data: bytes) -> str:
        """Stage `data` for `key`; it appears under `key` only if `session`'s transaction commits."""
        target = self.path(key)
        if target.exists():
            raise FileExistsError(f"already stored: {key}")
        session.connection()  # a transaction is open, so its end is seen even if nothing else ran
        staging = self.root / STAGING
        staging.mkdir(exist_ok=True)
        staged = staging / f"{os.getpid()}.{uuid.uuid4().hex}.{quote(key, safe='')}"
        _write(staged, data)
        pending = session.info.setdefault(_PENDING, [])
        if not pending and not event.contains(session, "after_commit", _publish):
            event.listen(session, "after_commit", _publish)
            event.listen(session, "after_transaction_end", _discard)
        pending.append((self, staged, key))
        return hashlib.sha256(data).hexdigest()

    def get(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def sweep_staging(self) -> int:
        """Remove staged files of processes that no longer run; returns how many."""
        staging = self.root / STAGING
        if not staging.is_dir():
            return 0
        removed = 0
        for item in staging.iterdir():
            pid = item.name.split(".", 1)[0]
            if pid.isdigit() and not _running(int(pid)):
                item.unlink(missing_ok=True)
                removed += 1
        return removed

    def _publish_one(self, staged: Path, key: str) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(staged, target)
        except FileExistsError:
            if target.read_bytes() != staged.read_bytes():
                return  # keep the staged copy for inspection; the reader's hash check will tell
        staged.unlink(missing_ok=True)
        fsync_dir(target.parent)


def _publish(session: Session) -> None:
    for store, staged, key in session.info.pop(_PENDING, []):
        store._publish_one(staged, key)


def _discard(session: Session, transaction) -> None:
    """The outermost transaction ended without a commit: staged files go."""
    if transaction.parent is not None:
        return
    for _store, staged, _key in session.info.pop(_PENDING, []):
        staged.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
