"""Issued documents (notices, decisions, receipts) and their gapless numbering."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, JSONType


class Document(Base):
    """One rendered PDF: numbered, stored once with its SHA-256, never re-rendered."""

    __tablename__ = "document"
    __table_args__ = (
        Index("ix_document_case_ref", "case_ref"),
        Index("ix_document_unit_kind", "unit_id", "kind"),
        UniqueConstraint("jurisdiction_id", "kind", "year", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(80), unique=True)  # 太公(视)限改字〔2026〕第0001号
    kind: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    case_ref: Mapped[str | None] = mapped_column(String(80))
    file_key: Mapped[str] = mapped_column(String(300), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    bytes: Mapped[int] = mapped_column(BigInteger)
    template_version: Mapped[str] = mapped_column(String(40))
    lang: Mapped[str] = mapped_column(String(8), default="zh")
    context: Mapped[dict] = mapped_column(JSONType)  # exactly what was rendered
    issued_at: Mapped[datetime]
    issued_by: Mapped[str] = mapped_column(String(100))
    served_at: Mapped[datetime | None]
    served_by: Mapped[str | None] = mapped_column(String(100))
    service_method: Mapped[str | None] = mapped_column(String(30))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), unique=True)


class DocumentSequence(Base):
    """The last number issued per jurisdiction, kind and year; row-locked to allocate."""

    __tablename__ = "document_sequence"

    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
