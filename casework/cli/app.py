"""The `casework` command group: core commands plus those other packages register.

Outer packages (recorder, workflows, web) add their command groups through the
`casework.commands` entry-point group, so the core never imports them.
"""
from __future__ import annotations

import sys
from importlib.metadata import entry_points

import click
from sqlalchemy.exc import DBAPIError

import casework.cli.audit as audit
import casework.cli.cases.documents as documents
import casework.cli.cases.footage as footage
import casework.cli.cases.lifecycle as lifecycle
import casework.cli.cases.models as models
import casework.cli.demo as demo
import casework.cli.law.calendar as calendar
import casework.cli.law.deadline as deadline
import casework.cli.law.rulebook as rulebook
import casework.cli.login as login
from casework.cli.context import AppContext, ensure_chain_key, pass_app
from casework.install.seed import seed_reference_data
from casework.errors import CaseworkError
from casework.storage.db import is_sqlite


class CaseworkGroup(click.Group):
    """Loads plugin commands lazily and turns domain errors into one clear line."""

    def _plugins(self) -> dict[str, click.Command]:
        found = {}
        for ep in entry_points(group="casework.commands"):
            found[ep.name] = ep
        return found

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self._plugins()))

    def get_command(self, ctx, name):
        cmd = super().get_command(ctx, name)
        if cmd is None and name in self._plugins():
            cmd = self._plugins()[name].load()
        return cmd

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except CaseworkError as exc:
            click.echo(f"错误 / error: {exc}", err=True)
            sys.exit(1)
        except DBAPIError as exc:
            click.echo(f"错误 / error: {database_problem(exc)}", err=True)
            sys.exit(1)


def database_problem(exc: DBAPIError) -> str:
    """One line for a database that is missing, unreachable or not initialised."""
    first = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
    if "no such table" in first or ("relation" in first and "does not exist" in first):
        return f"数据库未初始化，请先运行 `casework init` / the database is not initialised: run `casework init` ({first})"
    return f"数据库错误 / database error: {first}"


@click.group(cls=CaseworkGroup)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Casework: 公共安全视频图像信息系统 case processing."""
    ctx.obj = AppContext()


@main.command("init")
@click.option("--admin-url", envvar="CASEWORK_ADMIN_DATABASE_URL", default=None,
              help="PostgreSQL superuser URL: create the owner and application roles.")
@click.option("--admin", "admin_user", default=None, metavar="USERNAME",
              help="Create this first admin account (asks for its password).")
@click.option("--password-stdin", is_flag=True, help="Read the admin's password from stdin.")
@pass_app
def init_command(app: AppContext, admin_url: str | None, admin_user: str | None,
                 password_stdin: bool) -> None:
    """Create the chain key, the database roles (PostgreSQL), migrate, seed, add accounts."""
    path, created = ensure_chain_key(app.container)
    click.echo(f"chain key: {path} ({'created, mode 600' if created else 'kept'}) "
               "— keep it secret and backed up apart from the database")
    if admin_url and not is_sqlite(app.container.engine):
        app.provision_roles(admin_url, click.echo)
    container = app.container
    click.echo(f"database: {container.engine.url.render_as_string(hide_password=True)}")
    app.migrate()
    if admin_url and not is_sqlite(container.engine):
        app.finish_roles(admin_url)
    summary = seed_reference_data(container, progress=click.echo)
    login.ensure_accounts(app, admin_user, password_stdin, click.echo)
    click.echo(f"ready: {summary}")


# Each core module defines a click command or group named `command`, or several as `commands`.
CORE_COMMAND_MODULES = (demo, deadline, calendar, rulebook, lifecycle, audit, models, documents, footage,
                        login)

for _module in CORE_COMMAND_MODULES:
    for _command in getattr(_module, "commands", None) or (_module.command,):
        main.add_command(_command)
