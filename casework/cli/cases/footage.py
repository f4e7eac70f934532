"""`casework footage request`: officers ask to copy a camera's footage for [t0, t1]."""
from __future__ import annotations

import click

from casework.cli.context import AppContext, pass_app
from casework.cli.operator import current_actor
from casework.errors import InvalidInput
from casework.services.footage_access import request_access


def _officer(value: str) -> dict:
    name, sep, badge = value.partition(":")
    if not sep:
        raise InvalidInput(f"--officer takes NAME:BADGE, got {value!r}")
    return {"name": name.strip(), "badge": badge.strip()}


@click.group("footage")
def command() -> None:
    """查阅、复制、调取录像 / registered access to footage."""


@command.command("request")
@click.option("--camera", "camera_id", type=int, required=True)
@click.option("--from", "t0", type=click.DateTime(), required=True, help="UTC, ISO 8601")
@click.option("--to", "t1", type=click.DateTime(), required=True, help="UTC, ISO 8601")
@click.option("--purpose", required=True)
@click.option("--destination", required=True)
@click.option("--officer", "officers", multiple=True, required=True, help="NAME:BADGE (at least two)")
@pass_app
def request(app: AppContext, camera_id, t0, t1, purpose, destination, officers) -> None:
    """Open an access case; a bureau head approves it in the task queue."""
    actor = current_actor(app.container)
    click.echo(request_access(app.container.uow(), actor=actor, camera_id=camera_id, t0=t0, t1=t1,
                              purpose=purpose, destination=destination,
                              officers=[_officer(o) for o in officers]))
