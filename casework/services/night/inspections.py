"""The inspection cycle (双随机): draw due units and their inspectors from a recorded seed.

The draw is a pure function of (candidates, inspectors, seed, share), so anyone holding
the recorded seed and the candidate list recomputes it; each drawn unit gets an
inspection case once per run, whatever crashes and retries happen in between.
"""
from __future__ import annotations

import math
import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from casework import audit, clock
from casework.errors import InvalidInput
from casework.models import Case, Unit, User
from casework.services.actor import Actor
from casework.services.units.inspections import start_inspection

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.storage.unit_of_work import UnitOfWork

INTERVAL_DAYS = 365  # each unit at least once a year (Casework's cycle policy; no text fixes it)
RANDOM_SHARE = 0.2  # the share of due units drawn each night
INSPECTORS_PER_UNIT = 2  # law-enforcement acts take two officers (APL 第五十五条)


@dataclass(frozen=True)
class Candidates:
    units: list[tuple[int, int]]  # (unit id, jurisdiction id), by unit id
    inspectors: dict[int | None, list[str]]  # jurisdiction id (None: all) -> usernames


def recorded(event_data: dict) -> Candidates:
    """The candidates an `inspection.drawn` audit event recorded (to recompute its draw)."""
    pools = {None if k == "None" else int(k): v for k, v in event_data["inspectors"].items()}
    return Candidates([tuple(u) for u in event_data["candidates"]], pools)


def new_seed() -> int:
    return secrets.randbits(48)


def due_candidates(session: Session, on: date, interval_days: int = INTERVAL_DAYS) -> Candidates:
    """Units without an inspection in the `interval_days` before `on`, and the inspectors."""
    since = clock.local_midnight_utc(on - timedelta(days=interval_days))
    last = (select(Case.unit_id, func.max(Case.opened_at).label("last"))
            .where(Case.kind == "inspection").group_by(Case.unit_id).subquery())
    rows = session.execute(select(Unit.id, Unit.jurisdiction_id, last.c.last)
                           .outerjoin(last, last.c.unit_id == Unit.id).order_by(Unit.id)).all()
    units = [(uid, jid) for uid, jid, at in rows if at is None or clock.as_utc(at) < since]
    pool: dict[int | None, list[str]] = {}
    for name, roles, jid in session.execute(select(User.username, User.roles, User.jurisdiction_id)
                                            .where(User.active.is_(True)).order_by(User.username)):
        if "inspector" in (roles or []):
            pool.setdefault(jid, []).append(name)
    return Candidates(units, pool)


def draw(candidates: Candidates, seed: int, share: float = RANDOM_SHARE,
         per_unit: int = INSPECTORS_PER_UNIT) -> list[dict]:
    """Random units, then random inspectors for each (from its jurisdiction, else anyone)."""
    if not 0 < share <= 1:
        raise InvalidInput(f"抽取比例须在 (0, 1] 内 / share must be in (0, 1]: {share}")
    rng = random.Random(seed)
    units = candidates.units
    count = min(len(units), math.ceil(len(units) * share))
    chosen = sorted(rng.sample(units, count))
    everyone = sorted({n for names in candidates.inspectors.values() for n in names})
    out = []
    for unit_id, jid in chosen:
        pool = sorted(set(candidates.inspectors.get(jid, [])) | set(candidates.inspectors.get(None, []))) or everyone
        out.append({"unit_id": unit_id, "inspectors": sorted(rng.sample(pool, min(per_unit, len(pool))))})
    return out


def plan_draw(on: date, seed: int, actor: Actor, share: float = RANDOM_SHARE):
    """A plan for `open_run`: the draw, recorded in the audit chain with its seed."""
    actor.require("scheduler")

    def plan(session: Session) -> list[dict]:
        candidates = due_candidates(session, on)
        drawn = draw(candidates, seed, share)
        audit.record(session, actor.name, "inspection.drawn", f"inspection_cycle:{on.isoformat()}",
                     {"seed": seed, "share": share, "on": on.isoformat(),
                      "candidates": [list(u) for u in candidates.units],
                     "inspectors": {str(k): v for k, v in candidates.inspectors.items()},
                     "drawn": drawn})
        return drawn
    return plan


def open_drawn(uow: UnitOfWork, items: list[dict], since: datetime, actor: Actor) -> dict:
    """Open the inspection case of each drawn unit, unless this run already did."""
    opened = skipped = 0
    for item in items:
        with uow:
            done = uow.session.scalar(select(func.count()).select_from(Case).where(
                Case.kind == "inspection", Case.unit_id == item["unit_id"], Case.opened_at >= since))
        if done:
            skipped += 1
            continue
        with uow:  # the assignment commits with the case (start_inspection's commit)
            audit.record(uow.session, actor.name, "inspection.assigned", f"unit:{item['unit_id']}",
                         {"inspectors": item["inspectors"]})
            start_inspection(uow, actor=actor, unit_id=item["unit_id"])
        opened += 1
    return {"units": len(items), "inspections_opened": opened, "already_open": skipped}
