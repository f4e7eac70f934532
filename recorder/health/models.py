"""Per camera-hour summaries (DESIGN §7): what inspections, dashboards and planning read."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, JSONType


class CameraHour(Base):
    """One camera's hour: seconds covered by footage, gaps, held, and findings seen."""

    __tablename__ = "recorder_camera_hour"
    __table_args__ = (Index("ix_recorder_camera_hour_hour", "hour_start"),)

    camera_id: Mapped[int] = mapped_column(ForeignKey("camera.id"), primary_key=True)
    hour_start: Mapped[datetime] = mapped_column(primary_key=True)  # UTC, on the hour
    covered_s: Mapped[float] = mapped_column(Float, default=0.0)
    gap_s: Mapped[float] = mapped_column(Float, default=0.0)
    held_s: Mapped[float] = mapped_column(Float, default=0.0)
    segments: Mapped[int] = mapped_column(Integer, default=0)
    findings: Mapped[int] = mapped_column(Integer, default=0)
    finding_kinds: Mapped[dict] = mapped_column(JSONType, default=dict)  # kind -> seconds
    updated_at: Mapped[datetime]
