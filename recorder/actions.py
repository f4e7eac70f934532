"""Engine actions: `recorder.place_hold` and `recorder.export` for service tasks.

Loaded through the `casework.actions` entry point; the core never imports the recorder.
The export module (PyAV) is imported when a clip is exported, not when the actions load.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from casework.clock import as_utc
from casework.engine import action
from recorder.catalogue.disk import footage_root
from recorder.retention import holds


class SessionUnit:
    """A unit of work over the engine step's session: it flushes; the step commits."""

    def __init__(self, session) -> None:
        self.session = session

    def __enter__(self) -> SessionUnit:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def commit(self) -> None:
        self.session.flush()


def _moment(value: str) -> datetime:
    return as_utc(datetime.fromisoformat(value))


def place_hold_action(ctx, camera_id: int, t0: str, t1: str, reason: str,
                      case_ref: str | None = None, access_request_ref: str | None = None) -> dict:
    """Hold a camera's footage for a case or access request in the step's transaction."""
    hold_id = holds.place_hold(SessionUnit(ctx.session), camera_id, _moment(t0), _moment(t1),
                               ctx.actor, reason, case_ref=case_ref,
                               access_request_ref=access_request_ref)
    return {"hold_id": hold_id}


def export_action(ctx, camera_id: int, t0: str, t1: str, access_request_ref: str,
                  requested_by: str, purpose: str, destination: str) -> dict:
    """Export a clip for an approved access request; the approver is the acting user."""
    from recorder.export import clip  # PyAV: only when exporting

    container = ctx.resources["container"]
    root = Path(ctx.resources.get("recorder_root") or footage_root(container))
    out = clip.export_clip(SessionUnit(ctx.session), container.files, root, camera_id,
                             _moment(t0), _moment(t1), access_request_ref=access_request_ref,
                             requested_by=requested_by, approved_by=ctx.actor, purpose=purpose,
                             destination=destination)
    return {"export_id": out["id"], "manifest_sha256": out["manifest_sha256"]}


action("recorder.place_hold",
       inputs={"camera_id": int, "t0": str, "t1": str, "reason": str, "case_ref": str,
               "access_request_ref": str},
       outputs={"hold_id": int}, optional={"case_ref", "access_request_ref"})(place_hold_action)
action("recorder.export",
       inputs={"camera_id": int, "t0": str, "t1": str, "access_request_ref": str,
               "requested_by": str, "purpose": str, "destination": str},
       outputs={"export_id": int, "manifest_sha256": str})(export_action)
