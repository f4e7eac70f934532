"""Keyed chain links and signed checkpoints of chain heads, kept outside the database.

A chain link is HMAC-SHA256 under a key the database does not hold, so whoever can write
the database can neither forge an event nor rehash a chain after changing one. The
checkpoint file is an append-only log of signed chain heads (chain name, count, head,
time), each line also bound to the one before it, so deleting the last events of a chain
and moving its head is detected against the last checkpoint.

The key lives in a file readable by its owner only: `<data dir>/secrets/chain.key`
(created by `casework init`) or the file named by CASEWORK_CHAIN_KEY_FILE. The audit trail
and the recorder's camera chains share this module.
"""
from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from casework import clock
from casework.errors import CaseworkError

KEY_BYTES = 32
KEY_FILE_ENV = "CASEWORK_CHAIN_KEY_FILE"
CHECKPOINT_FILE_ENV = "CASEWORK_CHECKPOINT_FILE"
GENESIS = "0" * 64


class IntegrityError(CaseworkError):
    """The chain key or the checkpoint file is missing, unsafe or has been tampered with."""


def canonical(value) -> bytes:
    """The one byte form of a JSON value that links and checkpoints are computed over."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str).encode()


@dataclass(frozen=True)
class ChainKey:
    """The secret that keys every chain link and checkpoint; never stored in the database."""

    secret: bytes

    @property
    def key_id(self) -> str:
        """A public fingerprint: tells which key signed a checkpoint, reveals nothing."""
        return hmac.new(self.secret, b"casework key id", hashlib.sha256).hexdigest()[:16]

    def mac(self, data: bytes) -> str:
        return hmac.new(self.secret, data, hashlib.sha256).hexdigest()

    def link(self, prev: str, fields) -> str:
        """The link after `prev` for a JSON-able record (the audit event's fields)."""
        return self.mac(canonical([prev, fields]))

    def link_bytes(self, prev: str, *parts: bytes) -> str:
        """The link after `prev` over raw parts, each length-prefixed (camera segments)."""
        h = hmac.new(self.secret, bytes.fromhex(prev), hashlib.sha256)
        for part in parts:
            h.update(len(part).to_bytes(8, "big"))
            h.update(part)
        return h.hexdigest()


def default_key_path(data_dir: Path) -> Path:
    return Path(data_dir) / "secrets" / "chain.key"


def key_path(data_dir: Path, env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env[KEY_FILE_ENV]) if env.get(KEY_FILE_ENV) else default_key_path(data_dir)


def checkpoint_path(data_dir: Path, env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get(CHECKPOINT_FILE_ENV):
        return Path(env[CHECKPOINT_FILE_ENV])
    return Path(data_dir) / "checkpoints" / "chain-heads.log"


def create_key(path: Path) -> bool:
    """Create a fresh key file, mode 0600, in a 0700 folder; False if one exists already.

    Written under a temporary name and linked into place, so a concurrent reader never
    sees a half-written key and two creators never both win."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.exists():
        return False
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(KEY_BYTES) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)


def load_key(path: Path) -> ChainKey:
    """Read the key; refuse a missing, malformed or group/world-accessible key file."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise IntegrityError(f"链密钥文件不存在 / chain key file {path} is missing: run "
                             f"`casework init` or set {KEY_FILE_ENV}") from None
    except PermissionError:
        raise IntegrityError(f"无权读取链密钥 / cannot read the chain key file {path}") from None
    with os.fdopen(fd) as f:
        if stat.S_IMODE(os.fstat(f.fileno()).st_mode) & 0o077:
            raise IntegrityError(f"链密钥文件权限过宽 / chain key file {path} must be readable "
                                 "by its owner only (chmod 600)")
        text = f.read().strip()
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) < KEY_BYTES:
        raise IntegrityError(f"链密钥格式错误 / chain key file {path} must hold "
                             f"{KEY_BYTES * 2} hex digits")
    return ChainKey(secret)


@dataclass(frozen=True)
class Checkpoint:
    chain: str
    count: int
    head: str
    at: datetime
    key_id: str
    line: int


