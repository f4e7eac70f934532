"""The structured form editor: a form's fields as rows a manager edits (name, Chinese and English
label, kind, required, choices and limits), turned back into the form's JSON Schema.

The kinds are the ones the generic form renderer draws (`web/forms.py` `_kind`, mirrored here since
the core does not import the web): text, textarea, integer, number, date, choice (enum), boolean,
attachment, attachments (several), lines. A field the rows cannot express (a group of fields, an
unknown type) is `kept`: its labels, required flag and place can change, the rest only in the
advanced (raw JSON) view. Applying rows starts from the form being edited, so keywords the rows do
not show (a date's pattern, `default`, `additionalProperties`, ui hints) survive; the result goes
through the same `check_form` as the raw text, and saving through `forms.save_form`.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from casework.services.modeling.forms import FormRefused, _problem, check_form, save_form

if TYPE_CHECKING:
    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork

KINDS = ("text", "textarea", "integer", "number", "date", "choice", "boolean", "attachment", "attachments", "lines")
KEPT = "kept"
TEXTS = ("text", "textarea")
NUMBERS = ("integer", "number")
#: the keywords the rows set; a field whose kind changes loses all of them, so no stale limit stays
CONTROLLED = ("type", "title", "description", "format", "enum", "items",
              "minLength", "maxLength", "pattern", "minimum", "maximum")
LIMITS = {"min_length": "minLength", "max_length": "maxLength", "minimum": "minimum", "maximum": "maximum"}
MAX_FIELDS = 200


def kind_of(prop: Any, ui: Any) -> str:
    """The row kind of a schema property, as the renderer would draw it (`kept` if rows cannot say it)."""
    if not isinstance(prop, dict):
        return KEPT
    t = prop.get("type")
    if t == "boolean":
        return "boolean"
    if t in NUMBERS:
        return t
    if t == "array":
        items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        if items.get("type") != "string":
            return KEPT
        return "attachments" if items.get("format") == "attachment" else "lines"
    if t != "string":
        return KEPT  # a group (object) or no type
    if prop.get("format") == "attachment":
        return "attachment"
    if "enum" in prop:
        return "choice"
    if prop.get("format") == "date":
        return "date"
    return "textarea" if isinstance(ui, dict) and ui.get("widget") == "textarea" else "text"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def rows_of(form: dict) -> dict:
    """The form's title and its top-level fields as rows (every value a string or a flag, as shown)."""
    schema = form.get("schema") if isinstance(form.get("schema"), dict) else {}
    props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    ui = form.get("ui") if isinstance(form.get("ui"), dict) else {}
    required = set(schema.get("required") or ()) if isinstance(schema.get("required"), list) else set()
    title = form.get("title") if isinstance(form.get("title"), dict) else {}
    rows = []
    for name, prop in props.items():
        p = prop if isinstance(prop, dict) else {}
        row = {"name": name, "was": name, "kind": kind_of(prop, ui.get(name)), "required": name in required,
               "label_zh": _text(p.get("title")), "label_en": _text(p.get("description")),
               "options": "\n".join(_text(v) for v in p.get("enum") or []) if isinstance(p.get("enum"), list) else "",
               "pattern": _text(p.get("pattern"))}
        row.update({k: _text(p.get(key)) for k, key in LIMITS.items()})
        rows.append(row)
    return {"title_zh": _text(title.get("zh")), "title_en": _text(title.get("en")), "fields": rows}


def edit_rows(rows: list[dict], op: str) -> list[dict]:
    """`add` a text field at the end, or `remove-N`, `up-N`, `down-N` (N counts from 0); else unchanged."""
    rows = [dict(r) for r in rows]
    if op == "add":
        taken = {r.get("name") for r in rows}
        n = len(rows) + 1
        while f"field_{n}" in taken:
            n += 1
        rows.append({"name": f"field_{n}", "was": "", "kind": "text", "required": False, "label_zh": "",
                     "label_en": "", "options": "", "pattern": "", **{k: "" for k in LIMITS}})
        return rows
    action, _, index = op.partition("-")
    if not index.isdigit() or int(index) >= len(rows):
        return rows
    i = int(index)
    if action == "remove":
        del rows[i]
    elif action == "up" and i > 0:
        rows[i - 1], rows[i] = rows[i], rows[i - 1]
    elif action == "down" and i + 1 < len(rows):
        rows[i], rows[i + 1] = rows[i + 1], rows[i]
    return rows


