"""Unit accounts: the bureau creates them and hands over a one-time activation code (bureau
networks have no mail); the unit sets its password with it; a unit's first user invites a
second, and issues it a new code while it was never activated (expired or unused code); the
bureau resets a password with a new code. Every step is an audit event.

A code is 12 letters and digits (about 59 bits), kept only as an argon2 hash, valid for
CODE_LIFETIME, used once, burnt after MAX_CODE_FAILURES wrong tries; failures also count
against the address like failed sign-ins (`accounts.MAX_PER_ADDRESS`). Until activated an
account has no usable password; a reset takes the old one away at once, revokes the
account's API tokens and, by changing the password hash, ends its web sessions.
"""
from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from casework import audit, clock
from casework.errors import CaseworkError, Conflict, InvalidInput, NotFound, PermissionDenied
from casework.models import ActivationCode, ApiToken, SignInAttempt, Unit, User
from casework.passwords import hash_password, verify_password
from casework.services import accounts, scope

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork

UNIT_USERS = 2  # the first, and one it invites
CODE_LIFETIME = timedelta(days=3)
MAX_CODE_FAILURES = 5
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L to misread
CODE_LENGTH = 12
NO_PASSWORD = "!no-password"  # no password verifies against it
BUREAU = ("clerk", "admin")
# Casework's password rule for unit accounts (no text fixes one): long enough, two kinds
# of characters, not the username.
MIN_PASSWORD, MAX_PASSWORD = 10, 128


class CodeRefused(CaseworkError):
    status = 400


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).upper()


def check_password(password: str, username: str) -> None:
    """Casework's rule for unit passwords; raises InvalidInput naming what is missing."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(f"密码须为 {MIN_PASSWORD}–{MAX_PASSWORD} 位 / the password must have "
                           f"{MIN_PASSWORD} to {MAX_PASSWORD} characters")
    kinds = sum(bool(re.search(p, password)) for p in (r"[A-Za-z]", r"[0-9]", r"[^A-Za-z0-9]"))
    if kinds < 2:
        raise InvalidInput("密码须含字母、数字、符号中的至少两类 / the password must mix at least "
                           "two of letters, digits and symbols")
    if username.lower() in password.lower():
        raise InvalidInput("密码不能包含用户名 / the password must not contain the username")


def _valid_username(username: str) -> str:
    username = username.strip()
    if not re.fullmatch(r"[A-Za-z0-9_.-]{2,80}", username):
        raise InvalidInput("用户名须为 2–80 位字母、数字或 _.- / username: 2-80 letters, digits or _.-")
    return username


def _issue(session: Session, user: User, purpose: str, by: str) -> dict:
    """A new one-time code for `user` (older live ones revoked); the code itself is returned
    once and never stored."""
    now = clock.now()
    for old in session.scalars(select(ActivationCode).where(
            ActivationCode.user_id == user.id, ActivationCode.used_at.is_(None),
            ActivationCode.revoked_at.is_(None))):
        old.revoked_at = now
    code = new_code()
    row = ActivationCode(user_id=user.id, purpose=purpose, code_hash=hash_password(normalise_code(code)),
                         issued_by=by, issued_at=now, expires_at=now + CODE_LIFETIME, failures=0)
    session.add(row)
    session.flush()
    audit.record(session, by, "account.code_issued", f"user:{user.username}",
                 {"purpose": purpose, "code_id": row.id, "expires_at": row.expires_at.isoformat()})
    return {"username": user.username, "display_name": user.display_name, "code": code,
            "purpose": purpose, "expires_at": row.expires_at, "unit_id": user.unit_id}


def _add_unit_user(session: Session, unit: Unit, username: str, display_name: str, by: str) -> User:
    if session.execute(select(User.id).where(User.username == username)).scalar():
        raise Conflict(f"用户已存在 / user exists: {username}")
    count = session.execute(select(func.count()).select_from(User).where(User.unit_id == unit.id)).scalar_one()
    if count >= UNIT_USERS:
        raise Conflict(f"每个单位至多 {UNIT_USERS} 个账户 / a unit has at most {UNIT_USERS} accounts")
    user = User(username=username, display_name=display_name.strip()[:100] or username, roles=["unit"],
                unit_id=unit.id, password_hash=NO_PASSWORD, active=False, created_at=clock.now())
    session.add(user)
    session.flush()
    return user


def create_unit_account(uow: UnitOfWork, *, actor: Actor, unit_id: int, username: str,
                        display_name: str = "") -> dict:
    """The bureau adds an account for a unit in its scope: returns the one-time code."""
    actor.require(*BUREAU)
    with uow:
        session = uow.session
        unit = scope.unit(session, actor, unit_id)
        username = _valid_username(username)
        user = _add_unit_user(session, unit, username, display_name, actor.name)
        audit.record(session, actor.name, "account.unit_created", f"user:{username}",
                     {"unit_id": unit.id, "credit_code": unit.credit_code})
        issued = _issue(session, user, "activate", actor.name)
        uow.commit()
        return issued


def invite(uow: UnitOfWork, *, actor: Actor, username: str, display_name: str = "") -> dict:
    """A unit's first user invites a second user of the same unit: returns its code."""
    if not actor.is_unit_user:
        raise PermissionDenied("只有单位用户可以邀请 / only a unit user invites")
    username = _valid_username(username)
    with uow:
        session = uow.session
        if not _is_first(session, actor):
            raise PermissionDenied("只有单位的第一个账户可以邀请 / only the unit's first account invites")
        unit = scope.unit(session, actor, actor.unit_id)
        user = _add_unit_user(session, unit, username, display_name, actor.name)
        audit.record(session, actor.name, "account.invited", f"user:{username}", {"unit_id": unit.id})
        issued = _issue(session, user, "invite", actor.name)
        uow.commit()
        return issued


