"""A case's and a task's title in the page's language.

A case's title is stored in Chinese when it opens ("责令限期改正：太原某商场": the kind's name and
the unit's name as entered then) and stays so: the audit trail, documents and the CLI quote it.
A page in another language derives its title from the stored one: the kind's name in that
language, then the unit's name exactly as stored. Any row, old or new, works this way; a title
in no known form is shown as stored. A task (work item) is titled by its BPMN task name in
Chinese; in English by its form's English title (the heading of its own page), else its name:
the form its process runs (stored with the deployed model version, as the task page reads it),
else the shipped one. A legal basis "《instrument》article" shows in English the instrument's
English title (marked when the translation is ours), the article as cited: a rulebook's from the
rulebook, a national law's or rule's from `casework/rulebooks/national_instruments.toml`.
"""
from __future__ import annotations

import json
import re
import tomllib
import weakref
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from sqlalchemy import select

from casework.engine.model.deploy import default_forms_dir
from casework.models.engine import ModelVersion, ProcessInstance, WorkItem
from casework.rulebooks import list_codes, load_rulebook
from casework.rulebooks.loader import DATA_DIR

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.storage.unit_of_work import UnitOfWork

KIND_TITLES = {  # kind -> (Chinese, English)
    "acceptance": ("竣工验收", "Completion acceptance"),
    "filing": ("备案", "Filing"),
    "rectification": ("责令限期改正", "Order to correct"),
    "inspection": ("监督检查", "Supervisory inspection"),
    "footage_access": ("查阅、复制、调取录像", "Access to footage"),
    "penalty": ("行政处罚", "Administrative penalty"),
}
TITLES = {kind: zh for kind, (zh, _en) in KIND_TITLES.items()}
SEPARATOR = {"zh": "：", "en": ": "}


def stored_title(kind: str, unit_name: str) -> str:
    """The title a new case is stored with (Chinese)."""
    return f"{TITLES.get(kind, kind)}{SEPARATOR['zh']}{unit_name}"


def case_title(stored: str, lang: str) -> str:
    """The stored title shown in `lang`: Chinese as stored; English from the kind's English
    name and the unit's name as stored."""
    if lang == "zh" or not stored:
        return stored
    for zh, en in KIND_TITLES.values():
        head = f"{zh}{SEPARATOR['zh']}"
        if stored.startswith(head):
            return f"{en}{SEPARATOR['en']}{stored[len(head):]}"
    return stored


@lru_cache(maxsize=1)
def _form_titles() -> dict[str, str]:
    """Form key -> its English title, from the shipped forms (read once per process)."""
    found = {}
    for path in sorted(default_forms_dir().glob("*.json")):
        try:
            title = json.loads(path.read_text(encoding="utf-8")).get("title")
        except (OSError, ValueError):
            continue
        if isinstance(title, dict) and title.get("en"):
            found[path.stem] = title["en"]
    return found


def _english_titles(forms: Mapping[str, Any] | None) -> dict[str, str]:
    """Form key -> English title, of the forms given (a model version's)."""
    found = {}
    for key, form in (forms or {}).items():
        title = form.get("title") if isinstance(form, dict) else None
        if isinstance(title, dict) and isinstance(title.get("en"), str) and title["en"]:
            found[key] = title["en"]
    return found


def task_title(name: str, form_key: str | None, lang: str, forms: Mapping[str, str] | None = None) -> str:
    """A work item's title in `lang`: its (Chinese) task name, in English its form's title:
    from `forms` (form key -> English title of the version it runs) when given, else shipped."""
    if lang == "zh":
        return name
    return (_form_titles() if forms is None else forms).get(form_key or "", name)


