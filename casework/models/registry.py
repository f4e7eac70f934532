"""Jurisdictions, rulebook versions, units, video systems and cameras."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.models.base import Base, JSONType


class Jurisdiction(Base):
    """A bureau's area whose rulebook applies (anyang, taiyuan, ...)."""

    __tablename__ = "jurisdiction"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    organ_name: Mapped[str] = mapped_column(String(100))  # issuing organ, e.g. 太原市公安局
    doc_prefix: Mapped[str] = mapped_column(String(20))  # e.g. 太公(视)


class RulebookVersion(Base):
    """An immutable snapshot of a jurisdiction's rulebook; cases keep theirs."""

    __tablename__ = "rulebook_version"
    __table_args__ = (UniqueConstraint("jurisdiction_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    content: Mapped[dict] = mapped_column(JSONType)
    loaded_at: Mapped[datetime]

    jurisdiction: Mapped[Jurisdiction] = relationship()


class Unit(Base):
    """A regulated unit (单位): the party that builds, files and answers."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)  # 统一社会信用代码
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    legal_representative: Mapped[str] = mapped_column(String(50))
    site_category: Mapped[str] = mapped_column(String(60))
    party_type: Mapped[str] = mapped_column(String(20))  # business | other | person
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    # The unit agreed in writing to be served in its portal (电子送达, APL 第六十一条).
    electronic_service_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]

    jurisdiction: Mapped[Jurisdiction] = relationship()
    systems: Mapped[list[VideoSystem]] = relationship(back_populates="unit")


class VideoSystem(Base):
    """One unit's video surveillance system at a site."""

    __tablename__ = "video_system"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    site: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(String(200))
    government_funded: Mapped[bool] = mapped_column(Boolean, default=False)
    # planned | built | accepted | failed_acceptance | in_use | dismantled
    status: Mapped[str] = mapped_column(String(30), default="planned")
    in_use_since: Mapped[date | None] = mapped_column(Date)
    pre_existing: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]

    unit: Mapped[Unit] = relationship(back_populates="systems")
    cameras: Mapped[list[Camera]] = relationship(back_populates="system")


class Camera(Base):
    """An image-capture device of a system; the recorder records enabled ones."""

    __tablename__ = "camera"
    __table_args__ = (Index("ix_camera_enabled", "enabled"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("video_system.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    location: Mapped[str] = mapped_column(String(200))
    place_kind: Mapped[str] = mapped_column(String(60), default="public_area")
    stream_url: Mapped[str | None] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    retention_days: Mapped[int | None]  # None: the rulebook minimum
    created_at: Mapped[datetime]

    system: Mapped[VideoSystem] = relationship(back_populates="cameras")


class HolidayDay(Base):
    """One calendar day's status where it differs from Mon-Fri work / Sat-Sun rest."""

    __tablename__ = "holiday_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_working_day: Mapped[bool] = mapped_column(Boolean)  # False: 法定休假日; True: 调休 workday
    name: Mapped[str] = mapped_column(String(60), default="")
    source: Mapped[str] = mapped_column(String(60), default="chinesecalendar")


class CalendarYear(Base):
    """A year whose holiday table is complete; deadlines into other years fail closed."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(60))
    loaded_at: Mapped[datetime]

    details: Mapped[dict | None] = mapped_column(JSONType, default=None)
