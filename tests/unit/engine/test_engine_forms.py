"""Issue 11 §2: form values are checked where they enter (formats, whole-text patterns, blank
text, integers), in one line naming the field."""
from __future__ import annotations

import json

import pytest

from casework.config import PROJECT_ROOT
from casework.engine.model.forms import check_form_data
from casework.engine.model.serializer import VersionEntry
from casework.errors import InvalidInput

FORMS = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (PROJECT_ROOT / "forms").glob("*.json")}
SCHEMA = {"schema": {"type": "object", "properties": {
    "on": {"type": "string", "format": "date"}, "code": {"type": "string", "pattern": "^[0-9]{4}$"},
    "text": {"type": "string", "minLength": 1}, "days": {"type": "integer"}}}}


def _version() -> VersionEntry:
    return VersionEntry((None, {}), {**FORMS, "probe": SCHEMA})


@pytest.mark.parametrize("data,field", [
    ({"on": "2026-13-45"}, "on"), ({"code": "1234\n"}, "code"), ({"text": "   "}, "text"),
    ({"days": 10.0}, "days"), ({"text": "a\x00b"}, "NUL"), ({"text": "\ud800"}, "surrogate"),
])
def test_bad_values_are_refused_naming_the_field(data, field):
    with pytest.raises(InvalidInput, match=field):
        check_form_data(_version(), "probe", data)


def test_good_values_pass():
    check_form_data(_version(), "probe", {"on": "2026-03-05", "code": "1234", "text": "x", "days": 10})


def test_correction_days_as_a_float_is_refused_at_the_draft():
    with pytest.raises(InvalidInput, match="correction_days"):
        check_form_data(_version(), "rectification_draft", {"facts": "经查。", "correction_days": 10.0})
