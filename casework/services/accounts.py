"""Accounts: sign-in (throttled, audited, rehashing old hashes), sign-out, API tokens."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select

from casework import audit, clock
from casework.errors import CaseworkError, Conflict, InvalidInput, NotFound
from casework.models import ROLES, ApiToken, Jurisdiction, SignInAttempt, User
from casework.passwords import hash_password, needs_rehash, verify_password
from casework.services import scope
from casework.services.actor import Actor

if TYPE_CHECKING:
    from casework.storage.unit_of_work import UnitOfWork

WINDOW = timedelta(minutes=15)
MAX_PER_ACCOUNT = 5  # failed sign-ins per account within WINDOW
MAX_PER_ADDRESS = 20  # failed sign-ins from one address within WINDOW
TOKEN_LIFETIME = timedelta(days=30)
# Verified against when the account does not exist, so both paths cost the same.
_DUMMY_HASH = hash_password("not-a-real-password")


class Throttled(CaseworkError):
    status = 429


class BadCredentials(CaseworkError):
    status = 401


def sign_in(uow: UnitOfWork, *, username: str, password: str, address: str) -> Actor:
    """The actor for good credentials; counts failures and refuses while throttled."""
    username = username.strip()[:80]
    now = clock.now()
    with uow:
        session = uow.session
        since = now - WINDOW
        by_account = session.execute(select(func.count()).select_from(SignInAttempt).where(
            SignInAttempt.username == username, SignInAttempt.at >= since)).scalar_one()
        by_address = session.execute(select(func.count()).select_from(SignInAttempt).where(
            SignInAttempt.address == address, SignInAttempt.at >= since)).scalar_one()
        if by_account >= MAX_PER_ACCOUNT or by_address >= MAX_PER_ADDRESS:
            audit.record(session, username or "-", "auth.throttled", f"user:{username}",
                         {"address": address})
            uow.commit()
            raise Throttled("登录失败次数过多，请 15 分钟后再试 / too many failed sign-ins: try again in 15 minutes")
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        ok = verify_password(password, user.password_hash if user else _DUMMY_HASH)
        if user is None or not ok or not user.active:
            session.add(SignInAttempt(username=username, address=address, at=now))
            audit.record(session, username or "-", "auth.sign_in_failed", f"user:{username}",
                         {"address": address})
            uow.commit()
            raise BadCredentials("用户名或密码错误 / wrong username or password")
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        session.execute(delete(SignInAttempt).where(SignInAttempt.username == username))
        audit.record(session, user.username, "auth.sign_in", f"user:{user.username}",
                     {"address": address})
        uow.commit()
        return Actor.of_user(user)


def create_account(uow: UnitOfWork, *, actor: Actor, username: str, display_name: str, password: str,
                   roles: list[str], jurisdiction: str | None = None, unit_id: int | None = None) -> int:
    """An admin adds a staff account (roles, optional jurisdiction) or a unit user (one unit)."""
    actor.require("admin")
    username = username.strip()
    if not re.fullmatch(r"[A-Za-z0-9_.-]{2,80}", username):
        raise InvalidInput("用户名须为 2–80 位字母、数字或 _.- / username: 2-80 letters, digits or _.-")
    unknown = sorted(set(roles) - set(ROLES))
    if not roles or unknown:
        raise InvalidInput(f"未知角色 / unknown roles: {', '.join(unknown) or '(none)'}")
    if ("unit" in roles) != (unit_id is not None) or ("unit" in roles and len(roles) > 1):
        raise InvalidInput("单位用户只有 unit 角色且须绑定一个单位 / a unit user has only the unit role and one unit")
    digest = hash_password(password)
    with uow:
        session = uow.session
        if session.execute(select(User.id).where(User.username == username)).scalar():
            raise Conflict(f"用户已存在 / user exists: {username}")
        jurisdiction_id = None
        if jurisdiction:
            jurisdiction_id = session.execute(select(Jurisdiction.id).where(Jurisdiction.code == jurisdiction)).scalar()
            if jurisdiction_id is None:
                raise NotFound(f"辖区不存在 / no such jurisdiction: {jurisdiction}")
        if unit_id is not None:
            scope.unit(session, actor, unit_id)
        user = User(username=username, display_name=display_name.strip() or username, roles=sorted(roles),
                    jurisdiction_id=jurisdiction_id, unit_id=unit_id, password_hash=digest,
                    created_at=clock.now())
        session.add(user)
        session.flush()
        audit.record(session, actor.name, "auth.account_created", f"user:{username}",
                     {"roles": sorted(roles), "jurisdiction": jurisdiction, "unit_id": unit_id})
        uow.commit()
        return user.id


def sign_out(uow: UnitOfWork, *, actor: Actor, address: str) -> None:
    with uow:
        audit.record(uow.session, actor.name, "auth.sign_out", f"user:{actor.name}",
                     {"address": address})
        uow.commit()


def issue_token(uow: UnitOfWork, *, username: str, password: str, address: str) -> dict:
    """Sign in and hand out a bearer token; only its hash is kept."""
    actor = sign_in(uow, username=username, password=password, address=address)
    token = secrets.token_urlsafe(32)
    now = clock.now()
    with uow:
        user = uow.session.execute(select(User).where(User.username == actor.name)).scalar_one()
        row = ApiToken(user_id=user.id, token_sha256=_sha(token), created_at=now,
                       expires_at=now + TOKEN_LIFETIME)
        uow.session.add(row)
        uow.session.flush()
        audit.record(uow.session, actor.name, "auth.token_issued", f"token:{row.id}",
                     {"expires_at": row.expires_at.isoformat()})
        uow.commit()
        return {"token": token, "id": row.id, "expires_at": row.expires_at.isoformat()}


def actor_for_token(uow: UnitOfWork, token: str) -> Actor | None:
    with uow:
        row = uow.session.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                                  .where(ApiToken.token_sha256 == _sha(token))).first()
        if row is None:
            return None
        tok, user = row
        if tok.revoked_at is not None or clock.as_utc(tok.expires_at) <= clock.now() or not user.active:
            return None
        return Actor.of_user(user)


def revoke_token(uow: UnitOfWork, *, actor: Actor, token_id: int) -> None:
    """A user revokes their own token; an admin any token."""
    with uow:
        row = uow.session.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                                  .where(ApiToken.id == token_id)).first()
        if row is None or (row[1].username != actor.name and "admin" not in actor.roles):
            raise NotFound(f"令牌不存在 / no such token: {token_id}")
        if row[0].revoked_at is None:
            row[0].revoked_at = clock.now()
            audit.record(uow.session, actor.name, "auth.token_revoked", f"token:{token_id}", {})
        uow.commit()


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def credentials_stamp(password_hash: str) -> str:
    """A short fingerprint of the password hash a web session was signed in with: a new
    password (reset, activation) changes it, which ends the older sessions."""
    return _sha(password_hash)[:16]


def session_actor(uow: UnitOfWork, username: str, stamp: str | None) -> Actor | None:
    """The actor of a web session, if its account is active and its password unchanged."""
    with uow:
        user = uow.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None or not user.active or stamp != credentials_stamp(user.password_hash):
            return None
        return Actor.of_user(user)


def session_facts(uow: UnitOfWork, username: str) -> dict:
    """What a new web session keeps: the display name and the credentials stamp."""
    with uow:
        user = uow.session.execute(select(User).where(User.username == username)).scalar_one()
        return {"name": user.display_name or username, "stamp": credentials_stamp(user.password_hash)}
