"""`casework recorder ...`: run, sweep, verify, hold, verify-export, check, alarms.

Every command acts as the signed-in user or a scheduled job's system account (see
casework.cli.operator). Footage leaves only through an approved access request: the
`footage_access` process exports when a bureau head approves (`casework footage request`).
"""
from __future__ import annotations

import logging
import signal
import sys
from datetime import datetime
from pathlib import Path

import click

from casework.cli.context import AppContext, pass_app
from casework.cli.operator import (
    JOBS, OFFICERS, RELEASERS, STAFF, cameras_in_scope, current_actor, require_camera)
from casework.clock import SHANGHAI, as_utc, format_local
from casework.errors import InvalidInput, NotFound


def parse_moment(value: str | None) -> datetime | None:
    """ISO date/time; without a zone it is Asia/Shanghai local time."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"时间格式应为 ISO，如 2026-03-02T09:00 / not an ISO time: {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return as_utc(moment)


def _root(app: AppContext) -> Path:
    from recorder.catalogue.disk import footage_root

    return footage_root(app.container)


@click.group("recorder")
def command() -> None:
    """录像：采集、完整性校验、保存期清理、依法保全、质量检查、导出 / footage recorder."""


@command.command("run")
@click.option("--segment-seconds", type=float, default=None, help="默认 60 s (CASEWORK_RECORDER_SEGMENT_SECONDS).")
@click.option("--camera", "cameras", type=int, multiple=True, help="只录这些摄像机 / only these cameras.")
@click.option("--check-every", type=float, default=300.0, help="质量检查间隔秒数 / quality check period.")
@pass_app
def run_command(app: AppContext, segment_seconds, cameras, check_every) -> None:
    """Record every enabled camera until SIGTERM/Ctrl-C (recovering first)."""
    current_actor(app.container, *JOBS)
    from recorder.quality import checks
    from recorder.capture.runner import Recorder

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    rec = Recorder(app.container, segment_seconds=segment_seconds, camera_ids=list(cameras) or None)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: rec.stop.set())
    click.echo(f"recording to {rec.root} ({rec.segment_seconds:g}-s segments)")
    jobs = [(check_every, lambda: checks.check_all(app.container.uow(), app.container.files, rec.root))]
    rec.serve(every=jobs)
    click.echo("stopped; open segments sealed.")


@command.command("sweep")
@click.option("--dry-run", is_flag=True, help="只统计不删除 / count only.")
@click.option("--batch", type=int, default=500)
@pass_app
def sweep_command(app: AppContext, dry_run: bool, batch: int) -> None:
    """Delete footage past retention and not held (tombstones keep the chain)."""
    current_actor(app.container, *JOBS)
    from recorder.retention import sweeper

    def progress(r):
        click.echo(f"  … {r.line()}", err=True)

    report = sweeper.sweep(app.container.uow(), _root(app), dry_run=dry_run, batch=batch,
                             progress=progress)
    click.echo(("[dry run] " if dry_run else "") + report.line())


@command.command("verify")
@click.option("--camera", type=int, default=None)
@click.option("--since", default=None, help="ISO 时间（北京时间）/ ISO time, Asia/Shanghai if no zone.")
@pass_app
def verify_command(app: AppContext, camera, since) -> None:
    """Recompute segment hashes and each camera's chain; name the first bad segment."""
    parse_moment(since)  # a mistyped time is named before anything else
    current_actor(app.container, *JOBS, "auditor", "manager", "bureau_head")
    from recorder.catalogue import verify

    bad = 0
    for v in verify.verify(app.container.uow(), _root(app), camera, parse_moment(since)):
        if v.ok:
            click.echo(f"camera {v.camera_id}: OK, {v.checked} segments, "
                       f"{v.checkpoints} checkpoints matched")
        else:
            bad += 1
            click.echo(f"camera {v.camera_id}: BROKEN at segment {v.first_bad_seq} "
                       f"({v.path or '-'}): {v.reason}")
    sys.exit(1 if bad else 0)


@command.group("hold")
def hold_group() -> None:
    """依法保全 / legal holds."""


