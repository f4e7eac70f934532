"""Who a CLI command acts as: the signed-in user, or a scheduled job's system account.

`casework login` checks the password and writes a short-lived token to a file only this
OS user can read (`~/.casework/session`, or CASEWORK_SESSION_FILE). The token is MACed
with the deployment's chain key (domain-separated), names the OS user it was issued to,
and dies with the password it was issued against. Every command re-reads the user, so a
deactivated user or a changed role takes effect at once.

A scheduled job sets CASEWORK_SYSTEM_ACCOUNT to a system account (a user with the
`scheduler` role and no password); only the OS user that owns the chain key file (the
deployment's service account) may act as it, and every audit event it writes carries
the OS user.
"""
from __future__ import annotations

import base64
import getpass
import hmac
import json
import os
import stat
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from casework import audit, clock, integrity
from casework.errors import NotFound, PermissionDenied
from casework.models import Camera, Unit, User, VideoSystem
from casework.services.actor import Actor

SESSION_FILE_ENV = "CASEWORK_SESSION_FILE"
SYSTEM_ACCOUNT_ENV = "CASEWORK_SYSTEM_ACCOUNT"
SESSION_TTL = timedelta(hours=8)  # one working shift; `casework login` again after it
SYSTEM_ROLE = "scheduler"
NO_PASSWORD = "!system"  # a system account's password hash: matches no password
# Role sets the CLI's doors ask for (the services and database guards check again).
STAFF = ("clerk", "inspector", "legal_reviewer", "bureau_head", "manager", "auditor", "admin")
JOBS = (SYSTEM_ROLE, "admin")  # recording, sweeps, checks: scheduled jobs or an admin
OFFICERS = ("clerk", "inspector", "legal_reviewer", "bureau_head")  # place holds
RELEASERS = ("bureau_head", "legal_reviewer")  # release holds
NOT_SIGNED_IN = "未登录，请先运行 `casework login` / not signed in: run `casework login`"
NO_ACCOUNT_YET = ("未登录，且尚无任何账户：请先运行 `casework init --admin 用户名` 创建第一个管理员 / "
                  "not signed in, and no account exists yet: create the first admin with "
                  "`casework init --admin NAME`, then `casework login NAME`")


def session_file() -> Path:
    if os.environ.get(SESSION_FILE_ENV):
        return Path(os.environ[SESSION_FILE_ENV])
    return Path.home() / ".casework" / "session"


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def _password_tag(key: integrity.ChainKey, user: User) -> str:
    return key.mac(b"cli-session password " + user.password_hash.encode())[:16]


def _sign(key: integrity.ChainKey, claims: dict) -> str:
    return key.mac(b"cli-session " + integrity.canonical(claims))


def issue_token(key: integrity.ChainKey, user: User) -> tuple[str, dict]:
    now = clock.now().replace(microsecond=0)
    claims = {"user": user.username, "uid": os.getuid(), "os_user": os_user(),
              "issued": now.isoformat(), "expires": (now + SESSION_TTL).isoformat(),
              "pw": _password_tag(key, user)}
    body = base64.urlsafe_b64encode(integrity.canonical(claims)).decode()
    return f"{body}.{_sign(key, claims)}", claims


def write_session(token: str) -> Path:
    """Replace the session file atomically, mode 0600 in a 0700 folder."""
    path = session_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(token + "\n")
    os.replace(tmp, path)
    return path


def _read_session() -> str | None:
    """The session token, or None when nobody signed in here."""
    path = session_file()
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    with os.fdopen(fd) as f:
        info = os.fstat(f.fileno())
        if info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
            raise PermissionDenied(f"登录凭据文件不安全 / session file {path} must belong to "
                                   "this OS user and be readable by it only: run `casework login`")
        return f.read().strip()


