"""Who a CLI command acts as: `--as USERNAME`, or the system operator."""
from __future__ import annotations

import click
from sqlalchemy import select

from casework.errors import NotFound
from casework.models import User
from casework.services.actor import Actor

as_option = click.option("--as", "as_user", default=None, metavar="USERNAME",
                         help="Act as this user (default: the system operator).")


def resolve_actor(container, username: str | None) -> Actor:
    if not username:
        return Actor.system()
    with container.uow() as uow:
        user = uow.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None or not user.active:
            raise NotFound(f"no such active user: {username}")
        return Actor(user.username, frozenset(user.roles), user.unit_id, user.jurisdiction_id)
