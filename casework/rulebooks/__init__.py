"""Rulebooks: each jurisdiction's rules as cited data, merged over the national baseline.

Pure: imports no Flask, SQLAlchemy, SpiffWorkflow or PyAV. Every answer carries the
source (rulebook code), article and exact quote it rests on.
"""
from __future__ import annotations

from datetime import date

from casework.errors import InvalidInput
from casework.rulebooks.export import to_dict, to_json
from casework.rulebooks.loader import list_codes, load_rulebook, source_text, vocabulary
from casework.rulebooks.merge import check_validity, merge
from casework.rulebooks.model import (
    NATIONAL,
    AcceptanceRules,
    AcceptanceStep,
    AccessRequester,
    AccessRequirement,
    AccessRules,
    Answer,
    Citation,
    Correction,
    Decision,
    EffectiveRules,
    FilingAttachments,
    FineRange,
    Instrument,
    NoApplicableRule,
    RulebookPeriod,
    PrivacyItem,
    RetentionRule,
    Rule,
    Rulebook,
    RulebookExpired,
    RulebookNotYetValid,
    RulebookSchemaError,
    SiteItem,
    UnknownRulebook,
    ViolationRule,
)

FILING_ALIASES = {"going_into_use": "after_acceptance"}

__all__ = [
    "NATIONAL", "AcceptanceRules", "AcceptanceStep", "AccessRequester", "AccessRequirement",
    "AccessRules", "Answer", "Citation", "Correction", "Decision", "EffectiveRules",
    "FilingAttachments", "FineRange",
    "Instrument", "NoApplicableRule", "RulebookPeriod", "PrivacyItem", "RetentionRule", "Rule",
    "Rulebook", "RulebookExpired", "RulebookNotYetValid", "RulebookSchemaError", "SiteItem",
    "UnknownRulebook", "ViolationRule", "check_validity", "effective", "filing_window",
    "is_mandatory_site", "is_privacy_place", "list_codes", "load_rulebook", "retention_days",
    "source_text", "to_dict", "to_json", "violation", "vocabulary",
]


def effective(code: str, on: date) -> EffectiveRules:
    """The rules of `code` on day `on`: local merged over national (stricter wins).

    Raises RulebookExpired after valid_until (no new cases), RulebookNotYetValid before
    valid_from, UnknownRulebook for an unknown code.
    """
    local = load_rulebook(code)
    national = None if code == NATIONAL else load_rulebook(NATIONAL)
    return merge(local, national, on)


def _name(code: str) -> str:
    return load_rulebook(code).name


def retention_days(code: str, on: date) -> RetentionRule:
    """Minimum retention (and national delete-after-purpose days) on `on`; the recorder's rule."""
    rule = effective(code, on).retention
    if rule is None:
        raise NoApplicableRule(f"{_name(code)}规则及国家条例均未规定 {on} 的最短保存期限"
                               f" / no retention rule for {code} on {on}")
    return rule


def _covers(rule: Rule, government_funded: bool | None) -> bool:
    if government_funded is None or rule.applies_to == "all":
        return True
    return rule.applies_to == ("government_funded" if government_funded
                               else "non_government_funded")


def filing_window(code: str, kind: str, on: date, government_funded: bool | None = None) -> Rule:
    """The filing window of `kind` (after_acceptance | after_dismantling | camera_change |
    pre_existing; going_into_use is an alias of after_acceptance) on `on`.

    Pass `government_funded` for a given system: a local window scoped to the other kind of
    system (e.g. 常州 第十七条, non-government-funded only) then yields to the national one,
    or to none before the national regulation took force.
    """
    kind = FILING_ALIASES.get(kind, kind)
    if kind not in vocabulary()["filing_kinds"]:
        raise InvalidInput(f"未知备案类型 / unknown filing kind {kind!r}; known: "
                           f"{', '.join(vocabulary()['filing_kinds'])}")
    rule = effective(code, on).filing.get(kind)
    if rule is not None and not _covers(rule, government_funded):
        national = load_rulebook(NATIONAL)
        rule = national.filing.get(kind) if on >= national.valid_from else None
        if rule is not None and not _covers(rule, government_funded):
            rule = None
    if rule is None:
        raise NoApplicableRule(f"{_name(code)}规则及国家条例均未规定 {on} 的此类备案期限"
                               f" / no {kind} filing window for {code} on {on}")
    return rule


def violation(code: str, violation_code: str, on: date) -> ViolationRule:
    """The violation rule (article, fines, warning, deadline to correct) on `on`."""
    if violation_code not in vocabulary()["violations"]:
        raise InvalidInput(f"未知违法行为代码 / unknown violation code {violation_code!r}")
    rule = effective(code, on).violations.get(violation_code)
    if rule is None:
        raise NoApplicableRule(f"{_name(code)}规则及国家条例 {on} 均未规定该违法行为"
                               f" / no rule for {violation_code} in {code} on {on}")
    return rule


def is_privacy_place(code: str, place_kind: str, on: date) -> Answer:
    """Whether cameras are forbidden at `place_kind` on `on` (truthy Answer with its basis)."""
    if place_kind not in vocabulary()["place_kinds"]:
        raise InvalidInput(f"未知场所类型 / unknown place_kind {place_kind!r}")
    items = [p for p in effective(code, on).privacy_places if place_kind in p.kinds]
    return Answer(bool(items), tuple(Citation(p.source, p.article, p.quote) for p in items))


def is_mandatory_site(code: str, site_category: str, on: date) -> Answer:
    """Whether a site of `site_category` must have a system on `on` (truthy Answer)."""
    if site_category not in vocabulary()["site_categories"]:
        raise InvalidInput(f"未知场所类别 / unknown site_category {site_category!r}")
    items = [s for s in effective(code, on).mandatory_sites if site_category in s.categories]
    return Answer(bool(items), tuple(Citation(s.source, s.article, s.quote) for s in items))