def reissue(uow: UnitOfWork, *, actor: Actor, username: str) -> dict:
    """A unit's first user issues a new code for its unit's other account that was never
    activated (its code expired or was not used yet): the old code is void from now on. An
    account that has had a password is the bureau's to reset."""
    if not actor.is_unit_user:
        raise PermissionDenied("只有单位用户可以发放激活码 / only a unit user issues codes")
    with uow:
        session = uow.session
        if not _is_first(session, actor):
            raise PermissionDenied("只有单位的第一个账户可以重新发放激活码 / only the unit's first "
                                   "account issues new codes")
        user = session.execute(select(User).where(User.username == username.strip()[:80])).scalar_one_or_none()
        try:
            scope.unit(session, actor, user.unit_id if user is not None and user.unit_id else -1)
        except NotFound:
            raise NotFound(f"本单位无此用户 / no such user in your unit: {username}") from None
        used = session.execute(select(ActivationCode.id).where(
            ActivationCode.user_id == user.id, ActivationCode.used_at.is_not(None)).limit(1)).scalar()
        if _had_password(user, used_code=used is not None):
            raise Conflict("此账户已激活过，单位不能为其重新发放激活码；如需重新设置密码，请联系公安机关 / "
                           "this account has been activated: the unit cannot issue it a new code; "
                           "to reset its password, ask the bureau")
        audit.record(session, actor.name, "account.reinvited", f"user:{user.username}",
                     {"unit_id": user.unit_id})
        issued = _issue(session, user, "invite", actor.name)
        uow.commit()
        return issued


def _had_password(user: User, *, used_code: bool) -> bool:
    """The account has, or once had, a password of its own (a reset leaves a used code)."""
    return user.active or user.password_hash != NO_PASSWORD or used_code


def _is_first(session: Session, actor: Actor) -> bool:
    first = session.execute(select(User.username).where(User.unit_id == actor.unit_id)
                            .order_by(User.id).limit(1)).scalar()
    return first == actor.name


def _unit_user(session: Session, actor: Actor, username: str) -> User:
    """A unit user in the actor's scope; NotFound otherwise (another jurisdiction's too)."""
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or user.unit_id is None:
        raise NotFound(f"单位用户不存在 / no such unit user: {username}")
    try:
        scope.unit(session, actor, user.unit_id)
    except NotFound:
        raise NotFound(f"单位用户不存在 / no such unit user: {username}") from None
    return user


def _reset_state(session: Session, user: User) -> str:
    """A stamp of what a reset changes (password, active, latest code): a confirmation made
    against one state is refused once another act has changed it."""
    latest = session.execute(select(func.max(ActivationCode.id)).where(
        ActivationCode.user_id == user.id)).scalar()
    return accounts.credentials_stamp(f"{user.password_hash}|{user.active}|{latest}")


