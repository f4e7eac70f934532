"""`casework demo` part: three synthetic cameras recording in real time, with defects.

One shows a normal street, one goes black for a while, one freezes and also drops
its stream between loops, so a newcomer sees segments, a gap and findings within
a few minutes. Files are made with PyAV under <data_dir>/recorder-demo.
"""
from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import select

from casework.models import Camera, Jurisdiction
from recorder.capture.runner import Recorder
from recorder.dev.cameras import make_camera
from recorder.dev.synthetic import Scene, make_h264
from recorder.quality import checks

DEMO_SEGMENT_SECONDS = 10.0
CAMERAS = (
    ("演示-大门", "normal.ts", Scene(), ""),
    ("演示-收银台(黑屏)", "black.ts", Scene(seed=11, black=(25.0, 45.0)), ""),
    ("演示-仓库(冻结)", "frozen.ts", Scene(seed=23, frozen=(20.0, 40.0)), "&loop_gap=15"),
)
LOOP_SECONDS = 60


def _files(container) -> Path:
    return Path(container.settings.data_dir) / "recorder-demo"


def seed(container, echo=print) -> str:
    """Create the demo clips and cameras (idempotent)."""
    folder = _files(container)
    made = 0
    with container.uow() as uow:
        names = set(uow.session.execute(select(Camera.name)).scalars())
        code = uow.session.execute(select(Jurisdiction.code).order_by(Jurisdiction.id)).scalar()
        for name, filename, scene, extra in CAMERAS:
            path = folder / filename
            if not path.exists():
                echo(f"recorder demo: making {filename} ({LOOP_SECONDS} s synthetic H.264)")
                make_h264(path, LOOP_SECONDS, scene)
            if name not in names:
                make_camera(uow.session, name, f"{path}#realtime=1&loop=1{extra}",
                            jurisdiction_code=code or "recorder-demo", location="演示路1号")
                made += 1
        uow.commit()
    return f"recorder: {made} demo camera(s)"


def start(container, echo=print) -> Recorder:
    """Record the enabled cameras (10-s segments) and check quality every 30 s, in the
    background; the recorder's `shutdown()` ends it."""
    rec = Recorder(container, segment_seconds=DEMO_SEGMENT_SECONDS)
    jobs = [(30.0, lambda: checks.check_all(container.uow(), container.files, rec.root))]
    echo(f"recorder: recording to {rec.root}; try `casework recorder check`, "
         "`casework recorder verify`, `casework recorder alarms`")
    threading.Thread(target=rec.serve, kwargs={"every": jobs}, daemon=True, name="recorder").start()
    return rec
