"""`casework web serve`: the web doors under gunicorn (plugged in via casework.commands)."""
from __future__ import annotations

import click

from web.app import create_app
from web.serving import Gunicorn, even_connections


@click.group("web")
def command() -> None:
    """Web doors: staff queues, case pages, dashboards and the JSON API."""


@command.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--threads", default=3, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve under gunicorn (gthread workers)."""
    click.echo(f"web: http://{host}:{port}/ ({workers} workers x {threads} threads)")
    Gunicorn(create_app, {
        "bind": f"{host}:{port}", "workers": workers, "threads": threads,
        "worker_class": "gthread", "accesslog": None, "errorlog": "-", "loglevel": "warning",
        "timeout": 60, "graceful_timeout": 10, **even_connections(),
    }).run()