def _claims(key: integrity.ChainKey, token: str) -> dict:
    body, _, mac = token.partition(".")
    try:
        claims = json.loads(base64.urlsafe_b64decode(body.encode()))
        valid = hmac.compare_digest(mac, _sign(key, claims))
    except (ValueError, TypeError):
        valid = False
    if not valid:
        raise PermissionDenied("登录凭据无效 / the session is not valid here: run `casework login`")
    if claims.get("uid") != os.getuid():
        raise PermissionDenied("登录凭据属于另一系统用户 / the session belongs to another OS user")
    if clock.now() >= clock.as_utc(datetime.fromisoformat(claims["expires"])):
        raise PermissionDenied("登录已过期 / the session has expired: run `casework login`")
    return claims


def _actor(user: User) -> Actor:
    """The actor for a user row; an account that could only see everything by accident (no
    role, or a unit user without its unit) is refused."""
    roles = frozenset(user.roles or ())
    if not roles or ("unit" in roles and user.unit_id is None):
        raise PermissionDenied(f"账户{user.username}未配置角色或单位，请联系管理员 / account "
                               f"{user.username} has no role or no unit: ask an admin")
    return Actor(user.username, roles, user.unit_id, user.jurisdiction_id)


def current_actor(container, *roles: str) -> Actor:
    """The actor of this command; with `roles`, one of them is required."""
    account = os.environ.get(SYSTEM_ACCOUNT_ENV)
    actor = system_actor(container, account) if account else signed_in_actor(container)
    if roles:
        actor.require(*roles)
    return actor


def _no_account_yet(container) -> bool:
    """No active account anyone could sign in with (system accounts have no password)."""
    with container.uow() as uow:
        return uow.session.execute(select(User.id).where(
            User.active.is_(True), User.password_hash != NO_PASSWORD).limit(1)).first() is None


def signed_in_actor(container) -> Actor:
    token = _read_session()
    if token is None:
        raise PermissionDenied(NO_ACCOUNT_YET if _no_account_yet(container) else NOT_SIGNED_IN)
    with container.uow() as uow:
        key = audit.anchor_of(uow.session).key
        claims = _claims(key, token)
        user = uow.session.execute(
            select(User).where(User.username == claims["user"])).scalar_one_or_none()
        if user is None or not user.active or claims.get("pw") != _password_tag(key, user):
            raise PermissionDenied("登录已失效 / the session is no longer valid: run `casework login`")
        return _actor(user)


def system_actor(container, account: str) -> Actor:
    """A scheduled job's account; only the deployment's service OS user may use it."""
    with container.uow() as uow:
        audit.anchor_of(uow.session)  # the key exists and is private before its owner counts
    key_file = integrity.key_path(container.settings.data_dir)
    if key_file.stat().st_uid != os.getuid():
        raise PermissionDenied(f"只有服务账户可以作为系统账户运行 / only the OS user that owns "
                               f"{key_file} may act as system account {account}")
    with container.uow() as uow:
        user = uow.session.execute(select(User).where(User.username == account)).scalar_one_or_none()
        if (user is None or not user.active or SYSTEM_ROLE not in (user.roles or ())
                or user.password_hash != NO_PASSWORD):
            raise PermissionDenied(f"没有此系统账户 / no such system account: {account}")
        actor = _actor(user)
    audit.bind_os_user(container.engine, os_user())
    return actor


def cameras_in_scope(container, actor: Actor) -> set[int]:
    """The cameras `actor` may see (the scope rule over each camera's unit)."""
    with container.uow() as uow:
        rows = uow.session.execute(
            select(Camera.id, Unit.id, Unit.jurisdiction_id)
            .join(VideoSystem, Camera.system_id == VideoSystem.id)
            .join(Unit, VideoSystem.unit_id == Unit.id)).all()
    return {cid for cid, unit_id, jurisdiction_id in rows if actor.may_see(unit_id, jurisdiction_id)}


def require_camera(container, actor: Actor, camera_id: int) -> None:
    """A camera outside the actor's scope does not exist for it."""
    if camera_id not in cameras_in_scope(container, actor):
        raise NotFound(f"摄像机不存在 / no camera {camera_id}")
