"""`casework audit verify`: recompute the audit hash chain and name the first broken link."""
from __future__ import annotations

import sys

import click

from casework import audit
from casework.cli.context import AppContext, pass_app


@click.group("audit")
def command() -> None:
    """审计链 / the append-only audit trail."""


@command.command("verify")
@pass_app
def verify(app: AppContext) -> None:
    with app.container.uow() as uow:
        result = audit.verify(uow.session)
    if result.ok:
        click.echo(f"ok: {result.checked} events, chain intact")
        return
    click.echo(f"broken at event {result.first_broken_seq}: {result.reason} "
               f"({result.checked} events verified before it)", err=True)
    sys.exit(1)
