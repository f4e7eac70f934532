"""Export: a clip for [t0, t1] remuxed from the covering segments, a manifest, and its verifier."""
from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import av
from sqlalchemy import select

from casework import audit, clock
from casework.clock import as_utc
from casework.errors import InvalidInput, NotFound, RuleViolation
from casework.storage.files import fsync_dir
from recorder.catalogue import chain
from recorder.constants import LIVE_STATES, WRITING
from recorder.catalogue.models import ChainHead, Export, Segment
from recorder.catalogue.disk import sha256_file

if TYPE_CHECKING:
    from casework.storage.files import FileStore
    from casework.storage.unit_of_work import UnitOfWork

CLIP_FORMAT, CLIP_EXT = "mp4", ".mp4"
MANIFEST_VERSION = 2  # 2: segments carry retain_until (in the chain link)


def _seg_entry(row: Segment, t0: datetime, t1: datetime) -> dict:
    return {"camera_id": row.camera_id, "seq": row.seq, "start_at": _iso(row.start_at),
            "end_at": _iso(row.end_at), "bytes": row.bytes, "path": row.path,
            "truncated": row.truncated, "retain_until": _iso(row.retain_until),
            "sha256": row.sha256, "prev_chain": row.prev_chain,
            "chain": row.chain, "state": row.state,
            "in_clip": row.state in LIVE_STATES and row.start_at < t1 and row.end_at > t0}


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else as_utc(moment).isoformat(timespec="microseconds")


def remux(paths_and_starts: list[tuple[Path, datetime]], t0: datetime, t1: datetime,
          out_path: Path) -> dict:
    """Copy packets for [t0, t1] into one MP4, from the keyframe at or before t0."""
    out = av.open(str(out_path), "w", format=CLIP_FORMAT)
    ostream, clip_start, last_dts, pending, written = None, None, None, [], 0
    tb_out = Fraction(1, 90000)
    try:
        for path, seg_start in paths_and_starts:
            with av.open(str(path)) as box:
                stream = box.streams.video[0]
                if ostream is None:
                    ostream = out.add_stream_from_template(stream)
                first = None
                for p in box.demux(stream):
                    pts = p.pts if p.pts is not None else p.dts
                    if pts is None:
                        continue
                    first = pts if first is None else first
                    t = seg_start + timedelta(seconds=float((pts - first) * stream.time_base))
                    if t >= t1:
                        break
                    lag = float(((p.pts or pts) - (p.dts if p.dts is not None else pts)) * stream.time_base)
                    item = (p, t, lag)
                    if clip_start is None:
                        if p.is_keyframe and t <= t0:
                            pending = [item]  # the GOP that contains t0 starts here
                            continue
                        if pending and t <= t0:
                            pending.append(item)
                            continue
                        if not pending:
                            if not p.is_keyframe:
                                continue  # never start mid-GOP
                            pending = [item]
                        clip_start = pending[0][1]
                        for q in pending:
                            last_dts = _put(out, ostream, q, clip_start, tb_out, last_dts)
                            written += 1
                        pending = []
                        continue
                    last_dts = _put(out, ostream, item, clip_start, tb_out, last_dts)
                    written += 1
        if clip_start is None and pending:
            clip_start = pending[0][1]
            for q in pending:
                last_dts = _put(out, ostream, q, clip_start, tb_out, last_dts)
                written += 1
    finally:
        out.close()
    if not written:
        raise NotFound("所选时段没有可导出的画面 / no footage in the requested period")
    return {"packets": written, "starts_at": _iso(clip_start)}


def _put(out, ostream, item, clip_start, tb_out, last_dts):
    p, t, lag = item
    pts = round((t - clip_start).total_seconds() / tb_out)
    dts = pts - round(lag / tb_out)
    if last_dts is not None and dts <= last_dts:
        dts = last_dts + 1
        pts = max(pts, dts)
    p.stream, p.time_base, p.pts, p.dts = ostream, tb_out, pts, dts
    out.mux(p)
    return dts


