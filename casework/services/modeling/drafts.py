"""Drafts of process models: saved with their validation problems, never silently overwritten.

A save carries the draft revision it started from (0: no draft yet); a stale one is a Conflict.
Deploying a draft makes it the model's next immutable version, with who and why.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from casework import audit, clock
from casework.engine.errors import DiagramInvalid
from casework.engine.model.deploy import default_forms_dir
from casework.engine.model.problems import problems_of as engine_problems
from casework.engine.model.validation import validate
from casework.engine.run.runtime import latest_version
from casework.errors import CaseworkError, Conflict, InvalidInput, NotFound
from casework.models.modeling import ModelDraft
from casework.services.modeling.dimerge import merge_di
from casework.services.modeling.forms import deploy_with_edits, forms_dir
from casework.services.modeling.properties import timer_problems

if TYPE_CHECKING:
    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork

MAX_DIAGRAM_BYTES = 2 * 1024 * 1024
MAX_REASON = 500


def problems_of(key: str, xml: str | bytes, forms: Path | None = None) -> list[dict]:
    """Every problem of the engine's full deploy validation (empty: deployable).

    Each: `element` (id), `message` (one zh / en line) as before, and `type`, `name` (of the
    element), `key` + `params` (the message template in casework.engine.model.problems, also a
    msgid in web/translations), `message_zh`, `message_en`.
    """
    try:
        validate(key, xml.encode("utf-8") if isinstance(xml, str) else xml, forms or default_forms_dir())
    except DiagramInvalid as exc:
        return [problem.as_dict() for problem in engine_problems(exc)]
    return []


def _draft(session, key: str, *, lock: bool = False) -> ModelDraft | None:
    """The draft of `key`; `lock`: its row locked (PostgreSQL) so a racing save or deploy waits."""
    query = select(ModelDraft).where(ModelDraft.key == key)
    return session.scalar(query.with_for_update() if lock else query)


def _gone(key: str, revision: int) -> CaseworkError:
    """No draft: it never existed (NotFound), or someone deployed or discarded it (Conflict)."""
    if revision:
        return Conflict(f"草稿已不存在（已被他人部署或丢弃）：请重新打开 / the draft of {key} is gone "
                        f"(deployed or discarded by someone else since revision {revision}): reopen the model")
    return NotFound(f"流程 {key} 没有草稿 / model {key} has no draft")


def _view(draft: ModelDraft) -> dict:
    return {"key": draft.key, "base_version": draft.base_version, "revision": draft.revision,
            "problems": list(draft.problems or []), "saved_by": draft.saved_by,
            "saved_at": clock.format_local(draft.saved_at), "xml": draft.xml}


def open_model(uow: UnitOfWork, *, actor: Actor, key: str, version: int | None = None) -> dict:
    """What the modeler opens: the draft of `key` (unless a version is asked for), else that version."""
    actor.require("manager", "admin")
    with uow:
        draft = _draft(uow.session, key)
        if draft is not None and version is None:
            return {**_view(draft), "draft": True}
        model = latest_version(uow.session, key, version)
        return {"key": key, "base_version": model.version, "revision": draft.revision if draft else 0,
                "problems": [], "xml": model.bpmn_xml, "draft": False,
                "saved_by": model.deployed_by, "saved_at": clock.format_local(model.deployed_at)}


def save_draft(uow: UnitOfWork, *, actor: Actor, key: str, xml: str, base_version: int,
               revision: int, original: str | None = None) -> dict:
    """Store the draft (DI of undrawn elements kept) with its problems; stale `revision`: Conflict.

    `original`: the file a diagram was imported from (else the base version) for the DI merge.
    """
    actor.require("manager", "admin")
    if any(len(text.encode("utf-8")) > MAX_DIAGRAM_BYTES for text in (xml, original or "")):
        raise InvalidInput(f"流程图过大 / diagram larger than {MAX_DIAGRAM_BYTES} bytes")
    with uow:
        session = uow.session
        base = latest_version(session, key, base_version)
        merged, restored = merge_di(original or base.bpmn_xml, xml)
        with forms_dir(session) as forms:  # forms edited in the modeler count
            problems = problems_of(key, merged, forms) + timer_problems(merged)
        now = clock.now()
        stale = Conflict(f"草稿已被他人保存（您基于修订 {revision}）：请重新打开 / "
                         f"the draft was saved by someone else since revision {revision}: reopen it")
        if revision == 0:
            if _draft(session, key) is not None:
                raise stale
            session.add(ModelDraft(key=key, base_version=base.version, xml=merged, revision=1,
                                   problems=problems, saved_by=actor.name, saved_at=now))
            try:
                session.flush()
            except IntegrityError:
                raise stale from None
        else:
            done = session.execute(
                update(ModelDraft).where(ModelDraft.key == key, ModelDraft.revision == revision)
                .values(xml=merged, base_version=base.version, revision=revision + 1, problems=problems,
                        saved_by=actor.name, saved_at=now))
            if done.rowcount != 1:
                raise stale
        audit.record(session, actor.name, "model.draft_save", f"model:{key}",
                     {"revision": revision + 1, "base_version": base.version,
                      "problems": len(problems), "restored_di": restored})
        uow.commit()
        return {"key": key, "revision": revision + 1, "base_version": base.version,
                "problems": problems, "restored_di": restored}


def deploy_draft(uow: UnitOfWork, *, actor: Actor, key: str, revision: int, reason: str) -> dict:
    """Deploy the draft at `revision` as the next version (who and why audited); the draft ends."""
    actor.require("manager", "admin")
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput(f"须填写部署原因（至多 {MAX_REASON} 字） / "
                           f"give a reason for the deployment (at most {MAX_REASON} characters)")
    with uow:
        session = uow.session
        draft = _draft(session, key, lock=True)
        if draft is None:
            raise _gone(key, revision)
        if draft.revision != revision:
            raise Conflict(f"草稿已变为修订 {draft.revision}（您看到的是 {revision}） / "
                           f"the draft is now at revision {draft.revision}, you saw {revision}")
        latest = latest_version(session, key).version
        if draft.base_version != latest:
            raise Conflict(f"草稿基于 v{draft.base_version}，但已部署 v{latest}：请在 v{latest} 上重做 / "
                           f"the draft is based on v{draft.base_version} but v{latest} was deployed since: redo it on v{latest}")
        version, edited, _new = deploy_with_edits(session, key, draft.xml, actor=actor.name)
        audit.record(session, actor.name, "model.deploy_draft", f"model:{key}",
                     {"version": version.version, "revision": revision, "reason": reason, "edited_forms": edited})
        session.delete(draft)
        uow.commit()
        return {"key": key, "version": version.version, "edited_forms": edited}


def discard_draft(uow: UnitOfWork, *, actor: Actor, key: str, revision: int) -> None:
    actor.require("manager", "admin")
    with uow:
        draft = _draft(uow.session, key, lock=True)
        if draft is None:
            raise _gone(key, revision)
        if draft.revision != revision:
            raise Conflict("草稿已变更 / the draft changed")
        uow.session.delete(draft)
        audit.record(uow.session, actor.name, "model.draft_discard", f"model:{key}", {"revision": revision})
        uow.commit()
