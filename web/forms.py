"""The one generic form renderer: a JSON Schema from forms/ -> fields; posted values -> data.

Pages render `fields(form, values, errors)` with the macros in templates/form.html; posted
values are parsed by the schema's types and validated by the same schema with jsonschema.
Nothing typed is lost: on an error the raw values go back into the page.

Every form it renders carries a one-time submission key (a hidden field, see
`web.idempotency`): the view's `once(...)` acts once per key.

Attachments: a string property with `"format": "attachment"` (or an array of them) is a
file input; the upload is stored in the file store by its SHA-256 and the value is
`sha256:<hex>`. Limits: ATTACHMENT_MAX_BYTES and ATTACHMENT_TYPES.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator

from casework.storage import submissions
from casework.storage.files import FileStore
from web import idempotency
from web.i18n import gettext as _

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_TYPES = {"application/pdf": b"%PDF-", "image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG"}


@dataclass
class Field:
    name: str  # dotted path, also the HTML name
    label: str
    hint: str
    kind: str  # text | textarea | number | integer | date | select | boolean | lines | attachment | group | hidden
    required: bool
    value: Any = ""
    error: str = ""
    options: list = field(default_factory=list)
    children: list[Field] = field(default_factory=list)


def title(form: dict, lang: str) -> str:
    t = form.get("title", "")
    return t.get(lang) or t.get("zh", "") if isinstance(t, dict) else str(t)


def fields(form: dict, raw: dict[str, Any], errors: dict[str, str], lang: str) -> list[Field]:
    """The form's fields, then its one-time submission key."""
    key = Field(idempotency.FIELD, "", "", "hidden", False, submissions.new_key())
    return [*_fields(form.get("schema", {}), form.get("ui", {}), raw, errors, lang, ""), key]


def _fields(schema: dict, ui: dict, raw: dict, errors: dict, lang: str, prefix: str) -> list[Field]:
    required = set(schema.get("required", ()))
    out = []
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        zh, en = prop.get("title") or name, prop.get("description") or ""
        label, hint = (zh, en) if lang == "zh" else (en or zh, zh if en else "")
        kind = _kind(prop, ui.get(name, {}))
        f = Field(path, label, hint, kind, name in required, raw.get(path, ""), errors.get(path, ""),
                  [str(v) for v in prop.get("enum", [])])
        if kind == "group":
            f.children = _fields(prop, ui.get(name, {}), raw, errors, lang, f"{path}.")
        out.append(f)
    return out


def _kind(prop: dict, ui: dict) -> str:
    t = prop.get("type")
    if t == "object":
        return "group"
    if t == "boolean":
        return "boolean"
    if t in ("integer", "number"):
        return "integer" if t == "integer" else "number"
    if t == "array":
        return "attachment" if prop.get("items", {}).get("format") == "attachment" else "lines"
    if prop.get("format") == "attachment":
        return "attachment"
    if "enum" in prop:
        return "select"
    if prop.get("format") == "date":
        return "date"
    return "textarea" if ui.get("widget") == "textarea" else "text"


def parse(form: dict, posted: dict[str, str], uploads: dict[str, list], files: FileStore) -> tuple[dict, dict, dict]:
    """(data for the service, raw values to show again, errors by field) from a post."""
    raw: dict[str, Any] = {}
    errors: dict[str, str] = {}
    data = _parse(form.get("schema", {}), posted, uploads, files, raw, errors, "")
    return data, raw, errors


def _parse(schema, posted, uploads, files, raw, errors, prefix) -> dict:
    data: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        t = prop.get("type")
        if t == "object":
            data[name] = _parse(prop, posted, uploads, files, raw, errors, f"{path}.")
            continue
        if _kind(prop, {}) == "attachment":
            stored = [_store(u, files, errors, path) for u in uploads.get(path, []) if u.filename]
            stored = [s for s in stored if s]
            if stored:
                data[name] = stored if t == "array" else stored[0]
            continue
        text = posted.get(path)
        raw[path] = text if text is not None else ""
        if text is None or (text.strip() == "" and t != "string"):
            if t == "boolean" and prefix and text is None:
                data[name] = False  # an unticked box inside a checklist group
            continue
        if t == "boolean":
            data[name] = text in ("true", "on", "1")
        elif t in ("integer", "number"):
            try:
                data[name] = int(text) if t == "integer" else float(text)
            except ValueError:
                data[name] = text  # kept as typed: the schema names the error
        elif t == "array":
            data[name] = [line.strip() for line in text.splitlines() if line.strip()]
        else:
            if text.strip() == "" and name not in schema.get("required", ()):
                continue
            data[name] = text
    return data


def _store(upload, files: FileStore, errors: dict, path: str) -> str | None:
    body = upload.read(ATTACHMENT_MAX_BYTES + 1)
    if len(body) > ATTACHMENT_MAX_BYTES:
        errors[path] = _("The file is larger than %(mb)d MB.", mb=ATTACHMENT_MAX_BYTES // 2**20)
        return None
    if not any(body.startswith(magic) for magic in ATTACHMENT_TYPES.values()):
        errors[path] = _("Only PDF, JPEG or PNG files are accepted.")
        return None
    digest = hashlib.sha256(body).hexdigest()
    key = f"attachments/{digest[:2]}/{digest}"
    if not files.path(key).exists():
        files.put(key, body)
    return f"sha256:{digest}"


def validate(form: dict, data: dict) -> dict[str, str]:
    """Errors by dotted field path, in the page's language."""
    errors: dict[str, str] = {}
    for error in Draft202012Validator(form.get("schema", {})).iter_errors(data):
        path = ".".join(str(p) for p in error.absolute_path if not isinstance(p, int))
        if error.validator == "required":
            missing = [n for n in error.validator_value if n not in (error.instance or {})]
            for name in missing:
                errors.setdefault(f"{path}.{name}" if path else name, _("Required."))
            continue
        errors.setdefault(path or "_form", _message(error))
    return errors


def _message(error) -> str:
    v, value = error.validator, error.validator_value
    if v == "type":
        return {"integer": _("Enter a whole number."), "number": _("Enter a number."),
                "boolean": _("Choose yes or no.")}.get(value, _("Wrong kind of value."))
    if v == "minLength":
        return _("Required.") if value == 1 else _("At least %(n)d characters.", n=value)
    if v == "maxLength":
        return _("At most %(n)d characters.", n=value)
    if v == "minimum":
        return _("At least %(n)s.", n=value)
    if v == "maximum":
        return _("At most %(n)s.", n=value)
    if v == "minItems":
        return _("At least %(n)d entries.", n=value)
    if v == "maxItems":
        return _("At most %(n)d entries.", n=value)
    if v == "enum":
        return _("Choose one of the options.")
    if v == "format":
        return _("Wrong format.")
    return _("Not accepted: %(why)s", why=error.message)
