"""How long a camera's footage must be kept: rulebook minimum, lengthened by the camera."""
from __future__ import annotations

import logging
from functools import lru_cache
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from casework.clock import to_local
from casework.models import Camera, Jurisdiction, Unit, VideoSystem
from casework.rulebooks import retention_days
from recorder.constants import NATIONAL_MIN_DAYS, NATIONAL_SOURCE

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Retention:
    """The days footage from one camera and day must be kept, and why."""

    days: int
    source: str
    max_after_purpose_days: int | None = None

    def until(self, start: datetime) -> datetime:
        return start + timedelta(days=self.days)


def effective_days(rule_min_days: int, camera_days: int | None) -> int:
    """A camera's own setting may only lengthen the rulebook minimum, never shorten it."""
    return max(int(rule_min_days), int(camera_days or 0), NATIONAL_MIN_DAYS)


@lru_cache(maxsize=256)
def _warn_once(code: str, message: str) -> None:
    log.warning("no retention rule for %s, national baseline used: %s", code, message)


@lru_cache(maxsize=4096)
def rule_for(jurisdiction_code: str | None, on: date):
    """The rulebook's retention rule, or the national baseline when none answers.

    Cached per (jurisdiction, day): rulebooks are immutable data and the day decides."""
    if jurisdiction_code:
        try:
            return retention_days(jurisdiction_code, on)
        except Exception as exc:  # unknown code or expired book: keep the floor, say so
            _warn_once(jurisdiction_code, str(exc))
    return None


def retention_for(session: Session, camera_id: int, start: datetime) -> Retention:
    """Retention of a segment that starts at `start` (the local day decides the rule)."""
    row = session.query(Camera.retention_days, Unit.jurisdiction_id).join(
        VideoSystem, Camera.system_id == VideoSystem.id).join(
        Unit, VideoSystem.unit_id == Unit.id).filter(Camera.id == camera_id).one_or_none()
    camera_days, code = None, None
    if row is not None:
        camera_days = row[0]
        j = session.get(Jurisdiction, row[1])
        code = j.code if j is not None else None
    rule = rule_for(code, to_local(start).date())
    if rule is None:
        days = effective_days(NATIONAL_MIN_DAYS, camera_days)
        return Retention(days, NATIONAL_SOURCE + (" +camera" if days > NATIONAL_MIN_DAYS else ""))
    days = effective_days(rule.min_days, camera_days)
    source = f"{rule.source} {rule.article}".strip()
    if days > rule.min_days:
        source += " +camera"
    return Retention(days, source[:200], getattr(rule, "max_after_purpose_days", None))
