"""Footage catalogue: segments, chain heads, legal holds, findings, exports, alarms."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DDL, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
    event, text,
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


# ---------------------------------------------------------------------------
# Database guards: whatever the application does, footage in retention or under
# a legal hold cannot be deleted or marked for deletion, a sealed segment's
# hashes and times cannot change, and retain_until only grows.
# ---------------------------------------------------------------------------

REFUSAL = "保存期内或依法保全的录像不得删除 / footage in retention or under legal hold cannot be deleted"
IMMUTABLE = "已封存录像不可修改 / a sealed segment cannot be changed"

_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f','now')"
_SQLITE_HELD = (
    "EXISTS (SELECT 1 FROM recorder_legal_hold h WHERE h.camera_id = OLD.camera_id "
    "AND h.released_at IS NULL AND h.t0 < COALESCE(OLD.end_at, OLD.start_at) "
    "AND h.t1 > OLD.start_at)"
)

SQLITE_DDL = (
    f"""CREATE TRIGGER IF NOT EXISTS recorder_segment_no_delete
BEFORE DELETE ON recorder_segment
WHEN OLD.state != 'deleted' OR OLD.retain_until > {_SQLITE_NOW} OR {_SQLITE_HELD}
BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS recorder_segment_no_mark
BEFORE UPDATE OF state ON recorder_segment
WHEN NEW.state IN ('deleting', 'deleted') AND OLD.state NOT IN ('deleting', 'deleted') AND (
  OLD.state NOT IN ('sealed', 'truncated') OR OLD.retain_until > {_SQLITE_NOW}
  OR OLD.retain_until > COALESCE(NEW.deleted_at, {_SQLITE_NOW}) OR {_SQLITE_HELD})
BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS recorder_segment_sealed
BEFORE UPDATE ON recorder_segment
WHEN (OLD.state != 'writing' AND (
  NEW.sha256 IS NOT OLD.sha256 OR NEW.chain IS NOT OLD.chain
  OR NEW.prev_chain IS NOT OLD.prev_chain OR NEW.start_at IS NOT OLD.start_at
  OR NEW.end_at IS NOT OLD.end_at OR NEW.bytes IS NOT OLD.bytes OR NEW.path IS NOT OLD.path
  OR NEW.camera_id IS NOT OLD.camera_id OR NEW.seq IS NOT OLD.seq
  OR NEW.truncated IS NOT OLD.truncated))
  OR NEW.retain_until < OLD.retain_until
  OR (OLD.state IN ('deleting', 'deleted') AND NEW.state NOT IN ('deleting', 'deleted'))
BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END""",
    """CREATE TRIGGER IF NOT EXISTS recorder_legal_hold_no_delete
BEFORE DELETE ON recorder_legal_hold
BEGIN SELECT RAISE(ABORT, '依法保全记录不得删除 / a legal hold cannot be deleted'); END""",
)

_PG_HELD = (
    "EXISTS (SELECT 1 FROM recorder_legal_hold h WHERE h.camera_id = OLD.camera_id "
    "AND h.released_at IS NULL AND h.t0 < COALESCE(OLD.end_at, OLD.start_at) "
    "AND h.t1 > OLD.start_at)"
)

POSTGRES_DDL = (
    f"""CREATE OR REPLACE FUNCTION recorder_segment_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.state <> 'deleted' OR OLD.retain_until > now() OR {_PG_HELD} THEN
      RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF (OLD.state <> 'writing' AND (
        NEW.sha256 IS DISTINCT FROM OLD.sha256 OR NEW.chain IS DISTINCT FROM OLD.chain
        OR NEW.prev_chain IS DISTINCT FROM OLD.prev_chain
        OR NEW.start_at IS DISTINCT FROM OLD.start_at OR NEW.end_at IS DISTINCT FROM OLD.end_at
        OR NEW.bytes IS DISTINCT FROM OLD.bytes OR NEW.path IS DISTINCT FROM OLD.path
        OR NEW.camera_id IS DISTINCT FROM OLD.camera_id OR NEW.seq IS DISTINCT FROM OLD.seq
        OR NEW.truncated IS DISTINCT FROM OLD.truncated))
     OR NEW.retain_until < OLD.retain_until
     OR (OLD.state IN ('deleting', 'deleted') AND NEW.state NOT IN ('deleting', 'deleted')) THEN
    RAISE EXCEPTION '{IMMUTABLE}' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF NEW.state IN ('deleting', 'deleted') AND OLD.state NOT IN ('deleting', 'deleted') AND (
       OLD.state NOT IN ('sealed', 'truncated') OR OLD.retain_until > now()
       OR OLD.retain_until > COALESCE(NEW.deleted_at, now()) OR {_PG_HELD}) THEN
    RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS recorder_segment_guard ON recorder_segment",
    """CREATE TRIGGER recorder_segment_guard BEFORE UPDATE OR DELETE ON recorder_segment
FOR EACH ROW EXECUTE FUNCTION recorder_segment_guard()""",
    """CREATE OR REPLACE FUNCTION recorder_legal_hold_guard() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '依法保全记录不得删除 / a legal hold cannot be deleted'
    USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS recorder_legal_hold_guard ON recorder_legal_hold",
    """CREATE TRIGGER recorder_legal_hold_guard BEFORE DELETE ON recorder_legal_hold
FOR EACH ROW EXECUTE FUNCTION recorder_legal_hold_guard()""",
)


def install_recorder_triggers(connection) -> None:
    """Create the guards on an existing schema (the migration calls this)."""
    statements = SQLITE_DDL if connection.dialect.name == "sqlite" else POSTGRES_DDL
    for statement in statements:
        connection.exec_driver_sql(statement)


def _attach() -> None:
    # Segment guards go with the segment table, hold guards with the hold table; the
    # segment guards read the hold table only at run time, so creation order is free.
    for table, statements, dialect in (
        (Segment.__table__, SQLITE_DDL[:3], "sqlite"),
        (LegalHold.__table__, SQLITE_DDL[3:], "sqlite"),
        (Segment.__table__, POSTGRES_DDL[:3], "postgresql"),
        (LegalHold.__table__, POSTGRES_DDL[3:], "postgresql"),
    ):
        for ddl in statements:
            event.listen(table, "after_create",
                         DDL(ddl.replace("%", "%%")).execute_if(dialect=dialect))


_attach()
