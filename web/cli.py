"""`casework web serve`: the web doors under gunicorn (plugged in via casework.commands)."""
from __future__ import annotations

import click

from casework.bootstrap import bootstrap
from casework.services import accounts
from casework.services.actor import Actor
from web.app import create_app
from web.serving import Gunicorn


@click.group("web")
def command() -> None:
    """Web doors: staff queues, case pages, dashboards and the JSON API."""


@command.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve under gunicorn (gthread workers)."""
    click.echo(f"web: http://{host}:{port}/ ({workers} workers x {threads} threads)")
    Gunicorn(create_app, {
        "bind": f"{host}:{port}", "workers": workers, "threads": threads,
        "worker_class": "gthread", "accesslog": None, "errorlog": "-", "loglevel": "warning",
        "timeout": 60, "graceful_timeout": 10,
    }).run()


@command.command("add-user")
@click.argument("username")
@click.option("--name", "display_name", default="", help="Display name (Chinese).")
@click.option("--role", "roles", multiple=True, required=True, help="clerk, inspector, legal_reviewer, bureau_head, manager, scheduler, auditor, admin or unit")
@click.option("--jurisdiction", default=None, help="Staff: the jurisdiction code they work in (none: all).")
@click.option("--unit-id", type=int, default=None, help="Unit users: their unit.")
@click.password_option("--password", envvar="CASEWORK_NEW_PASSWORD")
def add_user(username, display_name, roles, jurisdiction, unit_id, password) -> None:
    """Add a staff account or a unit user (as the system administrator)."""
    ident = accounts.create_account(bootstrap().uow(), actor=Actor("system-admin", frozenset({"admin"})),
                                    username=username, display_name=display_name, password=password,
                                    roles=list(roles), jurisdiction=jurisdiction, unit_id=unit_id)
    click.echo(f"user {username} (id {ident})")
