"""Deploying process models: validated, immutable, versioned per key."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from casework import audit, clock
from casework.config import PROJECT_ROOT
from casework.engine.errors import DiagramInvalid
from casework.engine.expressions.actions import Actions
from casework.engine.model.serializer import spec_to_json
from casework.engine.model.validation import validate
from casework.errors import Conflict
from casework.models.engine import ModelVersion

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

KEY = re.compile(r"^[a-z][a-z0-9_]{0,79}$")


def _suggest(key: str | None) -> str:
    """A valid key close to `key` (for the hint)."""
    text = re.sub(r"[^a-z0-9_]+", "_", (key or "").lower()).strip("_") or "model"
    return (text if text[0].isalpha() else f"m_{text}")[:80]


def default_forms_dir() -> Path:
    return PROJECT_ROOT / "forms"


def default_bpmn_dir() -> Path:
    return PROJECT_ROOT / "bpmn"


def deploy(session: Session, key: str, bpmn_xml: str | bytes, *, actor: str,
           forms_dir: Path | None = None, actions: Actions | None = None) -> ModelVersion:
    """Validate fully and store a new version; identical XML and forms return the existing one."""
    if not KEY.match(key or ""):
        raise DiagramInvalid(f"流程键 {key!r} 不合法（小写字母、数字、下划线） / "
                             f"model key {key!r} is invalid (lowercase letters, digits, underscore; "
                             f"from a file name, give the key with --key, e.g. --key {_suggest(key)})")
    raw = bpmn_xml.encode("utf-8") if isinstance(bpmn_xml, str) else bytes(bpmn_xml)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DiagramInvalid("BPMN 文件须为 UTF-8 编码 / the BPMN file must be UTF-8", "definitions") from None
    validated = validate(key, raw, Path(forms_dir) if forms_dir else default_forms_dir(), actions)
    sha = hashlib.sha256(raw).hexdigest()
    for existing in session.scalars(select(ModelVersion).where(ModelVersion.key == key, ModelVersion.sha256 == sha)):
        if json.dumps(existing.forms) == json.dumps(validated.forms):  # order too: fields moved is a change
            return existing
    latest = session.scalar(select(func.max(ModelVersion.version)).where(ModelVersion.key == key)) or 0
    model = ModelVersion(
        key=key, version=latest + 1, process_id=validated.process_id, bpmn_xml=text,
        forms=validated.forms, spec_json=spec_to_json(validated.spec, validated.subprocess_specs),
        sha256=sha, deployed_by=actor, deployed_at=clock.now())
    session.add(model)
    try:
        session.flush()
    except IntegrityError:  # another deploy of this key took the same version number first
        raise Conflict(f"流程 {key} 的 v{model.version} 刚被同时部署：请重试 / v{model.version} of {key} "
                       f"was deployed at the same time: try again") from None
    audit.record(session, actor, "engine.deploy", f"model:{key}",
                 {"version": model.version, "sha256": sha, "forms": sorted(validated.forms)})
    return model


def deploy_shipped(session: Session, *, actor: str = "system", bpmn_dir: Path | None = None,
                   forms_dir: Path | None = None, update: bool = False) -> list[ModelVersion]:
    """Deploy bpmn/*.bpmn (key = file stem; subfolders ignored) as v1 where the key is absent.

    With `update=True` a changed file becomes a new version instead of being skipped.
    """
    deployed = []
    for path in sorted(Path(bpmn_dir or default_bpmn_dir()).glob("*.bpmn")):
        key = path.stem
        exists = session.scalar(select(ModelVersion.id).where(ModelVersion.key == key).limit(1))
        if exists is not None and not update:
            continue
        deployed.append(deploy(session, key, path.read_bytes(), actor=actor, forms_dir=forms_dir))
    return deployed


def list_versions(session: Session, key: str | None = None) -> list[ModelVersion]:
    """Versions of `key`, or of every deployed model, by key and version."""
    query = select(ModelVersion).order_by(ModelVersion.key, ModelVersion.version)
    if key is not None:
        query = query.where(ModelVersion.key == key)
    return list(session.scalars(query))
