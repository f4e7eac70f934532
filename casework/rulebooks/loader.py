"""Loads the TOML rulebooks: parse with tomllib, validate strictly, build frozen objects."""
from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import casework.rulebooks.schema as schema
from casework.rulebooks.export import to_dict
from casework.rulebooks.model import (
    AcceptanceRules,
    AcceptanceStep,
    AccessRequester,
    AccessRequirement,
    AccessRules,
    Citation,
    Correction,
    FilingAttachments,
    FineRange,
    Instrument,
    PrivacyItem,
    RetentionRule,
    Rule,
    Rulebook,
    RulebookSchemaError,
    SiteItem,
    UnknownRulebook,
    ViolationRule,
    frozen_map,
)

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
SOURCES_DIR = PACKAGE_DIR / "sources"
VOCABULARY_FILE = "vocabulary.toml"
VOCAB_SECTIONS = ("party_types", "filing_kinds", "filing_attachments", "runs_from",
                  "acceptance_steps", "access_requirements", "requesters", "site_categories",
                  "place_kinds", "escalations", "fine_when", "violations")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise RulebookSchemaError(f"{path.name}: TOML 语法错误 / TOML syntax error: {exc}") from exc


@lru_cache(maxsize=4)
def vocabulary(data_dir: Path = DATA_DIR) -> dict[str, Any]:
    """The shared code vocabulary (site categories, place kinds, violation codes ...)."""
    vocab = _read_toml(data_dir / VOCABULARY_FILE)
    problems = [f"{VOCABULARY_FILE}: missing section {s!r}" for s in VOCAB_SECTIONS if s not in vocab]
    problems += [f"{VOCABULARY_FILE}: unknown section {s!r}" for s in vocab if s not in VOCAB_SECTIONS]
    for code, entry in vocab.get("violations", {}).items():
        if set(entry) != {"label", "correction"} or set(entry["correction"]) != {"default", "min", "max"}:
            problems.append(f"{VOCABULARY_FILE}: violations.{code}: needs label and "
                            "correction = {default, min, max}")
    if problems:
        raise RulebookSchemaError("\n".join(problems))
    return vocab


def list_codes(data_dir: Path = DATA_DIR) -> list[str]:
    """Codes of every rulebook shipped, national first."""
    codes = sorted(p.stem for p in data_dir.glob("*.toml") if p.name != VOCABULARY_FILE)
    return sorted(codes, key=lambda c: (c != "national", c))


def load_rulebook(code: str, data_dir: Path = DATA_DIR) -> Rulebook:
    """The rulebook `code` as written, validated; cached per process."""
    return _load(code, data_dir)


@lru_cache(maxsize=64)
def _load(code: str, data_dir: Path) -> Rulebook:
    path = data_dir / f"{code}.toml"
    if code == VOCABULARY_FILE.removesuffix(".toml") or not path.is_file():
        raise UnknownRulebook(f"没有规则库 {code!r} / unknown rulebook {code!r}; "
                              f"known: {', '.join(list_codes(data_dir))}")
    return parse_rulebook(_read_toml(path), path.name, vocabulary(data_dir))


def parse_rulebook(data: dict[str, Any], filename: str, vocab: dict[str, Any]) -> Rulebook:
    """Validate parsed TOML against the schema and build the frozen Rulebook."""
    schema.validate(data, schema.rulebook_schema(vocab), filename)
    src = data["code"]
    inst = data["instrument"]
    instrument = Instrument(inst["title"], inst["number"], inst["valid_from"],
                            inst.get("valid_until"), src, inst["article"], inst["quote"],
                            inst.get("date_quote"), inst["title_en"], inst.get("title_en_official", False))
    ret = data.get("retention")
    retention = None if ret is None else RetentionRule(
        ret["min_days"], ret.get("max_after_purpose_days"), src, ret["article"], ret["quote"])
    filing = {
        kind: Rule(kind, r["period"], r["runs_from"], r["to"], src, r["article"], r["quote"],
                   r.get("applies_to", "all"),
                   inst["valid_from"] if r["runs_from"] == "instrument_in_force" else None,
                   r.get("note", ""), _attachments(src, r.get("attachments")))
        for kind, r in data.get("filing", {}).items()
    }
    acc = data.get("acceptance")
    acceptance = None if acc is None else AcceptanceRules(
        acc["use_forbidden_until_accepted"],
        tuple(AcceptanceStep(s["kind"], s["by"], s["applies_to"], src, s["article"], s["quote"],
                             s.get("period")) for s in acc["steps"]),
        src, acc["article"], acc["quote"])
    acs = data.get("access")
    access = None if acs is None else AccessRules(
        acs.get("min_officers"),
        tuple(AccessRequester(r["kind"], r["approval"], src, r["article"], r["quote"])
              for r in acs["requesters"]),
        tuple(AccessRequirement(r["kind"], src, r["article"], r["quote"])
              for r in acs["requirements"]),
        src, acs["article"], acs["quote"])
    sites = tuple(SiteItem(tuple(s["categories"]), s.get("built_by", "unit"), src, s["article"],
                           s["quote"]) for s in data["mandatory_sites"])
    privacy = tuple(PrivacyItem(tuple(p["kinds"]), src, p["article"], p["quote"])
                    for p in data.get("privacy_places", ()))
    violations = {code: _violation(code, v, src, vocab) for code, v in data["violations"].items()}
    book = Rulebook(src, data["name"], data["level"], data["organ_name"], data["doc_prefix"],
                    data["source_file"], instrument, retention, frozen_map(filing), acceptance,
                    access, sites, privacy, frozen_map(violations))
    return replace(book, sha256=content_sha256(to_dict(book)))


def _attachments(src: str, raw: dict | None) -> FilingAttachments | None:
    return None if raw is None else FilingAttachments(tuple(raw["items"]), src, raw["article"],
                                                      raw["quote"])


def _cite(src: str, raw: dict | None) -> Citation | None:
    return None if raw is None else Citation(src, raw["article"], raw["quote"])


def _violation(code: str, v: dict, src: str, vocab: dict) -> ViolationRule:
    if "correction" in v:
        c = v["correction"]
        correction = Correction(c["default"], c["min"], c["max"], False, src,
                                f"{c['article']}：{c['quote']}")
    else:
        c = vocab["violations"][code]["correction"]
        correction = Correction(c["default"], c["min"], c["max"], True, "vocabulary",
                                "文本未规定改正期限；默认值为本系统设定，承办人可在范围内确定")
    fines = tuple(FineRange(tuple(f["party_types"]), f.get("min"), f["max"], f["when"],
                            f["discretionary"], src, f["article"], f["quote"], f.get("note", ""))
                  for f in v["fines"])
    return ViolationRule(
        code=code, label=vocab["violations"][code]["label"], source=src, article=v["article"],
        quote=v["quote"], party_types=tuple(v["party_types"]),
        order_to_correct=v["order_to_correct"], warning_first=v["warning_first"],
        escalation=v["escalation"], fines=fines, correction=correction,
        obligation=_cite(src, v.get("obligation")), penalty=_cite(src, v.get("penalty")),
        note=v.get("note", ""))


def content_sha256(content: dict) -> str:
    """SHA-256 of the canonical JSON of a rulebook's content."""
    body = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def source_text(rulebook: Rulebook, sources_dir: Path = SOURCES_DIR) -> str:
    """The full text of the instrument the rulebook cites."""
    return (sources_dir / rulebook.source_file).read_text(encoding="utf-8")
