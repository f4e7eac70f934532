"""Recorder test helpers, written once: wait on a condition, read the catalogue, record a clip.

Plain functions; the fixtures built on them are in `tests.recorder_fixtures` (a plugin that
recorder test modules load with `pytest_plugins = ["tests.recorder_fixtures"]`).
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select

from recorder.catalogue.guards import install_recorder_triggers
from tests.integration.tamper import as_owner
from recorder.catalogue.models import Segment
from recorder.dev.cameras import make_camera, record_file
from recorder.dev.synthetic import Scene, make_h264
from tests.integration.tamper import as_owner

# Generous: CI is a busy two-core machine; a condition that holds returns at once.
WAIT_S = 60.0


def wait_for(predicate, what: str = "condition", timeout: float = WAIT_S) -> None:
    """Poll `predicate` until it is true; fail naming `what` after `timeout` seconds."""
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def segment_rows(container, camera_id: int | None = None) -> list[Segment]:
    """Catalogue rows (detached), by camera and seq; one camera's when given."""
    with container.uow() as uow:
        q = select(Segment).order_by(Segment.camera_id, Segment.seq)
        if camera_id is not None:
            q = q.where(Segment.camera_id == camera_id)
        rows = uow.session.execute(q).scalars().all()
        uow.session.expunge_all()
        return rows


def disk_files(root: Path) -> set[str]:
    """Segment files under the footage root, as catalogue paths."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*.ts")
            if "_quarantine" not in p.parts}


def new_camera(container, name: str = "cam", **kwargs) -> int:
    """A committed camera (with a unit and system); returns its id."""
    with container.uow() as uow:
        cam = make_camera(uow.session, name, **kwargs)
        uow.commit()
    return cam


def synthetic_clip(folder: Path, seconds: float = 10, scene: Scene | None = None,
                   name: str = "clip") -> Path:
    """A synthetic H.264 file under `folder`, made once per name."""
    path = folder / "src" / f"{name}.ts"
    return path if path.exists() else make_h264(path, seconds, scene or Scene())


def record_clip(container, folder: Path, name: str = "cam", seconds: float = 10,
                scene: Scene | None = None, segment_seconds: float = 2.0,
                camera_id: int | None = None, **camera_kwargs) -> int:
    """Record a synthetic clip to its end as one camera (new unless `camera_id`); its id."""
    cam = camera_id if camera_id is not None else new_camera(container, name, **camera_kwargs)
    clip = synthetic_clip(folder, seconds, scene, name=f"{name}-{seconds:g}")
    record_file(container, cam, str(clip), segment_seconds=segment_seconds)
    return cam


# Statements that drop every trigger on the recorder's tables, as each engine lists them.
_DROP_RECORDER_TRIGGERS = {
    "sqlite": "SELECT 'DROP TRIGGER ' || name FROM sqlite_master "
              "WHERE type = 'trigger' AND tbl_name LIKE 'recorder!_%' ESCAPE '!'",
    "postgresql": "SELECT format('DROP TRIGGER %%I ON %%I', tgname, tgrelid::regclass) "
                  "FROM pg_trigger WHERE NOT tgisinternal "
                  "AND tgrelid::regclass::text LIKE 'recorder!_%%' ESCAPE '!'",
}


@contextmanager
def recorder_guards_lifted(engine):
    """Play an attacker with DDL rights (the schema's owner): drop the footage guards, restore
    them after."""
    with as_owner(engine) as conn:
        drops = conn.exec_driver_sql(_DROP_RECORDER_TRIGGERS[conn.dialect.name]).scalars().all()
        assert drops, "no recorder guards to lift"
        for statement in drops:
            conn.exec_driver_sql(statement)
    try:
        yield
    finally:
        with as_owner(engine) as conn:
            install_recorder_triggers(conn)
