"""Camera-hour summaries: coverage, gaps, holds and findings per camera per hour.

`hour_facts` decides from plain intervals; `summarize_camera` gathers them from the
catalogue and replaces the camera's rows for the window, so a rerun rewrites the same
rows (idempotent).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from casework import clock
from recorder.constants import WRITING
from recorder.health.models import CameraHour
from recorder.catalogue.models import Finding, LegalHold, Segment

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

HOUR = timedelta(hours=1)
Span = tuple[datetime, datetime]


def _clip(spans: list[Span], lo: datetime, hi: datetime) -> list[Span]:
    """The spans' union within [lo, hi), sorted and merged."""
    out: list[Span] = []
    for a, b in sorted((max(a, lo), min(b, hi)) for a, b in spans if a < hi and b > lo):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _seconds(spans: list[Span]) -> float:
    return sum((b - a).total_seconds() for a, b in spans)


def hour_facts(hour: datetime, segments: list[Span], holds: list[Span],
               findings: list[tuple[str, datetime, datetime]], watched_from: datetime,
               now: datetime) -> dict:
    """One hour's figures; time before the camera's first footage or after `now` is no gap."""
    end = hour + HOUR
    covered = _seconds(_clip(segments, hour, end))
    lo, hi = max(hour, watched_from), min(end, now)
    watched = max(0.0, (hi - lo).total_seconds())
    covered_watched = _seconds(_clip(segments, lo, hi)) if hi > lo else 0.0
    kinds: dict[str, float] = {}
    count = 0
    for kind, a, b in findings:
        span = _clip([(a, b)], hour, end)
        if span or (hour <= a < end):
            count += 1
            kinds[kind] = round(kinds.get(kind, 0.0) + _seconds(span), 3)
    return {"covered_s": round(covered, 3), "gap_s": round(max(0.0, watched - covered_watched), 3),
            "held_s": round(_seconds(_clip(holds, hour, end)), 3), "findings": count,
            "finding_kinds": kinds}


def summarize_camera(session: Session, camera_id: int, t0: datetime, t1: datetime) -> int:
    """Rewrite the camera's hour rows for [t0, t1) (whole hours); returns rows written."""
    t0 = t0.replace(minute=0, second=0, microsecond=0)
    now = clock.now()
    segs = [(clock.as_utc(a), clock.as_utc(b or a)) for a, b in session.execute(
        select(Segment.start_at, Segment.end_at).where(
            Segment.camera_id == camera_id, Segment.state != WRITING,
            Segment.start_at < t1, Segment.end_at > t0 - HOUR)).all()]
    first = session.scalar(select(Segment.start_at).where(Segment.camera_id == camera_id)
                           .order_by(Segment.seq).limit(1))
    holds = [(clock.as_utc(a), clock.as_utc(b)) for a, b in session.execute(
        select(LegalHold.t0, LegalHold.t1).where(LegalHold.camera_id == camera_id,
                                                 LegalHold.released_at.is_(None)))]
    found = [(k, clock.as_utc(a), clock.as_utc(b)) for k, a, b in session.execute(
        select(Finding.kind, Finding.start_at, Finding.end_at).where(
            Finding.camera_id == camera_id, Finding.start_at < t1, Finding.end_at >= t0))]
    session.execute(delete(CameraHour).where(CameraHour.camera_id == camera_id,
                                             CameraHour.hour_start >= t0, CameraHour.hour_start < t1))
    if first is None:
        return 0
    watched_from = clock.as_utc(first)
    rows, hour = [], t0
    while hour < t1 and hour < now:
        if hour + HOUR > watched_from:
            in_hour = [s for s in segs if s[0] < hour + HOUR and s[1] > hour]
            facts = hour_facts(hour, in_hour, holds, found, watched_from, now)
            rows.append(CameraHour(camera_id=camera_id, hour_start=hour, segments=len(in_hour),
                                   updated_at=now, **facts))
        hour += HOUR
    session.add_all(rows)
    session.flush()
    return len(rows)


def camera_day(session: Session, camera_id: int, t0: datetime, t1: datetime) -> dict:
    """The day's totals from the hour rows: gap seconds and seconds per finding kind."""
    totals = {"gap_s": 0.0, "covered_s": 0.0, "kinds": {}}
    for row in session.scalars(select(CameraHour).where(
            CameraHour.camera_id == camera_id, CameraHour.hour_start >= t0, CameraHour.hour_start < t1)):
        totals["gap_s"] += row.gap_s
        totals["covered_s"] += row.covered_s
        for kind, secs in (row.finding_kinds or {}).items():
            totals["kinds"][kind] = totals["kinds"].get(kind, 0.0) + secs
    return totals
