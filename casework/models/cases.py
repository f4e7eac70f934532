"""Cases and violations: the business records the processes work on."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.models.base import Base, JSONType
from casework.models.registry import Jurisdiction, RulebookVersion, Unit, VideoSystem

CASE_KINDS = ("acceptance", "filing", "rectification", "inspection", "footage_access", "penalty")


class Case(Base):
    """One matter handled by one process instance, under the rulebook it was opened with."""

    __tablename__ = "case_file"
    __table_args__ = (
        Index("ix_case_file_unit_status", "unit_id", "status"),
        Index("ix_case_file_status_due", "status", "due_at"),
        # Dashboards: open cases by age (decision limit), closed cases by month.
        Index("ix_case_file_kind_status_opened", "kind", "status", "opened_at"),
        Index("ix_case_file_kind_status_closed", "kind", "status", "closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)  # e.g. TY-2026-00012
    kind: Mapped[str] = mapped_column(String(30))
    subkind: Mapped[str] = mapped_column(String(40), default="")  # e.g. filing kind
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    system_id: Mapped[int | None] = mapped_column(ForeignKey("video_system.id"))
    rulebook_version_id: Mapped[int] = mapped_column(ForeignKey("rulebook_version.id"))
    # The national baseline in force when opened (None before 2025-04-01).
    national_rulebook_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("rulebook_version.id"))
    violation_id: Mapped[int | None] = mapped_column(ForeignKey("violation.id"))
    instance_id: Mapped[int | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(30), default="open")  # open | closed
    outcome: Mapped[str] = mapped_column(String(40), default="")
    due_at: Mapped[datetime | None]
    # The legal deadline behind due_at: provisional while its year's holiday notice is
    # not out; basis = {start, period, owed_by, date, rule} to recompute it on confirmation.
    deadline_provisional: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=false())
    deadline_basis: Mapped[dict | None] = mapped_column(JSONType)
    opened_at: Mapped[datetime]
    opened_by: Mapped[str] = mapped_column(String(80))
    closed_at: Mapped[datetime | None]
    title: Mapped[str] = mapped_column(String(200), default="")

    jurisdiction: Mapped[Jurisdiction] = relationship()
    unit: Mapped[Unit] = relationship()
    system: Mapped[VideoSystem | None] = relationship()
    rulebook_version: Mapped[RulebookVersion] = relationship(foreign_keys=[rulebook_version_id])


class Violation(Base):
    """An act against a cited provision; fined at most once (行政处罚法 第二十九条)."""

    __tablename__ = "violation"
    __table_args__ = (UniqueConstraint("unit_id", "code", "act_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    system_id: Mapped[int | None] = mapped_column(ForeignKey("video_system.id"))
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"))
    rulebook_version_id: Mapped[int] = mapped_column(ForeignKey("rulebook_version.id"))
    code: Mapped[str] = mapped_column(String(60))
    # Identifies the act, so the same act cannot open a second violation or fine.
    act_key: Mapped[str] = mapped_column(String(120))
    article: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(40))
    quote: Mapped[str] = mapped_column(Text, default="")
    facts: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(30))  # inspection | deadline | clerk | recorder | self_report
    # open | ordered | corrected | warned | penalty | closed
    status: Mapped[str] = mapped_column(String(20), default="open")
    rule: Mapped[dict] = mapped_column(JSONType, default=dict)  # the rulebook entry as applied
    found_on: Mapped[date] = mapped_column(Date)
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship()
