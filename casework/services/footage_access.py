"""Registered access to footage (查阅、复制、调取): request, approval, hold, export, register."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from casework import clock, rulebooks
from casework.errors import InvalidInput, RuleViolation
from casework.services import scope
from casework.services.cases.cases import open_case

if TYPE_CHECKING:
    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork

MAX_SPAN = timedelta(days=7)  # access is limited to what the work needs


def request_access(uow: UnitOfWork, *, actor: Actor, camera_id: int, t0: datetime,
                   t1: datetime, purpose: str, destination: str,
                   officers: list[dict]) -> str:
    """Police officers ask to copy footage; a bureau head approves. Returns the case ref."""
    actor.require("inspector", "clerk")
    t0, t1 = clock.as_utc(t0), clock.as_utc(t1)
    if not t0 < t1 <= clock.now():
        raise InvalidInput("调取时段无效（须在过去且起点早于终点）/ the period must be in the past, t0 < t1")
    if t1 - t0 > MAX_SPAN:
        raise InvalidInput("调取时段过长：限于工作需要，最多 7 日 / at most 7 days: access is need-limited")
    if not purpose.strip() or not destination.strip():
        raise InvalidInput("须写明事由和去向 / purpose and destination are required")
    names = [o.get("name", "").strip() for o in officers]
    badges = [o.get("badge", "").strip() for o in officers]
    if not all(names) or not all(badges) or len(set(badges)) != len(badges):
        raise InvalidInput("每名工作人员须写明姓名和不同的警号 / each officer needs a name and their own badge")
    with uow:
        camera = scope.camera(uow.session, actor, camera_id)
        unit = camera.system.unit
        rules = rulebooks.effective(unit.jurisdiction.code, clock.today_local()).access
        minimum = (rules.min_officers if rules and rules.min_officers else 2)
        if len(officers) < minimum:
            cite = f"（{rules.article}：{rules.quote}）" if rules and rules.min_officers else ""
            raise RuleViolation(f"调取录像的工作人员不得少于{minimum}人{cite} / at least {minimum} officers")
        police = next((r for r in (rules.requesters if rules else ()) if r.kind == "police"), None)
        case = open_case(uow.session, kind="footage_access", unit=unit, system=camera.system,
                         actor=actor.name, resources=uow.resources, data={
                             "camera_id": camera.id, "camera_name": camera.name,
                             "camera_location": camera.location,
                             "t0": t0.isoformat(), "t1": t1.isoformat(), "purpose": purpose,
                             "destination": destination, "officers": officers,
                             "requested_by": actor.name,
                             "approval_rule": police.approval if police else "公安机关负责人批准",
                             "approval_source": police.source if police else "",
                             "approval_article": police.article if police else "",
                             "approval_quote": police.quote if police else "",
                             "access_source": rules.source if rules else "",
                             "access_article": rules.article if rules else "",
                             "access_quote": rules.quote if rules else ""})
        uow.commit()
        return case.ref