def _limit(row: dict, key: str, kind: str, where: str, problems: list[dict]) -> int | float | None:
    raw = (row.get(key) or "").strip()
    if not raw:
        return None
    try:
        if key in ("min_length", "max_length") or kind == "integer":
            value: int | float = int(raw)
        else:
            value = float(raw)
            value = int(value) if value.is_integer() and "." not in raw and "e" not in raw.lower() else value
    except ValueError:
        whole = key in ("min_length", "max_length") or kind == "integer"
        problems.append(_problem(where, f"{LIMITS[key]} 须为{'整数' if whole else '数字'}：{raw}",
                                 f"{LIMITS[key]} must be a {'whole number' if whole else 'number'}: {raw}"))
        return None
    if key in ("min_length", "max_length") and value < 0:
        problems.append(_problem(where, f"{LIMITS[key]} 不能为负数", f"{LIMITS[key]} cannot be negative"))
        return None
    return value


def _field(row: dict, old: dict, where: str, problems: list[dict]) -> dict:
    """The property for one row, over the property it was (`old`): of the same kind, it keeps what the
    row does not set (a date's pattern, `default`, an attachment list's items); of another, only
    what no kind sets."""
    kind = row.get("kind") or "text"
    if kind == KEPT:
        prop = dict(old)
    else:
        plain = {"textarea": "text"}
        same = bool(old) and plain.get(kind_of(old, {}), kind_of(old, {})) == plain.get(kind, kind)
        mine = ("type", "title", "description", "enum") + (
            ("minLength", "maxLength", "pattern") if kind in TEXTS else ("minimum", "maximum") if kind in NUMBERS else ())
        prop = {k: v for k, v in old.items() if k not in (mine if same else CONTROLLED)}
        prop.update({k: v for k, v in _shape(kind, row, where, problems).items() if k not in prop or k in mine})
    for key, value in (("title", row.get("label_zh", "").strip()), ("description", row.get("label_en", "").strip())):
        prop.pop(key, None)
        if value:
            prop[key] = value
    return prop


def _shape(kind: str, row: dict, where: str, problems: list[dict]) -> dict:
    """type, format, items, enum and limits of a kind."""
    if kind not in KINDS:
        problems.append(_problem(where, f"未知的字段类型 {kind}", f"unknown kind of field {kind}"))
        return {"type": "string"}
    shape: dict[str, Any] = {
        "text": {"type": "string"}, "textarea": {"type": "string"}, "integer": {"type": "integer"},
        "number": {"type": "number"}, "date": {"type": "string", "format": "date"},
        "choice": {"type": "string"}, "boolean": {"type": "boolean"},
        "attachment": {"type": "string", "format": "attachment"},
        "attachments": {"type": "array", "items": {"type": "string", "format": "attachment"}},
        "lines": {"type": "array", "items": {"type": "string"}}}[kind]
    if kind == "choice":
        options = [o.strip() for o in (row.get("options") or "").splitlines() if o.strip()]
        if not options:
            problems.append(_problem(where, "选择题至少需要一个选项", "a choice needs at least one option"))
        elif len(set(options)) != len(options):
            problems.append(_problem(where, "选项重复", "an option is listed twice"))
        shape["enum"] = options
    keys = ("min_length", "max_length") if kind in TEXTS else ("minimum", "maximum") if kind in NUMBERS else ()
    for key in keys:
        value = _limit(row, key, kind, where, problems)
        if value is not None:
            shape[LIMITS[key]] = value
    pattern = (row.get("pattern") or "").strip()
    if kind in TEXTS and pattern:
        shape["pattern"] = pattern
    low, high = (shape.get("minLength"), shape.get("maxLength")) if kind in TEXTS else \
        (shape.get("minimum"), shape.get("maximum"))
    if low is not None and high is not None and low > high:
        problems.append(_problem(where, "下限大于上限", "the lower limit is above the upper one"))
    return shape


