"""Footage catalogue: segments, chain heads, legal holds, findings, exports, alarms."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text,
)
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, JSONType
from recorder.constants import LIVE_STATES, WRITING

BigId = BigInteger().with_variant(Integer(), "sqlite")
LIVE_PREDICATE = _LIVE = "state IN ('sealed', 'truncated')"
assert LIVE_STATES == ("sealed", "truncated")


class Segment(Base):
    """One file of footage; rows are appended, sealed once, and end as tombstones."""

    __tablename__ = "recorder_segment"
    __table_args__ = (
        UniqueConstraint("camera_id", "seq"),
        Index("ix_recorder_segment_camera_start", "camera_id", "start_at"),
        # The sweep's only query: live rows by retain_until (partial, both engines).
        Index("ix_recorder_segment_due", "retain_until",
              sqlite_where=text(_LIVE), postgresql_where=text(_LIVE)),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("camera.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    start_at: Mapped[datetime]
    end_at: Mapped[datetime | None]
    path: Mapped[str] = mapped_column(String(300))  # relative to the footage root
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str | None] = mapped_column(String(64))
    prev_chain: Mapped[str | None] = mapped_column(String(64))
    chain: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(12), default=WRITING)
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    retain_until: Mapped[datetime]
    retention_source: Mapped[str] = mapped_column(String(200), default="")
    deleted_at: Mapped[datetime | None]
    deletion_link: Mapped[str | None] = mapped_column(String(64))  # chain.deletion_link, set with the mark
    created_at: Mapped[datetime]


class ChainHead(Base):
    """Per camera: the next seq to hand out and the last sealed link (locked to append)."""

    __tablename__ = "recorder_chain_head"

    camera_id: Mapped[int] = mapped_column(ForeignKey("camera.id"), primary_key=True)
    next_seq: Mapped[int] = mapped_column(BigInteger, default=1)
    sealed_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    chain: Mapped[str] = mapped_column(String(64))


class LegalHold(Base):
    """A legal hold (依法保全) on a camera's footage for [t0, t1]."""

    __tablename__ = "recorder_legal_hold"
    __table_args__ = (Index("ix_recorder_legal_hold_camera", "camera_id", "released_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("camera.id"))
    t0: Mapped[datetime]
    t1: Mapped[datetime]
    case_ref: Mapped[str | None] = mapped_column(String(80))
    access_request_ref: Mapped[str | None] = mapped_column(String(80))
    placed_by: Mapped[str] = mapped_column(String(100))
    placed_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    released_by: Mapped[str | None] = mapped_column(String(100))
    released_reason: Mapped[str | None] = mapped_column(Text)
    released_at: Mapped[datetime | None]


class Finding(Base):
    """A quality or continuity problem seen on a camera over [start, end]."""

    __tablename__ = "recorder_finding"
    __table_args__ = (Index("ix_recorder_finding_camera_start", "camera_id", "start_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("camera.id"))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    evidence_key: Mapped[str | None] = mapped_column(String(300))  # thumbnail in the FileStore
    details: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime]


class ReferenceView(Base):
    """The stored view a camera should show; `moved`/`obstructed` compare against it."""

    __tablename__ = "recorder_reference_view"

    camera_id: Mapped[int] = mapped_column(ForeignKey("camera.id"), primary_key=True)
    luma_key: Mapped[str] = mapped_column(String(300))
    thumbnail_key: Mapped[str | None] = mapped_column(String(300))
    taken_at: Mapped[datetime]
    taken_by: Mapped[str] = mapped_column(String(100))


class QualityCursor(Base):
    """Per camera: the last segment the quality check has read, and carried state."""

    __tablename__ = "recorder_quality_cursor"

    camera_id: Mapped[int] = mapped_column(ForeignKey("camera.id"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    state: Mapped[dict] = mapped_column(JSONType, default=dict)


class Export(Base):
    """An exported clip for an approved access request (the access register's entry)."""

    __tablename__ = "recorder_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    access_request_ref: Mapped[str] = mapped_column(String(80), index=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("camera.id"))
    t0: Mapped[datetime]
    t1: Mapped[datetime]
    file_key: Mapped[str] = mapped_column(String(300))
    manifest_key: Mapped[str] = mapped_column(String(300))
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    manifest: Mapped[dict] = mapped_column(JSONType, default=dict)
    requested_by: Mapped[str] = mapped_column(String(100))
    approved_by: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(Text)
    destination: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class RecorderAlarm(Base):
    """Something an operator must look at: orphan file, disk full, stream lost."""

    __tablename__ = "recorder_alarm"
    __table_args__ = (Index("ix_recorder_alarm_open", "cleared_at", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int | None] = mapped_column(ForeignKey("camera.id"))
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSONType, default=dict)
    raised_at: Mapped[datetime]
    cleared_at: Mapped[datetime | None]


# Database guards (recorder.catalogue.guards): whatever the application does, footage in
# retention or under a legal hold cannot be deleted or marked, and a sealed segment
# cannot change. The migration calls install_recorder_triggers(connection).
from recorder.catalogue.guards import IMMUTABLE, REFUSAL, attach, install_recorder_triggers  # noqa: E402,F401

attach(Segment.__table__, LegalHold.__table__)
