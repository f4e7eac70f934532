"""Raise and clear recorder alarms (deduplicated per camera and kind)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from casework import clock
from recorder.catalogue.models import RecorderAlarm

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def raise_alarm(session: Session, camera_id: int | None, kind: str, message: str,
                details: dict | None = None) -> RecorderAlarm:
    """Open an alarm unless the same one is already open; the caller commits."""
    existing = session.execute(
        select(RecorderAlarm).where(RecorderAlarm.kind == kind,
                                    RecorderAlarm.camera_id.is_(camera_id) if camera_id is None
                                    else RecorderAlarm.camera_id == camera_id,
                                    RecorderAlarm.cleared_at.is_(None))
    ).scalars().first()
    if existing is not None and kind not in ("orphan_file",):
        return existing
    alarm = RecorderAlarm(camera_id=camera_id, kind=kind, message=message,
                          details=details or {}, raised_at=clock.now())
    session.add(alarm)
    session.flush()
    return alarm


def clear_alarms(session: Session, camera_id: int, kind: str) -> int:
    """Close open alarms of one kind for a camera."""
    rows = session.execute(
        select(RecorderAlarm).where(RecorderAlarm.kind == kind,
                                    RecorderAlarm.camera_id == camera_id,
                                    RecorderAlarm.cleared_at.is_(None))
    ).scalars().all()
    for alarm in rows:
        alarm.cleared_at = clock.now()
    return len(rows)