class CheckpointLog:
    """An append-only file of signed chain heads, one JSON line each.

    Every line carries the MAC of the line before it, so a line removed or changed in the
    middle breaks the file; the file's tail is protected by copies kept elsewhere (the
    daily export, a log shipped off the host, `chattr +a`).
    """

    def __init__(self, path: Path, key: ChainKey) -> None:
        self.path = Path(path)
        self.key = key

    def append(self, chain: str, count: int, head: str, at: datetime | None = None, *,
               sync: bool = True) -> None:
        """Sign and append one head; concurrent writers are serialised by a file lock.

        `sync=False` leaves the line to the OS's write-back (it survives a crash of the
        process, not a power cut in the next seconds): for the per-commit checkpoints.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        at = clock.as_utc(at or clock.now()).replace(microsecond=0)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            prev, torn = _last_mac(fd)
            body = {"chain": chain, "count": int(count), "head": head, "at": at.isoformat(),
                    "key": self.key.key_id, "prev": prev}
            body["mac"] = self.key.mac(canonical(body))
            os.write(fd, (b"\n" if torn else b"") + canonical(body) + b"\n")
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)  # releases the lock

    def entries(self, chain: str | None = None) -> list[Checkpoint]:
        """Every checkpoint (of one chain), after checking each line's MAC and link."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        found, prev = [], GENESIS
        for number, line in enumerate(raw.splitlines(), start=1):
            where = f"{self.path} line {number}"
            try:
                body = json.loads(line)
            except ValueError:
                continue  # a line torn by a power cut: unsigned, it proves nothing either way
            try:
                mac = body.pop("mac")
                fields = (body["chain"], int(body["count"]), body["head"],
                          datetime.fromisoformat(body["at"]), body["key"], body["prev"])
            except (ValueError, KeyError, TypeError, AttributeError):
                raise IntegrityError(f"检查点文件损坏 / checkpoint file damaged at {where}") from None
            if fields[4] != self.key.key_id:
                raise IntegrityError(f"检查点由另一密钥签名 / checkpoint at {where} was signed "
                                     "by another key: wrong chain key?")
            if not hmac.compare_digest(mac, self.key.mac(canonical(body))):
                raise IntegrityError(f"检查点签名不符 / checkpoint at {where} is forged or altered")
            if fields[5] != prev:
                raise IntegrityError(f"检查点缺失或顺序被改 / a checkpoint before {where} was "
                                     "removed or reordered")
            prev = mac
            if chain is None or fields[0] == chain:
                found.append(Checkpoint(*fields[:5], line=number))
        return found

    def latest(self, chain: str) -> Checkpoint | None:
        entries = self.entries(chain)
        return max(entries, key=lambda c: c.count) if entries else None


def _last_mac(fd: int) -> tuple[str, bool]:
    """The MAC of the file's last signed line (GENESIS if none), and whether the file ends
    in a torn line (no newline) that the next line must not be glued to."""
    size = os.lseek(fd, 0, os.SEEK_END)
    if size == 0:
        return GENESIS, False
    chunk = min(size, 4096)
    while True:
        tail = os.pread(fd, chunk, size - chunk)
        for line in reversed(tail.split(b"\n")[1 if chunk < size else 0:]):
            try:
                return json.loads(line)["mac"], not tail.endswith(b"\n")
            except (ValueError, KeyError, TypeError):
                continue
        if chunk == size:
            return GENESIS, not tail.endswith(b"\n")
        chunk = min(size, chunk * 4)


@dataclass(frozen=True)
class Anchor:
    """What a door needs to extend and anchor chains: the key and the checkpoint log."""

    key: ChainKey
    checkpoints: CheckpointLog


def open_anchor(data_dir: Path, env: dict[str, str] | None = None, *,
                create: bool = False) -> Anchor:
    """The deployment's anchor; `create` makes the key file if absent (`casework init`)."""
    path = key_path(data_dir, env)
    if create:
        create_key(path)
    key = load_key(path)
    return Anchor(key, CheckpointLog(checkpoint_path(data_dir, env), key))


class AnchorOpener:
    """Opens the anchor on first use and keeps it (bound to every session of a container).

    A fresh data dir (no key, no checkpoints yet) gets its key made here as `casework init`
    would; a key named by CASEWORK_CHAIN_KEY_FILE, or a data dir that already holds
    checkpoints, must have its key: a lost key is never silently replaced.
    """

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.env = dict(os.environ if env is None else env)
        self._anchor: Anchor | None = None

    def __call__(self) -> Anchor:
        if self._anchor is None:
            fresh = (not self.env.get(KEY_FILE_ENV)
                     and not checkpoint_path(self.data_dir, self.env).exists())
            self._anchor = open_anchor(self.data_dir, self.env, create=fresh)
        return self._anchor
