"""JSON views of rulebooks and effective rules (for the CLI, the API and stored versions)."""
from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any, Mapping

from casework.rulebooks.model import EffectiveRules, Rulebook


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name != "sha256"}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_dict(obj: Rulebook | EffectiveRules | Any) -> dict[str, Any]:
    """A JSON-ready dict. A Rulebook's dict (without sha256) is its stored content."""
    if isinstance(obj, EffectiveRules):
        data = _plain(obj)
        book = data.pop("rulebook")
        data["valid_from"] = book["instrument"]["valid_from"]
        data["valid_until"] = book["instrument"]["valid_until"]
        data["instrument"] = book["instrument"]["title"]
        data["rulebook_sha256"] = obj.rulebook.sha256
        return data
    return _plain(obj)


def to_json(obj: Rulebook | EffectiveRules | Any, *, indent: int | None = 2) -> str:
    """Serialise a Rulebook or EffectiveRules (Chinese kept readable)."""
    data = to_dict(obj)
    if isinstance(obj, Rulebook):
        data = {"sha256": obj.sha256, **data}
    return json.dumps(data, ensure_ascii=False, indent=indent)
