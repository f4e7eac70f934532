"""Issue, serve and download documents inside the caller's unit of work.

A document is rendered once, when issued; its bytes go to the file store under a key
that includes their hash, its SHA-256 into the row. Nothing re-renders it: a download
returns those bytes after checking the hash, and a correction is a new document with
a new number that names the one it replaces (supersedes_id).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from casework import audit, clock
import casework.documents.contexts as contexts
import casework.documents.kinds as kinds
import casework.documents.numbering as numbering
from casework.storage.holidays import calendar_of
from casework.documents.formatting import format_number, number_key
from casework.documents.render import LANGS, TEMPLATE_VERSION, render
from casework.errors import CaseworkError, Conflict, InvalidInput, NotFound
from casework.models.documents import Document
from casework.models.registry import Jurisdiction, Unit

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.storage.files import FileStore


class DocumentIntegrityError(CaseworkError):
    """The stored file is missing or no longer matches the hash recorded at issue."""

    status = 500


@dataclass(frozen=True)
class IssueRequest:
    """One document to issue (the arguments of `issue`, for batches)."""

    kind: str
    jurisdiction_id: int
    unit_id: int
    case_ref: str | None
    context: dict[str, Any]
    lang: str = "zh"
    supersedes_id: int | None = None


@dataclass(frozen=True)
class Prepared:
    """A request checked and numbered, with the exact context that will be rendered."""

    request: IssueRequest
    number: str
    year: int
    seq: int
    context: dict[str, Any]


def issue(session: Session, files: FileStore, *, kind: str, jurisdiction_id: int,
          unit_id: int, case_ref: str | None, context: dict[str, Any], actor: str,
          lang: str = "zh", supersedes_id: int | None = None) -> Document:
    """Number, render once, store and record one document; the caller commits."""
    request = IssueRequest(kind, jurisdiction_id, unit_id, case_ref, context, lang, supersedes_id)
    prepared = prepare(session, request)
    return store(session, files, prepared, render(kind, prepared.context, lang), actor)


def prepare(session: Session, request: IssueRequest) -> Prepared:
    """Check the context, look up party and organ, then take the next number."""
    spec = kinds.get(request.kind)
    if request.lang not in LANGS:
        raise InvalidInput(f"不支持的语言 / unsupported lang {request.lang!r}")
    own = contexts.parse(request.kind, request.context)
    jurisdiction = session.get(Jurisdiction, request.jurisdiction_id)
    if jurisdiction is None:
        raise NotFound(f"辖区不存在 / no jurisdiction {request.jurisdiction_id}")
    unit = session.get(Unit, request.unit_id)
    if unit is None:
        raise NotFound(f"单位不存在 / no unit {request.unit_id}")
    if unit.jurisdiction_id != jurisdiction.id:
        raise InvalidInput(f"单位{unit.name}不属于{jurisdiction.organ_name}管辖 / "
                           "unit is outside this jurisdiction")
    superseded = _superseded(session, request) if request.supersedes_id else None
    today = clock.today_local()
    envelope = {
        "organ": jurisdiction.organ_name,
        "number": "",
        "issued_on": today.isoformat(),
        "party": {"name": unit.name, "credit_code": unit.credit_code, "address": unit.address,
                  "legal_representative": unit.legal_representative,
                  "party_type": unit.party_type},
        "supersedes_number": superseded.number if superseded else None,
    }
    contexts.check_with_envelope(request.kind, own, contexts.parse_envelope(
        {**envelope, "number": "-"}), _holiday_table(session))
    seq = numbering.allocate(session, jurisdiction_id=jurisdiction.id, kind=request.kind,
                             year=today.year)
    envelope["number"] = format_number(jurisdiction.doc_prefix, spec.code, today.year, seq)
    full = {**envelope, **contexts.to_json(own)}
    return Prepared(request, envelope["number"], today.year, seq, full)


def _holiday_table(session: Session):
    """The legal calendar for period checks; None (calendar-day floor) before any year is seeded."""
    table = calendar_of(session).table()
    return table if table.years else None


def store(session: Session, files: FileStore, prepared: Prepared, data: bytes,
          actor: str) -> Document:
    """Put the rendered bytes in the file store and insert the row and audit event."""
    request = prepared.request
    digest = hashlib.sha256(data).hexdigest()
    # The file appears only if this transaction commits (staged until then): a rolled-back
    # issue leaves nothing, and its number may be reused; the hash in the key keeps them apart.
    key = f"documents/{prepared.year}/{number_key(prepared.number)}-{digest[:12]}.pdf"
    try:
        files.put_on_commit(session, key, data)
    except FileExistsError:
        # Left by an issue from before files were staged; rendering is deterministic,
        # so identical bytes are that orphan and may be adopted. Anything else is not.
        if files.get(key) != data:
            raise DocumentIntegrityError(
                f"文件已存在且内容不同 / a different file is stored under {key}") from None
    doc = Document(
        number=prepared.number, kind=request.kind, year=prepared.year, seq=prepared.seq,
        jurisdiction_id=request.jurisdiction_id, unit_id=request.unit_id,
        case_ref=request.case_ref, file_key=key, sha256=digest, bytes=len(data),
        template_version=TEMPLATE_VERSION, lang=request.lang, context=prepared.context,
        issued_at=clock.now(), issued_by=actor, supersedes_id=request.supersedes_id,
    )
    session.add(doc)
    session.flush()
    audit.record(session, actor, "document.issued", f"document:{doc.id}", {
        "number": doc.number, "kind": doc.kind, "sha256": digest, "bytes": len(data),
        "case_ref": doc.case_ref, "unit_id": doc.unit_id, "supersedes_id": doc.supersedes_id,
        "template_version": TEMPLATE_VERSION,
    })
    return doc


def serve(session: Session, document_id: int, *, actor: str, method: str) -> Document:
    """Record that the document was served on the party; a document is served once."""
    doc = get(session, document_id)
    if method not in kinds.SERVICE_METHODS:
        raise InvalidInput(f"未知送达方式 / unknown service method {method!r}: use one of "
                           f"{', '.join(kinds.SERVICE_METHODS)}")
    if doc.served_at is not None:
        raise Conflict(f"文书{doc.number}已于{clock.format_local(doc.served_at)}送达"
                       f"（{kinds.SERVICE_METHODS[doc.service_method or 'direct'][0]}），"
                       f"不能重复送达 / document {doc.number} was already served")
    replacement = superseded_by(session, doc.id)
    if replacement is not None:
        raise Conflict(f"文书{doc.number}已被{replacement.number}更正替代，不能送达 / "
                       "document was superseded")
    doc.served_at, doc.served_by, doc.service_method = clock.now(), actor, method
    session.flush()
    audit.record(session, actor, "document.served", f"document:{doc.id}",
                 {"number": doc.number, "method": method, "sha256": doc.sha256})
    return doc


def download(session: Session, files: FileStore, document_id: int, *,
             actor: str | None = None) -> bytes:
    """Exactly the bytes stored at issue, after checking them against the recorded hash."""
    doc = get(session, document_id)
    try:
        data = files.get(doc.file_key)
    except FileNotFoundError:
        raise DocumentIntegrityError(
            f"文书{doc.number}的文件缺失 / stored file of {doc.number} is missing") from None
    if len(data) != doc.bytes or hashlib.sha256(data).hexdigest() != doc.sha256:
        raise DocumentIntegrityError(
            f"文书{doc.number}的文件与签发时的哈希值不一致，可能已被篡改 / "
            f"stored file of {doc.number} does not match its SHA-256")
    if _issued_hash(session, doc.id) != doc.sha256 or doc.sha256[:12] not in doc.file_key:
        # File and row were changed together: the audit chain still holds the original.
        raise DocumentIntegrityError(
            f"文书{doc.number}的哈希值与签发时审计记录不一致，可能已被篡改 / "
            f"the SHA-256 of {doc.number} differs from the one recorded in the audit chain")
    if actor is not None:
        audit.record(session, actor, "document.downloaded", f"document:{doc.id}",
                     {"number": doc.number})
    return data


def issue_service_receipt(session: Session, files: FileStore, *, document_id: int,
                          actor: str, method: str, place: str, servers: list[str],
                          lang: str = "zh") -> Document:
    """The 送达回执 that goes with a served document, filled from that document."""
    served = get(session, document_id)
    unit = session.get(Unit, served.unit_id)
    context = {"served_number": served.number,
               "served_title": kinds.KINDS[served.kind].title(lang),
               "recipient": unit.name if unit else "", "method": method, "place": place,
               "servers": servers}
    return issue(session, files, kind="service_receipt", jurisdiction_id=served.jurisdiction_id,
                 unit_id=served.unit_id, case_ref=served.case_ref, context=context,
                 actor=actor, lang=lang)


def _issued_hash(session: Session, document_id: int) -> str | None:
    """The SHA-256 the `document.issued` audit event recorded (keyed chain, append-only)."""
    data = audit.first_authentic(session, f"document:{document_id}", "document.issued")
    return (data or {}).get("sha256")


def get(session: Session, document_id: int) -> Document:
    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFound(f"文书不存在 / no document {document_id}")
    return doc


def superseded_by(session: Session, document_id: int) -> Document | None:
    return session.execute(
        select(Document).where(Document.supersedes_id == document_id)
    ).scalar_one_or_none()


def _superseded(session: Session, request: IssueRequest) -> Document:
    old = get(session, request.supersedes_id)
    if old.kind != request.kind or old.unit_id != request.unit_id:
        raise InvalidInput(f"更正文书应与原文书{old.number}种类和当事人相同 / a correction must "
                           "have the same kind and party as the document it replaces")
    newer = superseded_by(session, old.id)
    if newer is not None:
        raise Conflict(f"文书{old.number}已被{newer.number}更正替代 / already superseded")
    return old
