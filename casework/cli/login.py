"""`casework login|logout|whoami` and `casework user add|unit-account|reset`: who works at
this terminal, and the accounts an admin or the bureau adds."""
from __future__ import annotations

import sys
from datetime import datetime, timedelta

import click
from sqlalchemy import select

from casework import audit, clock
from casework.cli.context import AppContext, pass_app
from casework.cli.operator import (
    NO_PASSWORD, SYSTEM_ROLE, current_actor, issue_token, os_user, session_file, write_session)
from casework.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from casework.models import Jurisdiction, User
from casework.models.identity import ROLES
from casework.passwords import hash_password, verify_password
from casework.services.units import accounts as unit_accounts

MAX_FAILURES = 5  # then the account waits LOCKOUT before the next try
LOCKOUT = timedelta(minutes=15)
WRONG = "用户名或密码错误 / wrong username or password"
SYSTEM_ACCOUNT = "system.jobs"  # the demo seeds a user named `scheduler`


def _password(from_stdin: bool, confirm: bool = False) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("密码 / password", hide_input=True, confirmation_prompt=confirm)


@click.command("login")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@pass_app
def login(app: AppContext, username: str, password_stdin: bool) -> None:
    """Sign in: check the password, keep a short-lived session for this OS user."""
    password = _password(password_stdin)
    with app.container.uow() as uow:
        session = uow.session
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        now = clock.now()
        if user is not None and user.locked_until is not None and clock.as_utc(user.locked_until) > now:
            raise PermissionDenied(f"失败次数过多，请于{clock.format_local(user.locked_until)}后再试 / "
                                   "too many failed sign-ins: try again later")
        if user is None or not user.active or not verify_password(password, user.password_hash):
            if user is not None:
                user.failed_logins = (user.failed_logins or 0) + 1
                if user.failed_logins >= MAX_FAILURES:
                    user.locked_until, user.failed_logins = now + LOCKOUT, 0
            audit.record(session, f"os:{os_user()}", "cli.login_failed", f"user:{username}",
                         {"os_user": os_user()})
            uow.commit()
            raise PermissionDenied(WRONG)
        user.failed_logins, user.locked_until = 0, None
        token, claims = issue_token(audit.anchor_of(session).key, user)
        audit.record(session, user.username, "cli.login", f"user:{user.username}",
                     {"os_user": claims["os_user"], "expires": claims["expires"]})
        uow.commit()
    write_session(token)
    expires = datetime.fromisoformat(claims["expires"])
    click.echo(f"signed in as {username} until {clock.format_local(expires)}")


@click.command("logout")
@pass_app
def logout(app: AppContext) -> None:
    """Sign out: remove this OS user's session file."""
    path = session_file()
    if path.exists():
        path.unlink()
    click.echo("signed out")


@click.command("whoami")
@pass_app
def whoami(app: AppContext) -> None:
    """Show who commands act as."""
    actor = current_actor(app.container)
    scope = (f"unit {actor.unit_id}" if actor.unit_id is not None
             else f"jurisdiction {actor.jurisdiction_id}" if actor.jurisdiction_id is not None
             else "all jurisdictions")
    click.echo(f"{actor.name}\t{','.join(sorted(actor.roles)) or '-'}\t{scope}")


@click.group("user")
def user() -> None:
    """用户 / accounts (an admin adds them)."""