def apply_rows(form: dict, title: dict, rows: list[dict]) -> dict:
    """The form with these title and fields (in this order) over `form`; FormRefused lists what the
    rows themselves get wrong (names, kinds, limits, choices), `check_form` the rest."""
    problems: list[dict] = []
    schema = dict(form.get("schema")) if isinstance(form.get("schema"), dict) else {"type": "object"}
    old_props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    old_ui = form.get("ui") if isinstance(form.get("ui"), dict) else {}
    if len(rows) > MAX_FIELDS:
        raise FormRefused([_problem("/schema/properties", f"字段过多（至多 {MAX_FIELDS} 个）",
                                    f"too many fields (at most {MAX_FIELDS})")])
    props: dict[str, dict] = {}
    ui: dict[str, Any] = {}
    required, renamed = [], {}
    for row in rows:
        name = (row.get("name") or "").strip()
        where = f"/schema/properties/{name}"
        if not name:
            problems.append(_problem("/schema/properties", "字段名不能为空", "a field needs a name"))
            continue
        if name in props:
            problems.append(_problem(where, f"字段名 {name} 重复", f"the field name {name} is used twice"))
            continue
        was = row.get("was") or ""
        old = old_props.get(was) if isinstance(old_props.get(was), dict) else {}
        props[name] = _field(row, old, where, problems)
        hints = old_ui.get(was) if isinstance(old_ui.get(was), dict) else {}
        hints = {k: v for k, v in hints.items() if k != "widget"} if row.get("kind") != KEPT else dict(hints)
        if row.get("kind") == "textarea":
            hints["widget"] = "textarea"
        if hints:
            ui[name] = hints
        if row.get("required"):
            required.append(name)
            renamed[was] = name
    if problems:
        raise FormRefused(problems)
    before = [renamed[n] for n in schema.get("required") or () if isinstance(n, str) and n in renamed]
    schema["properties"] = props
    if required or "required" in schema:
        schema["required"] = before + [n for n in required if n not in before]  # the order it had, new after
    done = {**form, "title": {"zh": (title.get("zh") or "").strip(), "en": (title.get("en") or "").strip()},
            "schema": schema}
    if ui or "ui" in form:
        done["ui"] = ui
    return done


def build(base_text: str, title: dict, rows: list[dict]) -> tuple[str, dict | None, list[dict]]:
    """(the form's text, the form or None, problems) for rows applied over the text being edited."""
    try:
        base = json.loads(base_text or "{}")
    except ValueError:
        base = None
    if not isinstance(base, dict):
        return base_text, None, [_problem("/", "高级视图中的文本不是合法的表单 JSON：请在那里修改",
                                          "the advanced view's text is not a form's JSON: fix it there")]
    try:
        form = apply_rows(base, title, rows)
    except FormRefused as refused:
        return base_text, None, refused.problems
    text = json.dumps(form, ensure_ascii=False, indent=2)
    checked, problems = check_form(text)
    return text, checked, problems


def placed(problems: list[dict], names: list[str]) -> dict:
    """Problems by where they belong: `fields` (field name -> messages), `title`, and `other`."""
    out: dict[str, Any] = {"fields": {}, "title": [], "other": []}
    for p in problems:
        where = p.get("where", "")
        parts = where.split("/")
        if where.startswith("/schema/properties/") and len(parts) > 3 and parts[3] in names:
            out["fields"].setdefault(parts[3], []).append(p["message"])
        elif where.startswith("/ui/") and len(parts) > 2 and parts[2] in names:
            out["fields"].setdefault(parts[2], []).append(p["message"])
        elif where.startswith("/title"):
            out["title"].append(p["message"])
        else:
            out["other"].append(p)
    return out


def save_rows(uow: UnitOfWork, *, actor: Actor, key: str, base_text: str, title: dict, rows: list[dict],
              revision: int) -> dict:
    """Save the rows applied over the text being edited, as `forms.save_form` saves the raw text."""
    actor.require("manager", "admin")
    text, _form, problems = build(base_text, title, rows)
    if problems:
        raise FormRefused(problems)
    return {**save_form(uow, actor=actor, key=key, text=text, revision=revision), "text": text}
