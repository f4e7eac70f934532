"""The strict rulebook schema (JSON Schema over the parsed TOML), built from the vocabulary."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator

from casework.rulebooks.model import RulebookSchemaError

ARTICLE = r"^第[一二三四五六七八九十百]+条(第[一二三四五六七八九十]+款)?(第[一二三四五六七八九十]+项)?$"
PERIOD = r"^(\d+[dm]|promptly)$"
FIXED_PERIOD = r"^\d+[dm]$"


def _is_date(checker, instance) -> bool:
    return isinstance(instance, date) and not isinstance(instance, datetime)


_TYPES = Draft202012Validator.TYPE_CHECKER.redefine("date", _is_date)
_Validator = jsonschema.validators.extend(Draft202012Validator, type_checker=_TYPES)


def _obj(props: dict, required: list[str]) -> dict:
    return {"type": "object", "properties": props, "required": required,
            "additionalProperties": False}


def _text() -> dict:
    return {"type": "string", "minLength": 1}


def _cited(props: dict, required: list[str]) -> dict:
    props = {**props, "article": {"type": "string", "pattern": ARTICLE}, "quote": _text()}
    return _obj(props, [*required, "article", "quote"])


def _enum(vocab: dict, section: str) -> dict:
    return {"type": "string", "enum": sorted(vocab[section])}


def rulebook_schema(vocab: dict) -> dict:
    """The JSON Schema every rulebook TOML must satisfy."""
    parties = {"type": "array", "items": _enum(vocab, "party_types"), "minItems": 1,
               "uniqueItems": True}
    applies = {"type": "string", "enum": ["all", "government_funded", "non_government_funded"]}
    fine = _cited({
        "party_types": parties,
        "min": {"type": "integer", "minimum": 1},
        "max": {"type": "integer", "minimum": 1},
        "when": _enum(vocab, "fine_when"),
        "discretionary": {"type": "boolean"},
        "note": {"type": "string"},
    }, ["party_types", "max", "when", "discretionary"])
    correction = _cited({
        "default": {"type": "string", "pattern": FIXED_PERIOD},
        "min": {"type": "string", "pattern": FIXED_PERIOD},
        "max": {"type": "string", "pattern": FIXED_PERIOD},
    }, ["default", "min", "max"])
    violation = _cited({
        "obligation": _cited({}, []),
        "party_types": parties,
        "order_to_correct": {"type": "string", "enum": ["by_deadline", "correct", "none"]},
        "warning_first": {"type": "boolean"},
        "escalation": _enum(vocab, "escalations"),
        "penalty": _cited({}, []),
        "fines": {"type": "array", "items": fine},
        "correction": correction,
        "note": {"type": "string"},
    }, ["party_types", "order_to_correct", "warning_first", "escalation", "fines"])
    filing_rule = _cited({
        "period": {"type": "string", "pattern": PERIOD},
        "runs_from": _enum(vocab, "runs_from"),
        "to": _text(),
        "applies_to": applies,
        "note": {"type": "string"},
        "attachments": _cited({
            "items": {"type": "array", "items": _enum(vocab, "filing_attachments"), "minItems": 1,
                      "uniqueItems": True},
        }, ["items"]),
    }, ["period", "runs_from", "to"])
    step = _cited({
        "kind": _enum(vocab, "acceptance_steps"),
        "by": _text(),
        "applies_to": applies,
        "period": {"type": "string", "pattern": FIXED_PERIOD},
    }, ["kind", "by", "applies_to"])
    return _obj({
        "schema_version": {"const": 1},
        "code": {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"},
        "name": _text(),
        "level": {"type": "string", "enum": ["national", "local"]},
        "organ_name": _text(),
        "doc_prefix": _text(),
        "source_file": _text(),
        "instrument": _cited({
            "title": _text(), "number": _text(),
            # its title in English (pages in English show it): official, or ours, marked so
            "title_en": {"type": "string", "pattern": r"^[\x20-\x7e]+$"}, "title_en_official": {"type": "boolean"},
            "valid_from": {"type": "date"}, "valid_until": {"type": "date"},
            "date_quote": _text(),
        }, ["title", "title_en", "number", "valid_from"]),
        "retention": _cited({
            "min_days": {"type": "integer", "minimum": 1},
            "max_after_purpose_days": {"type": "integer", "minimum": 1},
        }, ["min_days"]),
        "filing": {"type": "object", "propertyNames": _enum(vocab, "filing_kinds"),
                   "additionalProperties": filing_rule},
        "acceptance": _cited({
            "use_forbidden_until_accepted": {"type": "boolean"},
            "steps": {"type": "array", "items": step},
        }, ["use_forbidden_until_accepted", "steps"]),
        "access": _cited({
            "min_officers": {"type": "integer", "minimum": 1},
            "requesters": {"type": "array", "items": _cited({
                "kind": _enum(vocab, "requesters"), "approval": _text()}, ["kind", "approval"])},
            "requirements": {"type": "array", "items": _cited({
                "kind": _enum(vocab, "access_requirements")}, ["kind"])},
        }, ["requesters", "requirements"]),
        "mandatory_sites": {"type": "array", "items": _cited({
            "categories": {"type": "array", "items": _enum(vocab, "site_categories"),
                           "minItems": 1, "uniqueItems": True},
            "built_by": {"type": "string", "enum": ["unit", "government"]},
        }, ["categories"])},
        "privacy_places": {"type": "array", "items": _cited({
            "kinds": {"type": "array", "items": _enum(vocab, "place_kinds"), "minItems": 1,
                      "uniqueItems": True},
        }, ["kinds"])},
        "violations": {"type": "object", "propertyNames": {"enum": sorted(vocab["violations"])},
                       "additionalProperties": violation},
    }, ["schema_version", "code", "name", "level", "organ_name", "doc_prefix", "source_file",
        "instrument", "mandatory_sites", "violations"])


def _path(error: jsonschema.ValidationError) -> str:
    parts = [str(p) if not isinstance(p, int) else f"[{p}]" for p in error.absolute_path]
    return ".".join(parts).replace(".[", "[") or "(top level)"


def validate(data: dict[str, Any], schema: dict, filename: str) -> None:
    """Raise RulebookSchemaError naming the file and key path of every problem."""
    errors = sorted(_Validator(schema).iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    problems = [f"{filename}: {_path(e)}: {e.message}" for e in errors]
    problems += _semantic_problems(data, filename)
    if problems:
        raise RulebookSchemaError("规则库格式错误 / rulebook schema error:\n" + "\n".join(problems))


def _semantic_problems(data: dict, filename: str) -> list[str]:
    """Cross-field checks a JSON Schema cannot express."""
    problems = []
    stem = filename.rsplit("/", 1)[-1].removesuffix(".toml")
    if isinstance(data.get("code"), str) and data["code"] != stem:
        problems.append(f"{filename}: code: {data['code']!r} must equal the file name {stem!r}")
    inst = data.get("instrument")
    if isinstance(inst, dict) and _is_date(None, inst.get("valid_from")) \
            and _is_date(None, inst.get("valid_until")) and inst["valid_until"] < inst["valid_from"]:
        problems.append(f"{filename}: instrument.valid_until: before valid_from")
    violations = data.get("violations")
    for code, vio in (violations.items() if isinstance(violations, dict) else ()):
        for i, fine in enumerate(vio.get("fines", []) if isinstance(vio, dict) else ()):
            if isinstance(fine, dict) and isinstance(fine.get("min"), int) \
                    and isinstance(fine.get("max"), int) and fine["min"] > fine["max"]:
                problems.append(f"{filename}: violations.{code}.fines[{i}]: min > max")
    return problems