@hold_group.command("place")
@click.option("--camera", type=int, required=True)
@click.option("--from", "t0", required=True)
@click.option("--to", "t1", required=True)
@click.option("--reason", required=True)
@click.option("--case", "case_ref", default=None)
@click.option("--request", "request_ref", default=None)
@pass_app
def hold_place(app: AppContext, camera, t0, t1, reason, case_ref, request_ref) -> None:
    """Place a hold on a camera's footage for a time range (as the signed-in officer)."""
    actor = current_actor(app.container, *OFFICERS)
    require_camera(app.container, actor, camera)
    placed_by = actor.name
    from recorder.retention import holds

    hid = holds.place_hold(app.container.uow(), camera, parse_moment(t0), parse_moment(t1),
                           placed_by, reason, case_ref=case_ref, access_request_ref=request_ref)
    click.echo(f"hold {hid} placed")


@hold_group.command("release")
@click.argument("hold_id", type=int)
@click.option("--reason", required=True)
@pass_app
def hold_release(app: AppContext, hold_id, reason) -> None:
    """Release a hold (bureau head or legal reviewer, with a reason)."""
    actor = current_actor(app.container, *RELEASERS)
    scope = cameras_in_scope(app.container, actor)
    released_by = actor.name
    from recorder.retention import holds

    if not any(h["id"] == hold_id and h["camera_id"] in scope
               for h in holds.list_holds(app.container.uow(), active_only=False)):
        raise NotFound(f"保全不存在 / no legal hold {hold_id}")
    holds.release_hold(app.container.uow(), hold_id, released_by, reason)
    click.echo(f"hold {hold_id} released")


@hold_group.command("list")
@click.option("--camera", type=int, default=None)
@click.option("--all", "show_all", is_flag=True)
@pass_app
def hold_list(app: AppContext, camera, show_all) -> None:
    """List holds (active ones unless --all) on the cameras in the user's scope."""
    scope = cameras_in_scope(app.container, current_actor(app.container, *STAFF))
    from recorder.retention import holds

    for h in [h for h in holds.list_holds(app.container.uow(), camera, active_only=not show_all)
              if h["camera_id"] in scope]:
        state = "released" if h["released_at"] else "active"
        click.echo(f"{h['id']}\tcamera {h['camera_id']}\t{format_local(h['t0'])} – "
                   f"{format_local(h['t1'])}\t{state}\t{h['case_ref'] or h['access_request_ref']}\t{h['reason']}")


@command.command("verify-export")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--offline", is_flag=True, help="不查登记簿 / do not consult the database.")
@pass_app
def verify_export_command(app: AppContext, path: Path, offline: bool) -> None:
    """Check an export's clip hash, segment chain and access-register entry."""
    current_actor(app.container, *STAFF)
    from recorder.export import clip

    manifest = path / "manifest.json" if path.is_dir() else path
    problems = clip.verify_export(manifest, None if offline else app.container.uow())
    for p in problems:
        click.echo(f"FAIL: {p}")
    if not problems:
        click.echo("OK: clip, chain and register agree")
    sys.exit(1 if problems else 0)


@command.command("check")
@click.option("--camera", type=int, default=None)
@pass_app
def check_command(app: AppContext, camera) -> None:
    """Run the quality checks on segments not yet checked."""
    current_actor(app.container, *JOBS)
    from recorder.quality import checks

    c = app.container
    found = ({camera: checks.check_camera(c.uow(), c.files, _root(app), camera)}
             if camera is not None else checks.check_all(c.uow(), c.files, _root(app)))
    for cid, items in found.items():
        click.echo(f"camera {cid}: {len(items)} finding(s)")
        for f in items:
            click.echo(f"  {f['kind']}\t{format_local(f['start'], '%Y-%m-%d %H:%M:%S')} – "
                       f"{format_local(f['end'], '%H:%M:%S')}\t{f['evidence_key'] or ''}")


@command.command("alarms")
@pass_app
def alarms_command(app: AppContext) -> None:
    """List open recorder alarms."""
    current_actor(app.container, *STAFF, *JOBS)
    from sqlalchemy import select

    from recorder.catalogue.models import RecorderAlarm

    with app.container.uow() as uow:
        for a in uow.session.execute(select(RecorderAlarm).where(
                RecorderAlarm.cleared_at.is_(None)).order_by(RecorderAlarm.id)).scalars():
            click.echo(f"{a.id}\t{a.kind}\tcamera {a.camera_id}\t{format_local(a.raised_at)}\t{a.message}")
