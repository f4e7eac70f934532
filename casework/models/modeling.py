"""Modeler drafts: a manager's unsaved-to-engine diagram of a model, with its revision."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, JSONType, OrderedJSONType


class ModelDraft(Base):
    """One draft per model key; `revision` grows on each save (a stale save is a conflict)."""

    __tablename__ = "model_draft"
    __table_args__ = (UniqueConstraint("key"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    base_version: Mapped[int] = mapped_column(Integer)
    xml: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    problems: Mapped[list] = mapped_column(JSONType, default=list)
    saved_by: Mapped[str] = mapped_column(String(100))
    saved_at: Mapped[datetime]


class FormDraft(Base):
    """A form edited in the modeler: the whole form document; the next deploy of a model using it
    stores this text with that version (`engine_model_version.forms`). `revision` as for drafts."""

    __tablename__ = "form_draft"
    __table_args__ = (UniqueConstraint("key"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    form: Mapped[dict] = mapped_column(OrderedJSONType)  # field order kept
    revision: Mapped[int] = mapped_column(Integer)
    saved_by: Mapped[str] = mapped_column(String(100))
    saved_at: Mapped[datetime]
