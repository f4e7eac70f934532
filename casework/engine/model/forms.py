"""Form data checked on the server with the form's JSON Schema (the same one the page renders)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from casework.errors import InvalidInput

if TYPE_CHECKING:
    from casework.engine.model.serializer import VersionEntry

def check_form_data(version: VersionEntry, form_key: str | None, data: Any) -> None:
    """Raise InvalidInput naming the first offending field, or return quietly."""
    if not isinstance(data, dict):
        raise InvalidInput("表单数据须为对象 / form data must be an object")
    bad = [k for k in data if not isinstance(k, str) or not k.isidentifier() or k.startswith("_")]
    if bad:
        raise InvalidInput(f"字段名不合法：{bad[0]!r} / invalid field name {bad[0]!r}")
    if not form_key:
        return
    form = version.forms.get(form_key)
    if form is None:
        raise InvalidInput(f"表单 {form_key} 不在此流程版本中 / form {form_key} is not part of this model version")
    validator = version.validators.get(form_key)
    if validator is None:
        validator = version.validators[form_key] = Draft202012Validator(form["schema"])
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
