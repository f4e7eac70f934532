"""`casework audit verify|export-checkpoints|rekey`: the keyed chain and its checkpoints."""
from __future__ import annotations

import shutil
import sys
from importlib.metadata import entry_points
from pathlib import Path

import click
from sqlalchemy import select

from casework import audit, clock, integrity
from casework.cli.context import AppContext, pass_app
from casework.cli.operator import JOBS, STAFF, current_actor
from casework.documents import DocumentIntegrityError, download
from casework.models import Document
from casework.models.guards import drop_core_guards, install_core_guards

# Other chains anchored in the same file (e.g. each camera's): functions (session) -> how
# many heads they checkpointed, synced, for the daily export.
HEADS_GROUP = "casework.checkpoints"


@click.group("audit")
def command() -> None:
    """审计链 / the append-only audit trail."""


@command.command("verify")
@click.option("--documents", is_flag=True,
              help="Also check every issued document's file and row against the chain.")
@pass_app
def verify(app: AppContext, documents: bool) -> None:
    """Recompute the chain, compare it with every checkpoint, then write a new checkpoint."""
    current_actor(app.container, *STAFF, *JOBS)
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


@command.command("export-checkpoints")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@pass_app
def export_checkpoints(app: AppContext, out_dir: Path) -> None:
    """The daily export: checkpoint the head now and copy the checkpoint file to OUT
    (another host or medium), so its tail is kept outside this machine too."""
    current_actor(app.container, *JOBS, "auditor")
    with app.container.uow() as uow:
        seq, _ = audit.checkpoint(uow.session)
        heads = sum(ep.load()(uow.session) for ep in
                    sorted(entry_points(group=HEADS_GROUP), key=lambda ep: ep.name))
        log = audit.anchor_of(uow.session).checkpoints
    log.entries()  # copy only a log that checks
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"chain-heads-{clock.today_local().isoformat()}.log"
    shutil.copyfile(log.path, target)
    click.echo(f"checkpoint at event {seq} and of {heads} other chain heads; "
               f"{log.path.name} copied to {target}")


@command.command("rekey")
@click.option("--old-key", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The key the chain is linked with now (default: an unkeyed chain of "
                   "earlier versions).")
@pass_app
def rekey(app: AppContext, old_key: str | None) -> None:
    """Relink the whole chain under the current key (needs the schema owner's rights)."""
    current_actor(app.container, "admin")
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
