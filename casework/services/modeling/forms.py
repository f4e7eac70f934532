"""Forms edited in the modeler: each form's whole document (title, JSON Schema, ui), checked as a
JSON Schema and against what the form renderer and the engine accept, saved with a revision.

`forms/` holds the shipped text; a saved edit (`form_draft`) lies over it. One rule for every
deploy (the modeler's, `casework model deploy`, the shipped diagrams at `casework init`): it reads
`forms_dir` (`deploy_with_edits`), stores the exact forms it uses with that version, and names
the edited ones, so instances on older versions keep their forms and no edit is silently ignored.
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from jsonschema import Draft202012Validator
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from casework import audit, clock
from casework.engine.model.deploy import default_forms_dir, deploy
from casework.errors import Conflict, InvalidInput, NotFound
from casework.models.engine import ModelVersion
from casework.models.modeling import FormDraft

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork

FORM_KEY = re.compile(r"^[a-z][a-z0-9_]{0,79}$")  # as the engine's formKey
MAX_FORM_BYTES = 200_000
KINDS = ("string", "integer", "number", "boolean", "array", "object")  # what the renderer draws
WIDGETS = ("textarea",)
META = Draft202012Validator(Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
TEMPLATE = {"title": {"zh": "", "en": ""},
            "schema": {"type": "object", "additionalProperties": False, "properties": {}, "required": []},
            "ui": {}}


class FormRefused(InvalidInput):
    """A form document that is not a valid form: every problem, each naming where it is."""

    def __init__(self, problems: list[dict]) -> None:
        super().__init__("; ".join(f"{p['where']}: {p['message']}" for p in problems))
        self.problems = problems


def _problem(where: str, zh: str, en: str) -> dict:
    return {"where": where or "/", "message": f"{zh} / {en}"}


def check_form(text: str) -> tuple[dict | None, list[dict]]:
    """(the form, []) or (None, problems): JSON, the meta-schema, then our form rules."""
    if len(text.encode("utf-8")) > MAX_FORM_BYTES:
        return None, [_problem("/", "表单过大", f"form larger than {MAX_FORM_BYTES} bytes")]
    try:
        form = json.loads(text)
    except ValueError as exc:
        line, col = getattr(exc, "lineno", 0), getattr(exc, "colno", 0)
        return None, [_problem(f"第 {line} 行第 {col} 列 / line {line} column {col}", "不是合法的 JSON",
                               f"not valid JSON: {getattr(exc, 'msg', exc)}")]
    problems = _document_problems(form)
    if not problems:
        problems = [_problem("/schema" + "".join(f"/{p}" for p in e.absolute_path),
                             "不符合 JSON Schema（2020-12）元模式", f"not a valid JSON Schema (2020-12): {e.message[:300]}")
                    for e in sorted(META.iter_errors(form["schema"]), key=lambda e: list(e.absolute_path))[:20]]
    if not problems:
        problems = _schema_problems(form["schema"], form.get("ui", {}))
    return (None, problems) if problems else (form, [])


def _document_problems(form: Any) -> list[dict]:
    if not isinstance(form, dict):
        return [_problem("/", "表单须为对象", "a form is an object with title, schema and ui")]
    problems = [_problem(f"/{k}", "未知的键", "unknown key (only title, schema, ui)")
                for k in form if k not in ("title", "schema", "ui")]
    title = form.get("title")
    if not isinstance(title, dict) or not all(isinstance(title.get(lang), str) and title[lang].strip()
                                              for lang in ("zh", "en")):
        problems.append(_problem("/title", "须有中文和英文标题", 'needs {"zh": ..., "en": ...} titles'))
    if not isinstance(form.get("schema"), dict):
        problems.append(_problem("/schema", "缺少 JSON Schema 对象", "the schema object is missing"))
    if not isinstance(form.get("ui", {}), dict):
        problems.append(_problem("/ui", "ui 须为对象", "ui must be an object"))
    return problems


def _schema_problems(schema: dict, ui: dict) -> list[dict]:
    problems: list[dict] = []
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict) or not schema["properties"]:
        return [_problem("/schema", "须为带字段（properties）的对象", 'must be {"type": "object"} with properties')]
    _fields(schema, "/schema", True, problems)
    for name, options in ui.items():
        if name not in schema["properties"]:
            problems.append(_problem(f"/ui/{name}", "ui 指向不存在的字段", "ui names a field the schema lacks"))
        elif not isinstance(options, dict) or options.get("widget", WIDGETS[0]) not in WIDGETS:
            problems.append(_problem(f"/ui/{name}", f"只支持 widget {WIDGETS}", f"only the widgets {WIDGETS}"))
    text = json.dumps(schema)
    if re.search(r'"\$(?:dynamic)?ref":\s*"(?!#)', text):
        problems.append(_problem("/schema", "只允许文档内的 $ref（#…）", "only $ref inside the form (#...) is allowed"))
    return problems


def _fields(schema: dict, path: str, top: bool, problems: list[dict]) -> None:
    """Field names the engine accepts, kinds the renderer draws, labels, required names, patterns."""
    properties = schema.get("properties", {})
    for name in schema.get("required", []):
        if name not in properties:
            problems.append(_problem(f"{path}/required", f"必填字段 {name} 不存在", f"required field {name} is not defined"))
    for name, prop in properties.items():
        where = f"{path}/properties/{name}"
        if not name.isidentifier() or name.startswith("_"):
            problems.append(_problem(where, "字段名须为标识符且不以 _ 开头", "field names are identifiers not starting with _"))
        if not isinstance(prop, dict) or prop.get("type") not in KINDS:
            problems.append(_problem(where, f"须有一种类型：{', '.join(KINDS)}", f"needs one type of {', '.join(KINDS)}"))
            continue
        if top and not isinstance(prop.get("title"), str):
            problems.append(_problem(where, "须有 title（中文标签）", "needs a title (the Chinese label)"))
        if "pattern" in prop:
            try:
                re.compile(prop["pattern"])
            except (re.error, TypeError) as exc:
                problems.append(_problem(where, "pattern 不是合法的正则表达式", f"pattern does not compile: {exc}"))
        if prop["type"] == "array" and not (isinstance(prop.get("items"), dict) and prop["items"].get("type") == "string"):
            problems.append(_problem(where, "列表项须为文字（或附件）", 'array items must be {"type": "string"} (or attachments)'))
        if prop["type"] == "object":
            _fields(prop, where, False, problems)


def _shipped(key: str) -> dict | None:
    path = default_forms_dir() / f"{key}.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _draft(session: Session, key: str) -> FormDraft | None:
    return session.scalar(select(FormDraft).where(FormDraft.key == key))


def _used_by(session: Session) -> dict[str, list[tuple[str, int, dict]]]:
    found: dict[str, list[tuple[str, int, dict]]] = {}
    for key, version, forms in session.execute(
            select(ModelVersion.key, ModelVersion.version, ModelVersion.forms)
            .order_by(ModelVersion.key, ModelVersion.version)):
        for form_key, form in (forms or {}).items():
            found.setdefault(form_key, []).append((key, version, form))
    return found


def current_forms(session: Session) -> dict[str, dict]:
    """Form key -> the form a deploy would use now (shipped text, or the saved edit over it)."""
    forms = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(default_forms_dir().glob("*.json"))}
    forms.update({d.key: d.form for d in session.scalars(select(FormDraft))})
    return forms


def list_forms(uow: UnitOfWork, *, actor: Actor) -> list[dict]:
    """Every form: title, whether edited here, and the model versions using it (same text or not)."""
    actor.require("manager", "admin")
    with uow:
        drafts = {d.key: d for d in uow.session.scalars(select(FormDraft))}
        used = _used_by(uow.session)
        rows = []
        for key, form in sorted(current_forms(uow.session).items()):
            draft = drafts.get(key)
            rows.append({"key": key, "title": form.get("title", {}), "revision": draft.revision if draft else 0,
                         "saved_by": draft.saved_by if draft else "",
                         "used_by": [{"model": m, "version": v, "same": f == form} for m, v, f in used.get(key, [])]})
        return rows


def open_form(uow: UnitOfWork, *, actor: Actor, key: str) -> dict:
    """The form to edit: its text (a template for a new key), revision and the versions using it."""
    actor.require("manager", "admin")
    if not FORM_KEY.match(key or ""):
        raise NotFound(f"表单键 {key!r} 不合法 / invalid form key {key!r}")
    with uow:
        draft = _draft(uow.session, key)
        form = draft.form if draft else _shipped(key)
        used = [{"model": m, "version": v, "same": f == form} for m, v, f in _used_by(uow.session).get(key, [])]
        return {"key": key, "text": json.dumps(form if form is not None else TEMPLATE, ensure_ascii=False, indent=2),
                "new": form is None, "revision": draft.revision if draft else 0, "used_by": used,
                "saved_by": draft.saved_by if draft else "",
                "saved_at": clock.format_local(draft.saved_at) if draft else ""}


def save_form(uow: UnitOfWork, *, actor: Actor, key: str, text: str, revision: int) -> dict:
    """Store a valid form (FormRefused lists every problem); a stale `revision` is a Conflict."""
    actor.require("manager", "admin")
    if not FORM_KEY.match(key or ""):
        raise InvalidInput(f"表单键 {key!r} 不合法（小写字母、数字、下划线） / invalid form key {key!r}")
    form, problems = check_form(text or "")
    if problems:
        raise FormRefused(problems)
    stale = Conflict(f"表单已被他人保存（您基于修订 {revision}）：请重新打开 / "
                     f"the form was saved by someone else since revision {revision}: reopen it")
    with uow:
        session, now = uow.session, clock.now()
        if revision == 0:
            if _draft(session, key) is not None:
                raise stale
            session.add(FormDraft(key=key, form=form, revision=1, saved_by=actor.name, saved_at=now))
            try:
                session.flush()
            except IntegrityError:
                session.rollback()  # the request's page is still rendered from this session
                raise stale from None
        elif session.execute(update(FormDraft).where(FormDraft.key == key, FormDraft.revision == revision)
                             .values(form=form, revision=revision + 1, saved_by=actor.name,
                                     saved_at=now)).rowcount != 1:
            raise stale
        audit.record(session, actor.name, "model.form_save", f"form:{key}", {"revision": revision + 1})
        uow.commit()
        return {"key": key, "revision": revision + 1}


def discard_form(uow: UnitOfWork, *, actor: Actor, key: str, revision: int) -> None:
    """Drop the saved edit: deploys use the shipped text again (deployed versions keep theirs)."""
    actor.require("manager", "admin")
    with uow:
        draft = _draft(uow.session, key)
        if draft is None or draft.revision != revision:
            raise Conflict("表单已变更 / the form changed")
        uow.session.delete(draft)
        audit.record(uow.session, actor.name, "model.form_discard", f"form:{key}", {"revision": revision})
        uow.commit()


def edited_revisions(session: Session, keys: list[str]) -> dict[str, int]:
    """Form key -> revision of the saved edit, for the forms among `keys` edited here."""
    return {d.key: d.revision for d in session.scalars(select(FormDraft).where(FormDraft.key.in_(keys)))}


@contextmanager
def forms_dir(session: Session) -> Iterator[Path]:
    """The folder validation and deploy read forms from: `forms/`, with the saved edits over it."""
    drafts = list(session.scalars(select(FormDraft)))
    if not drafts:
        yield default_forms_dir()
        return
    with tempfile.TemporaryDirectory(prefix="casework-forms-") as tmp:
        for path in default_forms_dir().glob("*.json"):
            shutil.copyfile(path, Path(tmp) / path.name)
        for draft in drafts:
            (Path(tmp) / f"{draft.key}.json").write_text(json.dumps(draft.form, ensure_ascii=False), encoding="utf-8")
        yield Path(tmp)


def deploy_with_edits(session: Session, key: str, xml: str | bytes, *,
                      actor: str) -> tuple[ModelVersion, dict[str, int], bool]:
    """Deploy `xml` as `key`'s next version against `forms_dir` (what every deploy uses): the
    version, the edited forms it stores (form key -> revision of the edit), and whether it is new
    (identical XML and forms: the existing version)."""
    latest = session.scalar(select(func.max(ModelVersion.version)).where(ModelVersion.key == key)) or 0
    with forms_dir(session) as forms:
        version = deploy(session, key, xml, actor=actor, forms_dir=forms)
    return version, edited_revisions(session, sorted(version.forms)), version.version > latest
