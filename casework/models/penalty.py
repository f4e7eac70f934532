"""Published penalty decisions (行政执法公示, APL 第四十八条; 国办发〔2018〕118号)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base


class Publication(Base):
    """One decision as the public sees it: the party masked where it is an individual."""

    __tablename__ = "penalty_publication"
    __table_args__ = (Index("ix_penalty_publication_published", "published_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(40), unique=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    decision_number: Mapped[str] = mapped_column(String(80))
    organ: Mapped[str] = mapped_column(String(200))
    party: Mapped[str] = mapped_column(String(200))  # a unit's name; an individual masked
    act: Mapped[str] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(Text)
    penalty: Mapped[str] = mapped_column(String(200))
    decided_on: Mapped[date] = mapped_column(Date)
    published_on: Mapped[date] = mapped_column(Date)
    publish_by: Mapped[date] = mapped_column(Date)  # 7 working days after the decision
    status: Mapped[str] = mapped_column(String(20), default="published")  # published | withdrawn
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdraw_by: Mapped[date | None] = mapped_column(Date)
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime]
