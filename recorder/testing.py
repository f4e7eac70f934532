"""Helpers for tests, the demo and the benchmark: a camera row, a one-shot recording."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from sqlalchemy import select

from casework import clock
from casework.models import Camera, Jurisdiction, Unit, VideoSystem
from recorder.ingest import CameraRecorder
from recorder.store import footage_root

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def make_camera(session: Session, name: str = "cam", url: str | None = None,
                retention_days: int | None = None, jurisdiction_code: str = "recorder-demo",
                location: str = "大门口") -> int:
    """Create a camera (and a unit and system if needed); returns its id. Caller commits."""
    j = session.execute(select(Jurisdiction).where(Jurisdiction.code == jurisdiction_code)).scalar()
    if j is None:
        j = Jurisdiction(code=jurisdiction_code, name="录像演示辖区", organ_name="演示市公安局",
                         doc_prefix="演公(视)")
        session.add(j)
        session.flush()
    unit = session.execute(select(Unit).where(Unit.jurisdiction_id == j.id)).scalars().first()
    if unit is None:
        unit = Unit(credit_code=f"91{j.id:016d}", name="演示商场有限公司", address="演示路1号",
                    legal_representative="张三", site_category="商场", party_type="business",
                    jurisdiction_id=j.id, created_at=clock.now())
        session.add(unit)
        session.flush()
    system = session.execute(select(VideoSystem).where(VideoSystem.unit_id == unit.id)).scalars().first()
    if system is None:
        system = VideoSystem(unit_id=unit.id, site="演示路1号", purpose="治安防范", status="in_use",
                             created_at=clock.now())
        session.add(system)
        session.flush()
    cam = Camera(system_id=system.id, name=name, location=location, stream_url=url,
                 enabled=True, retention_days=retention_days, created_at=clock.now())
    session.add(cam)
    session.flush()
    return cam.id


def record_file(container, camera_id: int, url: str, segment_seconds: float = 2.0,
                **kwargs) -> CameraRecorder:
    """Record a file source to its end, in this thread; returns the finished recorder."""
    rec = CameraRecorder(camera_id, url, footage_root(container), container.uow,
                         threading.Event(), segment_seconds=segment_seconds, **kwargs)
    rec.run()
    return rec
