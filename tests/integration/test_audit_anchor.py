"""Forgery and truncation with database rights but without the chain key are detected."""
from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select, text, update

from casework import audit, clock, integrity
from casework.documents import DocumentIntegrityError, download
from casework.models import AuditEvent, AuditHead, Document
from casework.models.guards import drop_core_guards, install_core_guards
from tests.integration.tamper import as_owner, guards_lifted
from tests.helpers import issue_one


def rehash_from(session, first_seq: int) -> None:
    """Relink with plain SHA-256 and move the head: the attacker's best effort without the
    key, and also how versions before the key linked the chain."""
    prev = session.get(AuditEvent, first_seq - 1).hash if first_seq > 1 else integrity.GENESIS
    events = session.execute(select(AuditEvent).where(AuditEvent.seq >= first_seq)
                             .order_by(AuditEvent.seq)).scalars().all()
    for ev in events:
        fields = [ev.seq, clock.as_utc(ev.at).isoformat(), ev.actor, ev.action, ev.subject, ev.data]
        ev.prev_hash, ev.hash = prev, hashlib.sha256(json.dumps(
            [prev, *fields], ensure_ascii=False, sort_keys=True, separators=(",", ":"),
            default=str).encode()).hexdigest()
        prev = ev.hash
    head = session.get(AuditHead, 1)
    head.seq, head.hash = events[-1].seq, prev


def record_n(container, n: int) -> None:
    for i in range(n):
        with container.uow() as uow:
            audit.record(uow.session, "clerk1", "case.noted", f"case:{i}", {"i": i})
            uow.commit()


def test_pdf_row_and_event_replaced_and_rehashed_are_detected(container, ids):  # noqa: F811
    record_n(container, 2)
    doc = issue_one(container, ids)
    record_n(container, 2)
    forged = container.files.path(doc.file_key).read_bytes().replace(b"%PDF-1.7", b"%PDF-1.6")
    digest = hashlib.sha256(forged).hexdigest()
    key = doc.file_key.replace(doc.sha256[:12], digest[:12])
    container.files.path(key).write_bytes(forged)
    with guards_lifted(container.engine), container.uow() as uow:
        uow.session.execute(update(Document).where(Document.id == doc.id).values(
            sha256=digest, bytes=len(forged), file_key=key))
        ev = uow.session.execute(select(AuditEvent).where(
            AuditEvent.subject == f"document:{doc.id}")).scalar_one()
        ev.data = {**ev.data, "sha256": digest, "bytes": len(forged)}
        rehash_from(uow.session, ev.seq)
        issued_seq = ev.seq
        uow.commit()
    with container.uow() as uow:
        result = audit.verify(uow.session)
        assert (result.first_broken_seq, result.reason) == (
            issued_seq, "content does not match its keyed hash")
        with pytest.raises(DocumentIntegrityError, match="audit"):
            download(uow.session, container.files, doc.id)


def test_last_events_deleted_and_head_moved_are_detected(container):
    record_n(container, 5)
    with container.uow() as uow:
        assert audit.verify(uow.session).checkpoints == 5
    with guards_lifted(container.engine), container.uow() as uow:
        uow.session.execute(text("DELETE FROM audit_event WHERE seq > 3"))
        kept = uow.session.get(AuditEvent, 3).hash
        uow.session.execute(update(AuditHead).values(seq=3, hash=kept))
        uow.commit()
    with container.uow() as uow:
        result = audit.verify(uow.session)
    assert result.first_broken_seq == 4
    assert "events after 3 were removed" in result.reason and "recorded 5" in result.reason


def test_a_checkpoint_line_removed_or_forged_is_named(container):
    record_n(container, 3)
    anchor = integrity.AnchorOpener(container.settings.data_dir)()
    lines = anchor.checkpoints.path.read_bytes().splitlines(keepends=True)
    anchor.checkpoints.path.write_bytes(lines[0] + lines[2])
    with container.uow() as uow, pytest.raises(integrity.IntegrityError, match="line 2"):
        audit.verify(uow.session)


def test_a_lost_key_is_not_silently_replaced(container, tmp_path):
    record_n(container, 1)
    integrity.default_key_path(container.settings.data_dir).unlink()
    opener = integrity.AnchorOpener(container.settings.data_dir)
    with pytest.raises(integrity.IntegrityError, match="missing"):
        opener()


def test_document_id_rewrite_is_refused(container, ids):  # noqa: F811
    doc = issue_one(container, ids)
    with pytest.raises(Exception, match="cannot be changed"):
        with container.uow() as uow:
            uow.session.execute(update(Document).where(Document.id == doc.id).values(id=999))
            uow.commit()


@pytest.mark.sqlite_only
def test_insert_or_replace_is_refused_on_evidence(container, ids):  # noqa: F811
    doc = issue_one(container, ids)
    with pytest.raises(Exception, match="append-only"):
        with container.uow() as uow:
            uow.session.execute(text(
                "INSERT OR REPLACE INTO audit_event (seq, at, actor, action, subject, data, "
                "prev_hash, hash) SELECT seq, at, 'mallory', action, subject, data, prev_hash, "
                "hash FROM audit_event WHERE seq = 1"))
            uow.commit()
    with pytest.raises(Exception, match="cannot be changed or deleted"):
        with container.uow() as uow:
            uow.session.execute(text(
                "INSERT OR REPLACE INTO document SELECT * FROM document WHERE id = :id"),
                {"id": doc.id})
            uow.commit()


@pytest.mark.postgres_only
def test_upsert_is_refused_on_evidence(container, ids):  # noqa: F811
    issue_one(container, ids)
    with pytest.raises(Exception, match="append-only"):
        with container.uow() as uow:
            uow.session.execute(text(
                "INSERT INTO audit_event SELECT * FROM audit_event WHERE seq = 1 "
                "ON CONFLICT (seq) DO UPDATE SET actor = 'mallory'"))
            uow.commit()


def test_rekey_moves_an_unkeyed_chain_onto_the_key(container):
    record_n(container, 3)
    anchor = integrity.AnchorOpener(container.settings.data_dir)()
    with guards_lifted(container.engine), container.uow() as uow:  # as an old version wrote it
        rehash_from(uow.session, 1)
        uow.commit()
    anchor.checkpoints.path.unlink()
    with container.uow() as uow:
        assert "not keyed yet" in audit.verify(uow.session).reason
    with as_owner(container.engine) as conn:
        drop_core_guards(conn)
        count, head = audit.rekey(conn, anchor, None)
        install_core_guards(conn)
    anchor.checkpoints.append("audit", count, head)
    with container.uow() as uow:
        assert audit.verify(uow.session).ok
    with guards_lifted(container.engine), container.uow() as uow:  # a forger imitates it
        rehash_from(uow.session, 1)
        uow.commit()
    with container.uow() as uow:
        assert audit.verify(uow.session).reason == "content does not match its keyed hash"
    with as_owner(container.engine) as conn, pytest.raises(integrity.IntegrityError, match="forgery"):
        audit.rekey(conn, anchor, None)
