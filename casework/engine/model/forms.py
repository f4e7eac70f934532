"""Form data checked on the server with the form's JSON Schema (the same one the page renders)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import re

from jsonschema import Draft202012Validator, validators
from jsonschema._keywords import minLength as _min_length
from jsonschema.exceptions import ValidationError, best_match

from casework.engine.values import check_plain
from casework.errors import InvalidInput

if TYPE_CHECKING:
    from casework.engine.model.serializer import VersionEntry

def _pattern(validator, pattern, instance, schema):
    """`$` ends the text (not before a final newline): the pattern must match all of it."""
    if not validator.is_type(instance, "string"):
        return
    anchored = re.sub(r"(?<!\\)\$$", r"\\Z", pattern)
    if re.search(anchored, instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _min_length_stripped(validator, m_length, instance, schema):
    """Text that must not be empty must not be only spaces either."""
    if validator.is_type(instance, "string") and m_length >= 1 and not instance.strip():
        yield ValidationError("should not be empty or only spaces")
        return
    yield from _min_length(validator, m_length, instance, schema)


def _is_integer(_checker, instance) -> bool:
    """10.0 is not an integer where a form asks for one (it fails two steps later)."""
    return isinstance(instance, int) and not isinstance(instance, bool)


FormValidator = validators.extend(
    Draft202012Validator, validators={"pattern": _pattern, "minLength": _min_length_stripped},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer))


def form_validator(schema: dict[str, Any]) -> Any:
    """The validator forms are checked with: formats (date, ...) checked, strict patterns and integers."""
    return FormValidator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def check_form_data(version: VersionEntry, form_key: str | None, data: Any) -> None:
    """Raise InvalidInput naming the first offending field, or return quietly."""
    if not isinstance(data, dict):
        raise InvalidInput("表单数据须为对象 / form data must be an object")
    bad = [k for k in data if not isinstance(k, str) or not k.isidentifier() or k.startswith("_")]
    if bad:
        raise InvalidInput(f"字段名不合法：{bad[0]!r} / invalid field name {bad[0]!r}")
    check_plain(data, "form data")
    if not form_key:
        return
    form = version.forms.get(form_key)
    if form is None:
        raise InvalidInput(f"表单 {form_key} 不在此流程版本中 / form {form_key} is not part of this model version")
    validator = version.validators.get(form_key)
    if validator is None:
        validator = version.validators[form_key] = form_validator(form["schema"])
    error = best_match(validator.iter_errors(data))
    if error is None:
        return
    field = ".".join(str(p) for p in error.absolute_path) or _missing_field(error) or "(form)"
    title = _title(form, field)
    raise InvalidInput(f"字段 {title}（{field}）不合要求：{error.message} / field {field}: {error.message}")


def _missing_field(error) -> str | None:
    if error.validator == "required":
        for name in error.validator_value:
            if name in error.message:
                return name
    if error.validator == "additionalProperties":
        return error.message.split("'")[1] if "'" in error.message else None
    return None


def _title(form: dict[str, Any], field: str) -> str:
    prop = form.get("schema", {}).get("properties", {}).get(field.split(".")[0], {})
    return str(prop.get("title") or field)
