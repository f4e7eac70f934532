"""The portal's form for each filing kind, with the attachments its rulebook asks for.

A rulebook's filing window carries the attachments its text lists (`Rule.attachments`);
they bind while that window binds the system (the national regulation asks for
information, which every filing form asks as fields). A form's `attachments` group gets
them as `required`, so the page and the server check one schema.
"""
from __future__ import annotations

import copy
from datetime import date

from casework import rulebooks
from casework.engine.model.deploy import default_forms_dir
from casework.engine.model.validation import load_form
from casework.errors import InvalidInput
from casework.services import rules
from casework.services.wording import instrument_title

KINDS = ("after_acceptance", "pre_existing", "camera_change", "after_dismantling")
# The date each kind's window runs from, as the form asks it (pre_existing: the text's own day).
EVENT_FIELD = {"after_acceptance": "in_use_on", "pre_existing": None,
               "camera_change": "changed_on", "after_dismantling": "dismantled_on"}


def required(code: str, kind: str, on: date, government_funded: bool) -> dict | None:
    """{attachments, source, article, quote, instrument} the binding window's text asks for,
    or None."""
    rule = rules.filing_rule(code, kind, on, government_funded)
    needs = rule.attachments if rule else None
    if needs is None:
        return None
    return {"attachments": list(needs.items), "source": needs.source, "article": needs.article,
            "quote": needs.quote, "instrument": instrument_title(needs.source)}


def form(kind: str, needs: dict | None) -> dict:
    """forms/filing_<kind>.json with the attachments `needs` names marked required."""
    if kind not in KINDS:
        raise InvalidInput(f"未知备案类型 / unknown filing kind {kind!r}")
    found = copy.deepcopy(load_form(f"filing_{kind}", default_forms_dir()))
    group = found["schema"]["properties"]["attachments"]
    if needs:
        cited = f"{needs['instrument']}{needs['article']}"
        group["required"] = [a for a in needs["attachments"] if a in group["properties"]]
        for name in group["required"]:
            prop = group["properties"][name]
            prop["title"] = f"{prop['title']}（{cited}）"
        found["schema"]["required"] = sorted({*found["schema"].get("required", ()), "attachments"})
    return found


def submission(kind: str, data: dict, labels: dict[str, str]) -> dict:
    """The filing process's `filing_submission` data from the kind's form data.

    `materials` (the list the clerk's review and the receipt read) names every attachment
    first, then what the unit listed besides.
    """
    attached = [labels.get(name, name)[:60] for name in sorted(data.get("attachments") or {})]
    listed = [m for m in data.get("materials") or [] if m not in attached]
    materials = (attached + listed)[:20] or ["在线填报的备案信息"]
    return {**data, "materials": materials}


def attachment_labels(kind: str) -> dict[str, str]:
    """Chinese names of the kind's attachments (before any citation is added)."""
    found = load_form(f"filing_{kind}", default_forms_dir())
    props = found["schema"]["properties"]["attachments"]["properties"]
    return {name: prop["title"] for name, prop in props.items()}


def kind_label(kind: str) -> str:
    return rulebooks.vocabulary()["filing_kinds"].get(kind, kind)
