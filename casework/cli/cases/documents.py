"""`casework document get ID --out FILE`: the served PDF, byte for byte, hash-verified."""
from __future__ import annotations

from pathlib import Path

import click

from casework.cli.context import AppContext, pass_app
from casework.cli.operator import current_actor
from casework.services.cases.downloads import download_document


@click.group("document")
def command() -> None:
    """文书 / documents served in cases (see `casework case show REF` for their ids)."""


@command.command("get")
@click.argument("document_id", type=int)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@pass_app
def get(app: AppContext, document_id: int, out: Path) -> None:
    actor = current_actor(app.container)
    number, data = download_document(app.container.uow(), actor=actor, document_id=document_id)
    out.write_bytes(data)
    click.echo(f"{number}: {len(data)} bytes -> {out}")