def _write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def export_clip(uow: UnitOfWork, files: FileStore, root: Path, camera_id: int, t0: datetime,
                t1: datetime, *, access_request_ref: str, requested_by: str, approved_by: str,
                purpose: str, destination: str) -> dict:
    """Export [t0, t1] of one camera for an approved access request; logged and audited."""
    if t1 <= t0:
        raise InvalidInput("导出时段无效 / t1 must be after t0")
    if not all(s.strip() for s in (access_request_ref, requested_by, approved_by, purpose, destination)):
        raise InvalidInput("须写明调取申请、申请人、批准人、用途和去向 / request, requester, approver, "
                           "purpose and destination are required")
    if approved_by == requested_by:
        raise RuleViolation("调取须由申请人以外的人员批准 / the approver must differ from the requester")
    with uow:
        s = uow.session
        covering = s.execute(select(Segment).where(
            Segment.camera_id == camera_id, Segment.state != WRITING,
            Segment.start_at < t1, Segment.end_at > t0).order_by(Segment.seq)).scalars().all()
        if not covering:
            raise NotFound("所选时段没有录像 / no footage in the requested period")
        rows = s.execute(select(Segment).where(
            Segment.camera_id == camera_id, Segment.seq.between(covering[0].seq, covering[-1].seq)
        ).order_by(Segment.seq)).scalars().all()
        head = s.get(ChainHead, camera_id)
        head_info = {"seq": head.sealed_seq, "chain": head.chain} if head else None
        entries = [_seg_entry(r, t0, t1) for r in rows]
    sources = []
    for e in entries:
        if not e["in_clip"]:
            continue
        path = root / e["path"]
        sha, size = sha256_file(path) if path.exists() else ("", 0)
        if (sha, size) != (e["sha256"], e["bytes"]):
            raise RuleViolation(f"第{e['seq']}段录像校验失败，不能导出 / segment {e['seq']} fails "
                                f"its SHA-256 check; run `casework recorder verify`")
        sources.append((path, datetime.fromisoformat(e["start_at"])))
    stamp = clock.now().strftime("%Y%m%dT%H%M%S%f")
    safe_ref = re.sub(r"[^A-Za-z0-9_.-]", "_", access_request_ref)[:60].lstrip(".") or "_"
    base = f"recorder/exports/{safe_ref}/{camera_id}_{stamp}"
    clip_key, manifest_key = base + "/clip" + CLIP_EXT, base + "/manifest.json"
    clip_path = files.path(clip_key)
    clip_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = clip_path.with_name(".clip.tmp" + CLIP_EXT)
    info = remux(sources, t0, t1, tmp)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, clip_path)
    clip_sha, clip_size = sha256_file(clip_path)
    manifest = {
        "version": MANIFEST_VERSION, "camera_id": camera_id, "t0": _iso(t0), "t1": _iso(t1),
        "clip": {"file": clip_path.name, "sha256": clip_sha, "bytes": clip_size, **info},
        "segments": entries,
        "chain_head": head_info,
        "access_request_ref": access_request_ref, "requested_by": requested_by,
        "approved_by": approved_by, "purpose": purpose, "destination": destination,
        "created_at": _iso(clock.now()),
    }
    body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    _write_durably(files.path(manifest_key), body)
    manifest_sha = hashlib.sha256(body).hexdigest()
    with uow:
        row = Export(access_request_ref=access_request_ref, camera_id=camera_id, t0=t0, t1=t1,
                     file_key=clip_key, manifest_key=manifest_key, manifest_sha256=manifest_sha,
                     manifest={k: v for k, v in manifest.items() if k != "segments"},
                     requested_by=requested_by, approved_by=approved_by, purpose=purpose,
                     destination=destination, created_at=clock.now())
        uow.session.add(row)
        uow.session.flush()
        audit.record(uow.session, approved_by, "recorder.export", f"recorder_export:{row.id}",
                     {"camera_id": camera_id, "t0": t0, "t1": t1, "who": requested_by,
                      "approved_by": approved_by, "why": purpose, "where": destination,
                      "access_request_ref": access_request_ref, "clip_sha256": clip_sha,
                      "manifest_sha256": manifest_sha,
                      "segments": [e["seq"] for e in entries if e["in_clip"]]})
        uow.commit()
        export_id = row.id
    return {"id": export_id, "clip": str(clip_path), "manifest": str(files.path(manifest_key)),
            "clip_sha256": clip_sha, "manifest_sha256": manifest_sha}


def verify_export(manifest_path: Path, uow: UnitOfWork | None = None) -> list[str]:
    """Problems with an export (empty when it verifies): clip hash, segment chain, register."""
    body = Path(manifest_path).read_bytes()
    try:
        m = json.loads(body)
        name = m["clip"]["file"]
        m["clip"]["sha256"], m["segments"]  # noqa: B018 (the keys must be there)
    except (ValueError, KeyError, TypeError) as exc:
        return [f"清单无法读取 / the manifest is unreadable: {type(exc).__name__}"]
    if not isinstance(name, str) or Path(name).name != name:
        return ["清单中的文件名无效 / the manifest names a clip outside its folder"]
    problems = []
    clip = Path(manifest_path).parent / name
    if not clip.exists():
        problems.append("导出文件缺失 / the clip file is missing")
    elif sha256_file(clip) != (m["clip"]["sha256"], m["clip"]["bytes"]):
        problems.append("导出文件与清单不符 / the clip does not match the manifest's SHA-256")
    segs = m["segments"]
    prev = segs[0]["prev_chain"] if segs else None
    for e in segs:
        if e["prev_chain"] != prev or chain.link_for(e, prev) != e["chain"]:
            problems.append(f"第{e['seq']}段链接不符 / segment {e['seq']} breaks the chain")
            break
        prev = e["chain"]
    head = m.get("chain_head")
    if head and segs and head["seq"] == segs[-1]["seq"] and head["chain"] != prev:
        problems.append("链头不符 / the chain head does not match the last segment")
    if uow is not None:
        with uow:
            row = uow.session.execute(select(Export).where(
                Export.manifest_sha256 == hashlib.sha256(body).hexdigest())).scalar()
            if row is None:
                problems.append("登记簿中无此清单 / this manifest is not in the access register")
            for e in segs:
                chain_now = uow.session.execute(select(Segment.chain).where(
                    Segment.camera_id == e["camera_id"], Segment.seq == e["seq"])).scalar()
                if chain_now != e["chain"]:
                    problems.append(f"第{e['seq']}段与目录不符 / segment {e['seq']} differs from the catalogue")
                    break
    return problems
