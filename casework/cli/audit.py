"""`casework audit verify|rekey`: check the keyed audit chain against its checkpoints."""
from __future__ import annotations

import sys

import click
from sqlalchemy import select

from casework import audit, integrity
from casework.cli.context import AppContext, pass_app
from casework.documents import DocumentIntegrityError, download
from casework.models import Document
from casework.models.guards import drop_core_guards, install_core_guards


@click.group("audit")
def command() -> None:
    """审计链 / the append-only audit trail."""


@command.command("verify")
@click.option("--documents", is_flag=True,
              help="Also check every issued document's file and row against the chain.")
@pass_app
def verify(app: AppContext, documents: bool) -> None:
    """Recompute the chain, compare it with every checkpoint, then write a new checkpoint."""
    with app.container.uow() as uow:
        result = audit.verify(uow.session)
    if not result.ok:
        click.echo(f"broken at event {result.first_broken_seq}: {result.reason} "
                   f"({result.checked} events verified before it)", err=True)
        sys.exit(1)
    with app.container.uow() as uow:
        seq, _ = audit.checkpoint(uow.session)
    click.echo(f"ok: {result.checked} events, chain intact, {result.checkpoints} checkpoints "
               f"matched; checkpoint written at event {seq}")
    if documents:
        checked = _verify_documents(app)
        click.echo(f"ok: {checked} documents match their files and the audit chain")


def _verify_documents(app: AppContext) -> int:
    container, checked, last = app.container, 0, 0
    while True:
        with container.uow() as uow:
            ids = uow.session.execute(select(Document.id).where(Document.id > last)
                                      .order_by(Document.id).limit(500)).scalars().all()
            for doc_id in ids:
                try:
                    download(uow.session, container.files, doc_id)
                except DocumentIntegrityError as exc:
                    click.echo(f"broken at document {doc_id}: {exc} "
                               f"({checked} documents verified before it)", err=True)
                    sys.exit(1)
                checked += 1
        if not ids:
            return checked
        last = ids[-1]


@command.command("rekey")
@click.option("--old-key", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The key the chain is linked with now (default: an unkeyed chain of "
                   "earlier versions).")
@pass_app
def rekey(app: AppContext, old_key: str | None) -> None:
    """Relink the whole chain under the current key (needs the schema owner's rights)."""
    anchor = integrity.AnchorOpener(app.container.settings.data_dir)()
    old = integrity.load_key(old_key) if old_key else None
    if old is not None:  # its checkpoints were signed with the old key: keep them apart
        archived = integrity.CheckpointLog(anchor.checkpoints.path, old)
        archived.entries()  # refuse to archive a damaged log
    with app.owner_engine() as engine, engine.begin() as conn:
        drop_core_guards(conn)
        count, head = audit.rekey(conn, anchor, old)
        install_core_guards(conn)
    if old is not None and anchor.checkpoints.path.exists():
        anchor.checkpoints.path.rename(
            anchor.checkpoints.path.with_name(f"{anchor.checkpoints.path.name}.{old.key_id}"))
    anchor.checkpoints.append(audit.CHAIN, count, head)
    click.echo(f"ok: {count} events relinked under key {anchor.key.key_id}; checkpoint written")