def _live_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                       ApiToken.revoked_at.is_(None))))


def reset_preview(uow: UnitOfWork, *, actor: Actor, username: str) -> dict:
    """What a reset of `username` would do, for the bureau to confirm first: the user, its
    unit, its state, its live API tokens, and the `state` stamp the confirmation carries."""
    actor.require(*BUREAU)
    with uow:
        session = uow.session
        user = _unit_user(session, actor, username)
        unit = session.get(Unit, user.unit_id)
        status = next(u["status"] for u in _users(session, [unit.id])[unit.id] if u["username"] == username)
        return {"username": user.username, "display_name": user.display_name, "status": status,
                "unit": {"id": unit.id, "name": unit.name, "credit_code": unit.credit_code},
                "tokens": len(_live_tokens(session, user)), "had_password": user.password_hash != NO_PASSWORD,
                "state": _reset_state(session, user)}


def reset_password(uow: UnitOfWork, *, actor: Actor, username: str, seen: str | None = None) -> dict:
    """The bureau resets a unit user's password: the old one stops working now, its tokens
    are revoked, and a new one-time code is returned. With `seen` (the `state` of the
    `reset_preview` the bureau confirmed) the reset is refused if the account changed since."""
    actor.require(*BUREAU)
    with uow:
        session = uow.session
        user = _unit_user(session, actor, username)
        if seen is not None and seen != _reset_state(session, user):
            raise Conflict("确认之后此账户已有变化（已激活或已重置），未重置；请重新查看后再确认 / the account "
                           "changed after the confirmation page was shown (activated or reset): nothing "
                           "was reset; look again and confirm")
        now = clock.now()
        user.password_hash, user.active = NO_PASSWORD, False
        tokens = _live_tokens(session, user)
        for token in tokens:
            token.revoked_at = now
        audit.record(session, actor.name, "account.password_reset", f"user:{username}",
                     {"unit_id": user.unit_id, "tokens_revoked": len(tokens)})
        issued = _issue(session, user, "reset", actor.name)
        uow.commit()
        return issued


_DUMMY_CODE = hash_password("AAAAAAAAAAAA")  # verified against when there is no code: same cost


def activate(uow: UnitOfWork, *, username: str, code: str, password: str, address: str) -> str:
    """Set the password with a one-time code: the account is active from now on."""
    username = username.strip()[:80]
    check_password(password, username)  # before the code: spends no try, tells nothing
    entered = normalise_code(code)
    with uow:
        session = uow.session
        since = clock.now() - accounts.WINDOW
        failures = session.execute(select(func.count()).select_from(SignInAttempt).where(
            SignInAttempt.address == address, SignInAttempt.at >= since)).scalar_one()
        if failures >= accounts.MAX_PER_ADDRESS:
            audit.record(session, username or "-", "account.activation_throttled", f"user:{username}",
                         {"address": address})
            uow.commit()
            raise accounts.Throttled("尝试次数过多，请 15 分钟后再试 / too many tries: try again in 15 minutes")
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        codes = [] if user is None else list(session.scalars(
            select(ActivationCode).where(ActivationCode.user_id == user.id)
            .order_by(ActivationCode.id.desc()).limit(3)))
        matched = next((c for c in codes if verify_password(entered, c.code_hash)), None)
        if not codes:
            verify_password(entered, _DUMMY_CODE)
        if matched is None:
            _refuse(session, uow, username, codes, address)
        _check_live(matched)
        user.password_hash, user.active = hash_password(password), True
        matched.used_at = clock.now()
        audit.record(session, username, "account.activated", f"user:{username}",
                     {"purpose": matched.purpose, "code_id": matched.id, "address": address})
        uow.commit()
        return username


def _live(code: ActivationCode) -> bool:
    return (code.used_at is None and code.revoked_at is None
            and clock.as_utc(code.expires_at) > clock.now())