@user.command("add")
@click.argument("username")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), required=True)
@click.option("--jurisdiction", default=None, help="Jurisdiction code (bureau staff).")
@click.option("--unit-id", type=int, default=None, help="The unit of a unit user.")
@click.option("--display-name", default=None)
@click.option("--system", is_flag=True, help="A system account for scheduled jobs: no password.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@pass_app
def add_user(app: AppContext, username, roles, jurisdiction, unit_id, display_name, system,
             password_stdin) -> None:
    """Add an account (admin only)."""
    actor = current_actor(app.container, "admin")
    uid = create_user(app, username, roles, jurisdiction, unit_id, display_name, system,
                      None if system else _password(password_stdin, confirm=not password_stdin),
                      actor=actor.name)
    click.echo(f"user {uid} {username} added")


@user.command("unit-account")
@click.argument("unit_id", type=int)
@click.argument("username")
@click.option("--display-name", default="")
@pass_app
def unit_account(app: AppContext, unit_id: int, username: str, display_name: str) -> None:
    """Create a unit's account (clerk or admin): prints its one-time activation code."""
    actor = current_actor(app.container, *unit_accounts.BUREAU)
    _print_code(unit_accounts.create_unit_account(app.container.uow(), actor=actor, unit_id=unit_id,
                                                  username=username, display_name=display_name))


@user.command("reset")
@click.argument("username")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation / 不再确认")
@pass_app
def reset_unit_password(app: AppContext, username: str, yes: bool) -> None:
    """Reset a unit user's password (clerk or admin), after naming the user and its unit and
    asking: prints a new one-time activation code."""
    actor = current_actor(app.container, *unit_accounts.BUREAU)
    seen = unit_accounts.reset_preview(app.container.uow(), actor=actor, username=username)
    if not yes:
        click.echo(f"{seen['display_name']} ({seen['username']}), {seen['unit']['name']} "
                   f"{seen['unit']['credit_code']}: 现有密码立即失效，网页会话结束，{seen['tokens']} 个接口令牌吊销 / "
                   f"the password stops working now, web sessions end, {seen['tokens']} API token(s) revoked")
        click.confirm("确认重置？/ Reset?", abort=True)
    _print_code(unit_accounts.reset_password(app.container.uow(), actor=actor, username=username,
                                             seen=seen["state"]))


def _print_code(issued: dict) -> None:
    click.echo(f"{issued['username']}\t{issued['code']}\tvalid until "
               f"{clock.format_local(issued['expires_at'])} (shown once; activate at /activate)")


def create_user(app: AppContext, username: str, roles, jurisdiction: str | None,
                unit_id: int | None, display_name: str | None, system: bool,
                password: str | None, *, actor: str) -> int:
    if system and set(roles) != {SYSTEM_ROLE}:
        raise InvalidInput(f"系统账户只能有 {SYSTEM_ROLE} 角色 / a system account has the "
                           f"{SYSTEM_ROLE} role only")
    if "unit" in roles and unit_id is None:
        raise InvalidInput("单位用户须指定 --unit-id / a unit user needs --unit-id")
    with app.container.uow() as uow:
        session = uow.session
        if session.execute(select(User.id).where(User.username == username)).first():
            raise Conflict(f"用户已存在 / user {username} exists")
        jurisdiction_id = None
        if jurisdiction:
            jurisdiction_id = session.execute(select(Jurisdiction.id).where(
                Jurisdiction.code == jurisdiction)).scalar_one_or_none()
            if jurisdiction_id is None:
                raise NotFound(f"没有此辖区 / no jurisdiction {jurisdiction}")
        row = User(username=username, display_name=display_name or username,
                   password_hash=NO_PASSWORD if system else hash_password(password or ""),
                   roles=list(roles), jurisdiction_id=jurisdiction_id, unit_id=unit_id,
                   active=True, created_at=clock.now())
        session.add(row)
        session.flush()
        audit.record(session, actor, "user.added", f"user:{username}",
                     {"roles": list(roles), "jurisdiction": jurisdiction, "unit_id": unit_id,
                      "system": system, "os_user": os_user()})
        uow.commit()
        return row.id


def ensure_accounts(app: AppContext, admin: str | None, password_stdin: bool, echo) -> None:
    """`casework init`: the scheduler's system account, and a first admin if asked for."""
    with app.container.uow() as uow:
        existing = set(uow.session.execute(select(User.username).where(
            User.username.in_([SYSTEM_ACCOUNT, admin or SYSTEM_ACCOUNT]))).scalars())
    if SYSTEM_ACCOUNT not in existing:
        create_user(app, SYSTEM_ACCOUNT, [SYSTEM_ROLE], None, None, "定时任务 / scheduled jobs",
                    True, None, actor="init")
        echo(f"system account: {SYSTEM_ACCOUNT} (CASEWORK_SYSTEM_ACCOUNT={SYSTEM_ACCOUNT} for "
             "scheduled jobs)")
    if admin and admin not in existing:
        create_user(app, admin, ["admin"], None, None, None, False,
                    _password(password_stdin, confirm=not password_stdin), actor="init")
        echo(f"admin: {admin}")


commands = (login, logout, whoami, user)
