"""Turning a caller's JSON-like dict into a context dataclass, naming the first bad field.

Dates are ISO strings or date objects; amounts are integers or decimal strings (never
floats); local times are ISO strings read as Asia/Shanghai; text must print as it reads.
"""
from __future__ import annotations

import dataclasses
import types
import typing
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Union

from casework.clock import SHANGHAI
from casework.documents.formatting import to_decimal
from casework.errors import InvalidInput

# Lists that must not be empty, and other rules of law checked on the whole context.
NON_EMPTY = {"violated", "applied", "evidence", "basis", "missing", "findings", "items",
             "entries", "servers"}

# Hostile or accidental input: a document is evidence, so text must print as it reads.
MAX_TEXT = 5000  # characters in one field (a long statement of facts is ~1,500)
MAX_ITEMS = 300  # entries in one list (an access-register extract of a busy month)
ALLOWED_CONTROLS = {"\n", "\r", "\t"}  # line breaks from web forms are kept
# Cc control characters, Cf format characters (bidi overrides such as U+202E, zero-width
# joiners, soft hyphens) can make a name read differently from what is stored; Cs/Co
# (surrogates, private use) print as empty boxes.
REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co"}


def to_json(value: Any) -> Any:
    """A context (dataclass tree) as plain JSON: ISO dates, decimal strings."""
    if dataclasses.is_dataclass(value):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def convert(tp: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return convert(args[0], value, path)
    if value is None:
        raise InvalidInput(f"文书内容缺少字段 / missing field: {path}")
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise InvalidInput(f"字段应为对象 / {path} must be an object")
        hints = typing.get_type_hints(tp)
        known = {f.name for f in dataclasses.fields(tp)}
        unknown = sorted(set(value) - known)
        if unknown:
            raise InvalidInput(f"未知字段 / unknown field: {path}.{unknown[0]}")
        kwargs = {}
        for f in dataclasses.fields(tp):
            sub = f"{path}.{f.name}"
            has_default = (f.default is not dataclasses.MISSING
                           or f.default_factory is not dataclasses.MISSING)
            if f.name not in value or (value[f.name] in (None, "") and not has_default):
                if has_default:
                    continue
                raise InvalidInput(f"文书内容缺少字段 / missing field: {sub}")
            kwargs[f.name] = convert(hints[f.name], value[f.name], sub)
            if f.name in NON_EMPTY and not kwargs[f.name]:
                raise InvalidInput(f"字段不能为空 / field must not be empty: {sub}")
        return tp(**kwargs)
    if origin is list:
        if not isinstance(value, (list, tuple)):
            raise InvalidInput(f"字段应为列表 / {path} must be a list")
        if len(value) > MAX_ITEMS:
            raise InvalidInput(f"列表过长（最多{MAX_ITEMS}项） / {path} has more than "
                               f"{MAX_ITEMS} items")
        (item,) = typing.get_args(tp)
        return [convert(item, v, f"{path}[{i}]") for i, v in enumerate(value)]
    return _scalar(tp, value, path)


def _clean_text(value: str) -> str:
    """The text as given, or ValueError for what would not print as it reads."""
    if len(value) > MAX_TEXT:
        raise ValueError(f"text longer than {MAX_TEXT} characters ({len(value)})")
    for i, ch in enumerate(value):
        if ch not in ALLOWED_CONTROLS and unicodedata.category(ch) in REFUSED_CATEGORIES:
            raise ValueError(f"character U+{ord(ch):04X} at position {i} is not allowed "
                             "(control, format or private-use character)")
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _scalar(tp: Any, value: Any, path: str) -> Any:
    try:
        if tp is str:
            if not isinstance(value, str) or not value.strip():
                raise ValueError("expected non-empty text")
            return _clean_text(value)
        if tp is bool:
            if not isinstance(value, bool):
                raise ValueError("expected true or false")
            return value
        if tp is int:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError("expected a whole number")
            return value
        if tp is Decimal:
            return to_decimal(value, path)
        if tp is datetime:
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
            return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
        if tp is date:
            if isinstance(value, datetime):
                raise ValueError("expected a date, not a time")
            return value if isinstance(value, date) else date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"字段格式错误 / invalid field {path}: {exc}") from None
    raise TypeError(f"unsupported field type {tp!r} at {path}")
