"""`casework document get ID --out FILE`: the served PDF, byte for byte, hash-verified."""
from __future__ import annotations

from pathlib import Path

import click

from casework.cli.context import AppContext, pass_app
from casework.cli.operator import as_option, resolve_actor
from casework.services.cases.downloads import download_document


@click.group("document")
def command() -> None:
    """文书 / documents served in cases (see `casework case show REF` for their ids)."""


@command.command("get")
@click.argument("document_id", type=int)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@as_option
@pass_app
def get(app: AppContext, document_id: int, out: Path, as_user) -> None:
    actor = resolve_actor(app.container, as_user)
    number, data = download_document(app.container.uow(), actor=actor, document_id=document_id)
    out.write_bytes(data)
    click.echo(f"{number}: {len(data)} bytes -> {out}")
