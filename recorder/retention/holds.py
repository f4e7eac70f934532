"""Legal holds (依法保全) on a camera and time range; placed and released with reasons, audited."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from casework import audit, clock
from casework.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from casework.models import Camera, User
from recorder.constants import HOLD_RELEASE_ROLES
from recorder.catalogue.models import LegalHold

if TYPE_CHECKING:
    from casework.storage.unit_of_work import UnitOfWork


def place_hold(uow: UnitOfWork, camera_id: int, t0: datetime, t1: datetime, placed_by: str,
               reason: str, case_ref: str | None = None,
               access_request_ref: str | None = None) -> int:
    """Hold a camera's footage for [t0, t1] for a case or access request; returns the hold id."""
    if not (case_ref or access_request_ref):
        raise InvalidInput("保全须关联案件或调取申请 / a hold needs a case or access request")
    if not reason.strip() or not placed_by.strip():
        raise InvalidInput("保全须写明人员和理由 / a hold needs who and why")
    if t1 <= t0:
        raise InvalidInput("保全时段无效 / the hold's end must be after its start")
    with uow:
        if uow.session.get(Camera, camera_id) is None:
            raise NotFound(f"摄像机不存在 / no camera {camera_id}")
        hold = LegalHold(camera_id=camera_id, t0=t0, t1=t1, case_ref=case_ref,
                         access_request_ref=access_request_ref, placed_by=placed_by,
                         placed_at=clock.now(), reason=reason)
        uow.session.add(hold)
        uow.session.flush()
        audit.record(uow.session, placed_by, "recorder.hold.placed", f"legal_hold:{hold.id}",
                     {"camera_id": camera_id, "t0": t0, "t1": t1, "case_ref": case_ref,
                      "access_request_ref": access_request_ref, "reason": reason})
        uow.commit()
        return hold.id


def release_hold(uow: UnitOfWork, hold_id: int, released_by: str, reason: str) -> None:
    """Release a hold: only a user holding a release role, with a reason."""
    if not reason.strip():
        raise InvalidInput("解除保全须写明理由 / releasing a hold needs a reason")
    with uow:
        hold = uow.session.get(LegalHold, hold_id, with_for_update=True)
        if hold is None:
            raise NotFound(f"保全不存在 / no legal hold {hold_id}")
        if hold.released_at is not None:
            raise RuleViolation(f"保全已解除 / hold {hold_id} is already released")
        user = uow.session.execute(select(User).where(User.username == released_by)).scalar()
        if user is None or not user.active or not any(user.has_role(r) for r in HOLD_RELEASE_ROLES):
            raise PermissionDenied("仅负责人或法制审核人员可解除保全 / only a bureau head or "
                                   "legal reviewer may release a hold")
        hold.released_by, hold.released_reason, hold.released_at = released_by, reason, clock.now()
        audit.record(uow.session, released_by, "recorder.hold.released", f"legal_hold:{hold_id}",
                     {"camera_id": hold.camera_id, "reason": reason})
        uow.commit()


def list_holds(uow: UnitOfWork, camera_id: int | None = None,
               active_only: bool = True) -> list[dict]:
    """Holds as plain dicts, newest first."""
    with uow:
        q = select(LegalHold).order_by(LegalHold.id.desc())
        if camera_id is not None:
            q = q.where(LegalHold.camera_id == camera_id)
        if active_only:
            q = q.where(LegalHold.released_at.is_(None))
        return [{c: getattr(h, c) for c in (
            "id", "camera_id", "t0", "t1", "case_ref", "access_request_ref", "placed_by",
            "placed_at", "reason", "released_by", "released_reason", "released_at")}
            for h in uow.session.execute(q).scalars()]
