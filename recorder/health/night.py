"""The recorder's night work as batches over cameras: health (checks, summaries, violations),
retention, and the per-camera chain check. Their audit events name `actor`: the account the
night's run acts as (the system account), as the run's own events do."""
from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from casework import audit, clock
from casework.models import Camera
from recorder.catalogue import verify
from recorder.quality import checks as quality
from recorder.retention import sweeper as retention
from recorder.health.findings import open_for_camera
from recorder.health.summaries import camera_day, summarize_camera
from recorder.catalogue.models import ChainHead
from recorder.catalogue.disk import footage_root

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.container import Container


def plan_cameras(session: Session) -> list[int]:
    """Every camera, by id (enabled or not: a disabled camera's last day still counts)."""
    return list(session.scalars(select(Camera.id).order_by(Camera.id)))


def plan_chains(session: Session) -> list[int]:
    """Every camera that has a hash chain."""
    return list(session.scalars(select(ChainHead.camera_id).order_by(ChainHead.camera_id)))


def day_window(day: date):
    return clock.local_midnight_utc(day), clock.local_midnight_utc(day + timedelta(days=1))


def health_batch(container: Container, camera_ids: list[int], day: date, *, actor: str) -> dict:
    """For each camera: quality checks on new segments, the day's hour rows, sanctioned violations."""
    root = footage_root(container)
    t0, t1 = day_window(day)
    counts = {"cameras": 0, "findings": 0, "camera_hours": 0, "violations_opened": 0,
              "continuing": 0, "unsanctioned": 0}
    for camera_id in camera_ids:
        counts["findings"] += len(quality.check_camera(container.uow(), container.files, root, camera_id))
        uow = container.uow()
        with uow:  # summaries and the violations they open commit together
            counts["camera_hours"] += summarize_camera(uow.session, camera_id, t0, t1)
            totals = camera_day(uow.session, camera_id, t0, t1)
            opened = open_for_camera(uow.session, camera_id, day, totals["gap_s"], totals["kinds"],
                                     actor, uow.resources)
            uow.commit()
        for key, value in opened.items():
            counts[key] += value
        counts["cameras"] += 1
    return counts


def retention_batch(container: Container, *, actor: str) -> dict:
    """The recorder's retention sweep (itself batched, crash-safe and resumable)."""
    report = retention.sweep(container.uow(), footage_root(container), actor=actor)
    return {"examined": report.examined, "deleted": report.deleted, "held": report.held,
            "refused": report.refused, "resumed": report.finished, "bytes_freed": report.bytes_freed}


def chains_batch(container: Container, camera_ids: list[int], *, actor: str) -> dict:
    """Recompute each camera's segment hashes and chain; a break is recorded in the audit chain."""
    root = footage_root(container)
    counts = {"cameras": 0, "segments_checked": 0, "broken": 0}
    for camera_id in camera_ids:
        v = verify.verify_camera(container.uow(), root, camera_id)
        counts["cameras"] += 1
        counts["segments_checked"] += v.checked
        if not v.ok:
            counts["broken"] += 1
            with container.uow() as uow:
                audit.record(uow.session, actor, "recorder.chain_broken", f"camera:{camera_id}",
                             {"first_bad_seq": v.first_bad_seq, "path": v.path, "reason": v.reason})
                uow.commit()
    return counts