def _check_live(code: ActivationCode) -> None:
    """A right code that can no longer be used says why (this reveals nothing: it was right)."""
    if code.used_at is not None:
        raise CodeRefused("此激活码已使用过；如需重新设置密码，请联系公安机关 / this activation code "
                          "was already used: ask the bureau for a new one")
    if code.revoked_at is not None:
        raise CodeRefused("此激活码已作废（已发放新码或错误次数过多），请使用最新的激活码 / this "
                          "activation code is void (a newer one was issued, or too many wrong tries)")
    if clock.as_utc(code.expires_at) <= clock.now():
        raise CodeRefused(f"激活码已过期（有效期 {CODE_LIFETIME.days} 天），请联系公安机关重新发放 / the "
                          f"activation code expired (valid {CODE_LIFETIME.days} days): ask the bureau "
                          "for a new one")


def _refuse(session: Session, uow: UnitOfWork, username: str, codes: list, address: str) -> None:
    """A wrong code: counted against the live code (burnt at the limit) and the address."""
    now = clock.now()
    live = next((c for c in codes if _live(c)), None)
    burnt = False
    if live is not None:
        live.failures += 1
        if live.failures >= MAX_CODE_FAILURES:
            live.revoked_at, burnt = now, True
    session.add(SignInAttempt(username=f"activate:{username}"[:80], address=address, at=now))
    audit.record(session, username or "-", "account.activation_failed", f"user:{username}",
                 {"address": address, "code_burnt": burnt})
    uow.commit()
    if burnt:
        raise CodeRefused(f"激活码错误已达 {MAX_CODE_FAILURES} 次，此码已作废，请联系公安机关重新发放 / "
                          f"{MAX_CODE_FAILURES} wrong tries: the code is void, ask the bureau for a new one")
    raise CodeRefused("用户名或激活码不正确 / wrong username or activation code")


def _status(user: User, latest: ActivationCode | None) -> str:
    if user.active:
        return "active"
    return "pending" if latest is not None and _live(latest) else "code_expired"


def _users(session: Session, unit_ids: list[int]) -> dict[int, list[dict]]:
    """Unit id -> its accounts (oldest first) with their state."""
    found: dict[int, list[dict]] = {uid: [] for uid in unit_ids}
    users = list(session.scalars(select(User).where(User.unit_id.in_(unit_ids)).order_by(User.id)))
    latest: dict[int, ActivationCode] = {}
    used: set[int] = set()
    for code in session.scalars(select(ActivationCode).where(
            ActivationCode.user_id.in_([u.id for u in users])).order_by(ActivationCode.id)):
        latest[code.user_id] = code
        if code.used_at is not None:
            used.add(code.user_id)
    for user in users:
        code = latest.get(user.id)
        found[user.unit_id].append({
            "username": user.username, "display_name": user.display_name,
            "status": _status(user, code), "created_at": user.created_at,
            "activated": _had_password(user, used_code=user.id in used),
            "code_expires_at": code.expires_at if code is not None and _live(code) else None,
            "first": not found[user.unit_id]})
    return found


def unit_summary(unit: Unit, users: list[dict]) -> dict:
    return {"id": unit.id, "name": unit.name, "credit_code": unit.credit_code,
            "users": users, "may_add": len(users) < UNIT_USERS}


def my_unit(uow: UnitOfWork, *, actor: Actor) -> dict:
    """A unit user's own unit and its accounts; whether it may invite the second."""
    if not actor.is_unit_user:
        raise PermissionDenied("仅供单位用户 / for unit users")
    with uow:
        unit = scope.unit(uow.session, actor, actor.unit_id)
        users = _users(uow.session, [unit.id])[unit.id]
        page = unit_summary(unit, users)
        first = bool(users) and users[0]["username"] == actor.name
        page["may_invite"] = page["may_add"] and first
        for user in users:  # the first user may issue a never-activated account a new code
            user["may_reissue"] = first and not user["first"] and not user["activated"]
        return page


def bureau_units(uow: UnitOfWork, *, actor: Actor, query: str = "", limit: int = 50) -> list[dict]:
    """Units in the actor's scope (by name or credit code), each with its accounts."""
    actor.require(*BUREAU)
    query = query.strip()[:100]
    with uow:
        select_units = select(Unit).where(actor.where(Unit.id, Unit.jurisdiction_id))
        if query:
            like = f"%{query}%"
            select_units = select_units.where(Unit.name.like(like) | Unit.credit_code.like(like))
        units = list(uow.session.scalars(select_units.order_by(Unit.id).limit(limit)))
        users = _users(uow.session, [u.id for u in units])
        return [unit_summary(u, users[u.id]) for u in units]
