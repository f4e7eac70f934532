"""A case's and a task's title in the page's language.

A case's title is stored in Chinese when it opens ("责令限期改正：太原某商场": the kind's name and
the unit's name as entered then) and stays so: the audit trail, documents and the CLI quote it.
A page in another language derives its title from the stored one: the kind's name in that
language, then the unit's name exactly as stored. Any row, old or new, works this way; a title
in no known form is shown as stored. A task (work item) is titled by its BPMN task name in
Chinese; in English by its form's English title (the heading of its own page), else its name.
"""
from __future__ import annotations

import json
from functools import lru_cache

from casework.engine.model.deploy import default_forms_dir

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


def task_title(name: str, form_key: str | None, lang: str) -> str:
    """A work item's title in `lang`: its (Chinese) task name, in English its form's title."""
    if lang == "zh":
        return name
    return _form_titles().get(form_key or "", name)