# Per database (its engine, held weakly: a test's database goes with its engine): model version
# id -> form key -> English title. A deployed version's forms never change and a new deploy is
# a new id, so an entry never goes stale; an instance moved to another version reads its new id.
_VERSION_TITLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def version_titles(session: Session, version_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Version id -> its forms' English titles; versions not yet known read in one query."""
    known = _VERSION_TITLES.setdefault(session.get_bind(), {})
    wanted = {v for v in version_ids if v is not None}
    missing = wanted - known.keys()
    if missing:
        for ident, forms in session.execute(select(ModelVersion.id, ModelVersion.forms)
                                            .where(ModelVersion.id.in_(sorted(missing)))):
            known[ident] = _english_titles(forms)
    return {v: known[v] for v in wanted if v in known}


def task_titles(uow: UnitOfWork, rows: list[Mapping[str, Any]], lang: str) -> list[str]:
    """Each row's title in `lang`, from the form of the model version its process runs: rows
    carrying `model_version_id` (the queue's) cost no query once their versions are known;
    rows without one (task dicts with their work item `id`) one query for their versions."""
    if lang == "zh":
        return [r["name"] for r in rows]
    with uow:
        return titles_in(uow.session, rows, lang)


def titles_in(session: Session, rows: list[Mapping[str, Any]], lang: str) -> list[str]:
    """`task_titles` inside a transaction a service already holds (the portal's, the dashboard's)."""
    if lang == "zh":
        return [r["name"] for r in rows]
    versions = {r["id"]: r["model_version_id"] for r in rows if r.get("model_version_id") is not None}
    unknown = [r["id"] for r in rows if r.get("model_version_id") is None and r.get("id") is not None]
    if unknown:
        versions.update(session.execute(
            select(WorkItem.id, ProcessInstance.model_version_id)
            .join(ProcessInstance, ProcessInstance.id == WorkItem.instance_id)
            .where(WorkItem.id.in_(unknown))).all())
    forms = version_titles(session, versions.values())
    return [task_title(r["name"], r.get("form_key"), lang, forms.get(versions.get(r.get("id")))) for r in rows]


UNOFFICIAL = " (unofficial translation)"
NATIONAL_INSTRUMENTS = DATA_DIR.parent / "national_instruments.toml"


def national_instruments(path: Path = NATIONAL_INSTRUMENTS) -> list[dict]:
    """The national instruments cited besides the rulebooks, with their English titles."""
    return tomllib.loads(path.read_text(encoding="utf-8"))["instrument"]


@lru_cache(maxsize=1)
def _instrument_titles() -> dict[str, str]:
    """Chinese instrument title (or a short name it is cited by) -> its English title as shown:
    the rulebooks' and the national instruments' (read once)."""
    found = {}
    for code in list_codes():
        inst = load_rulebook(code).instrument
        if inst.title_en:
            found[inst.title] = inst.title_en + ("" if inst.title_en_official else UNOFFICIAL)
    for inst in national_instruments():
        shown = inst["title_en"] + ("" if inst.get("official") else UNOFFICIAL)
        for name in (inst["title"], *inst.get("short", ())):
            found.setdefault(name, shown)
    return found


def instrument_title(title: str, lang: str) -> str:
    """An instrument's (Chinese) title in `lang`; one without an English title as written."""
    return title if lang == "zh" else _instrument_titles().get(title, title)


def citation(instrument: str, article: str, lang: str) -> str:
    """A legal basis: 《instrument》article in Chinese; in English the instrument's English
    title, then the article as cited in Chinese (the exact citation a reader looks up)."""
    if not instrument:
        return cited_text(article, lang)  # a citation written out whole
    if lang == "zh" or instrument not in _instrument_titles():
        return f"《{instrument}》{article}"
    return f"{_instrument_titles()[instrument]}, {article}" if article else _instrument_titles()[instrument]


CITED = re.compile(r"《([^《》]+)》")
_ENDS = "；;，,。）) "


def cited_text(text: str, lang: str) -> str:
    """A citation as written ("《A》第一条；《B》第二条"): in Chinese as it is; in English each
    known instrument by its English title (then ", " before its article), "；" as "; ", the
    articles and anything unknown as cited."""
    if lang == "zh" or not text or "《" not in text:
        return text
    known = _instrument_titles()

    def english(found: re.Match) -> str:
        title = known.get(found.group(1))
        if title is None:
            return found.group(0)
        after = text[found.end():found.end() + 1]
        return title + (", " if after and after not in _ENDS else "")
    return CITED.sub(english, text).replace("；", "; ")


def shown_row(row: Mapping[str, Any], name: str, lang: str) -> dict:
    """A queue row's texts in `lang` (its title `name` from `task_titles`): title and legal basis."""
    if lang == "zh":
        return {"name": name}
    return {"name": name, "instrument": instrument_title(row["instrument"], lang),
            "basis": citation(row["instrument"], row["article"], lang)}
