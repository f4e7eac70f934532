"""Merging a local rulebook over the national baseline: the stricter rule applies.

From the day the national regulation took force (2025-04-01):
- retention: the larger minimum; the national delete-after-purpose rule rides along;
- filing windows: the shorter period (on a tie the local one, which runs no later);
  "pre_existing" windows count from each instrument's own start, so the national one
  (the only one still running) applies, the local one stays listed as considered;
- acceptance, access, mandatory sites, privacy places: unions (a local text may add);
  the larger minimum of officers;
- violations: a local fine may not exceed the national one for the same act — its band
  is capped at the national maximum and it may be imposed no earlier than the national
  text allows (e.g. only after a refusal to correct); a national warning-first applies.
  Where the national text only orders correction (no fine, e.g. signage, art. 13), that
  caps the local fine at none; where it has no penalty of its own or refers to other
  laws, the local penalty stands; where the local text is silent, the national rule
  applies (its source says "national").
Before that day, or for the national rulebook itself, the text applies as written.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from casework.rulebooks.model import (
    NATIONAL,
    AcceptanceRules,
    AccessRules,
    Citation,
    Decision,
    EffectiveRules,
    FineRange,
    RetentionRule,
    Rule,
    Rulebook,
    RulebookExpired,
    RulebookNotYetValid,
    ViolationRule,
    frozen_map,
)

EARLY_FINE = {"with_order", "immediate"}


def check_validity(book: Rulebook, on: date) -> None:
    """Raise unless `book` is in force on `on`."""
    if on < book.valid_from:
        raise RulebookNotYetValid(book.code, book.valid_from, on)
    if book.is_expired(on):
        raise RulebookExpired(book.code, book.valid_until, on)


def _c(rule) -> Citation:
    return Citation(rule.source, rule.article, rule.quote)


def merge(local: Rulebook, national: Rulebook | None, on: date) -> EffectiveRules:
    """EffectiveRules of `local` on `on`; `national` is None when it does not apply."""
    check_validity(local, on)
    if national is None or local.code == NATIONAL or on < national.valid_from:
        return _as_written(local, on)
    decisions: list[Decision] = []
    retention = _retention(local.retention, national.retention, decisions)
    filing = _filing(local, national, decisions)
    violations = _violations(local, national, decisions)
    return EffectiveRules(
        code=local.code, on=on, rulebook=local, national_applies=True,
        retention=retention, filing=frozen_map(filing),
        acceptance=_acceptance(local.acceptance, national.acceptance, decisions),
        access=_access(local.access, national.access, decisions),
        mandatory_sites=local.mandatory_sites + national.mandatory_sites,
        privacy_places=local.privacy_places + national.privacy_places,
        violations=frozen_map(violations), decisions=tuple(decisions))


def _as_written(book: Rulebook, on: date) -> EffectiveRules:
    reason = "national_text" if book.code == NATIONAL else "before_national_in_force"
    decisions = [Decision("all", book.code, reason)]
    return EffectiveRules(book.code, on, book, book.code == NATIONAL, book.retention,
                          book.filing, book.acceptance, book.access, book.mandatory_sites,
                          book.privacy_places, book.violations, tuple(decisions))


def _one_side(topic: str, local, national, decisions: list[Decision]):
    """If only one side sets the rule, record and return it; else None."""
    if local is None and national is None:
        return None
    if local is None:
        decisions.append(Decision(topic, national.source, "national_fallback", (_c(national),)))
        return national
    if national is None:
        decisions.append(Decision(topic, local.source, "local_only", (_c(local),)))
        return local
    return None


def _retention(local: RetentionRule | None, national: RetentionRule | None,
               decisions: list[Decision]) -> RetentionRule | None:
    single = _one_side("retention", local, national, decisions)
    if single is not None or local is None or national is None:
        return single
    considered = (_c(local), _c(national))
    if local.min_days > national.min_days:
        keep = max(local.min_days, national.max_after_purpose_days or 0)
        decisions.append(Decision("retention", local.source, "local_stricter", considered))
        return replace(local, max_after_purpose_days=keep if national.max_after_purpose_days else None,
                       note=f"删除规则见 {national.source} {national.article}")
    reason = "national_stricter" if national.min_days > local.min_days else "equal_national_cited"
    decisions.append(Decision("retention", national.source, reason, considered))
    return national


def _filing(local: Rulebook, national: Rulebook, decisions: list[Decision]) -> dict[str, Rule]:
    result: dict[str, Rule] = {}
    for kind in sorted(set(local.filing) | set(national.filing)):
        mine, theirs = local.filing.get(kind), national.filing.get(kind)
        topic = f"filing.{kind}"
        single = _one_side(topic, mine, theirs, decisions)
        if single is not None:
            result[kind] = single
            continue
        considered = (_c(mine), _c(theirs))
        if kind == "pre_existing":
            decisions.append(Decision(topic, theirs.source, "distinct_commencement", considered))
            result[kind] = replace(theirs, note=(
                f"{mine.source} {mine.article} 的期限自该规章施行之日"
                f"（{mine.runs_from_date}）起算，只适用于其施行前已建成的系统"))
            continue
        a, b = mine.parsed.approx_days, theirs.parsed.approx_days
        if a is None and b is None or (a is not None and (b is None or a <= b)):
            reason = "local_specifies_period" if b is None and a is not None else (
                "local_stricter" if b is not None and a is not None and a < b else "equal_local_kept")
            decisions.append(Decision(topic, mine.source, reason, considered))
            if mine.applies_to != "all" and theirs.applies_to == "all":
                # The local text binds only some systems; the national one binds the rest.
                mine = replace(mine, note="；".join(n for n in (mine.note, (
                    f"仅适用于{_SCOPE_LABEL.get(mine.applies_to, mine.applies_to)}系统；"
                    f"其他系统适用 {theirs.source} {theirs.article}")) if n))
            result[kind] = mine
        else:
            decisions.append(Decision(topic, theirs.source, "national_stricter", considered))
            result[kind] = theirs
    return result


def _acceptance(local: AcceptanceRules | None, national: AcceptanceRules | None,
                decisions: list[Decision]) -> AcceptanceRules | None:
    single = _one_side("acceptance", local, national, decisions)
    if single is not None or local is None or national is None:
        return single
    have = {(s.kind, s.applies_to) for s in local.steps}
    covered = {s.kind for s in local.steps}
    extra = tuple(s for s in national.steps
                  if (s.kind, s.applies_to) not in have and s.kind not in covered)
    decisions.append(Decision("acceptance", local.source, "union",
                              (_c(local), _c(national), *(_c(s) for s in extra))))
    order = {"trial_run": 0, "certified_test": 1, "acceptance": 2, "publish_grade": 3}
    steps = tuple(sorted(local.steps + extra, key=lambda s: order.get(s.kind, 9)))
    forbidden = local.use_forbidden_until_accepted or national.use_forbidden_until_accepted
    base = local if local.use_forbidden_until_accepted or not forbidden else national
    return replace(base, use_forbidden_until_accepted=forbidden, steps=steps)


def _access(local: AccessRules | None, national: AccessRules | None,
            decisions: list[Decision]) -> AccessRules | None:
    single = _one_side("access", local, national, decisions)
    if single is not None or local is None or national is None:
        return single
    kinds = {r.kind for r in local.requesters}
    requesters = local.requesters + tuple(r for r in national.requesters if r.kind not in kinds)
    needs = {r.kind for r in local.requirements}
    requirements = local.requirements + tuple(r for r in national.requirements
                                              if r.kind not in needs)
    base = local
    if (national.min_officers or 0) > (local.min_officers or 0):
        base = national
    decisions.append(Decision("access", base.source, "union", (_c(local), _c(national))))
    return replace(base, requesters=requesters, requirements=requirements)


def _violations(local: Rulebook, national: Rulebook,
                decisions: list[Decision]) -> dict[str, ViolationRule]:
    result = {}
    for code in sorted(set(local.violations) | set(national.violations)):
        mine, theirs = local.violations.get(code), national.violations.get(code)
        topic = f"violations.{code}"
        single = _one_side(topic, mine, theirs, decisions)
        if single is not None:
            result[code] = single
        elif not theirs.fines:
            order_only = theirs.penalty is not None and theirs.escalation == "none"
            if order_only and mine.fines:
                chosen, reason = theirs, "national_order_only_caps_local_fine"
            elif mine.fines:
                chosen, reason = mine, "local_penalty_national_has_none"
            elif mine.escalation == "none" and theirs.escalation != "none":
                chosen, reason = theirs, "national_sanction_local_has_none"
            else:
                chosen, reason = mine, "local_kept"
            decisions.append(Decision(topic, chosen.source, reason, (_c(mine), _c(theirs))))
            result[code] = chosen
        elif not mine.fines:
            decisions.append(Decision(topic, theirs.source, "national_penalty_local_has_none",
                                      (_c(mine), _c(theirs))))
            result[code] = theirs
        else:
            result[code] = _cap(mine, theirs, decisions)
    return result


def _cap(mine: ViolationRule, theirs: ViolationRule, decisions: list[Decision]) -> ViolationRule:
    """The local penalty within the national one: its band inside the national band for the
    same party, no earlier than allowed; parties only the national text fines keep that fine."""
    fines: list[FineRange] = []
    for fine in mine.fines:
        for party in fine.party_types:
            nat = theirs.fines_for(party)
            if not nat:
                continue  # the national text fines nobody of this type: no local fine either
            cap, floor = max(f.max for f in nat), min(f.min or 0 for f in nat)
            notes = []
            top, low = fine.max, fine.min
            if top > cap:
                top = cap
                notes.append(f"上限按 {theirs.source} {theirs.article} 调整为 {cap} 元")
            if floor and (low or 0) < floor:
                low = floor
                notes.append(f"下限按 {theirs.source} {theirs.article} 调整为 {floor} 元")
            if low is not None and low > top:
                low, top = floor or None, cap
                notes.append(f"本地幅度在上位法幅度之外，适用 {theirs.source} {theirs.article} 的幅度")
            when = fine.when
            if when in EARLY_FINE and not any(f.when in EARLY_FINE for f in nat):
                when = nat[0].when
                notes.append(f"上位法 {theirs.article} 规定{_WHEN_LABEL.get(when, when)}方可罚款")
            fines.append(replace(fine, party_types=(party,), min=low, max=top, when=when,
                                 discretionary=fine.discretionary, note="；".join(notes)))
    fined = {p for f in mine.fines for p in f.party_types}
    for band in theirs.fines:
        rest = tuple(p for p in band.party_types if p not in fined)
        if rest:
            fines.append(replace(band, party_types=rest, note="；".join(n for n in (
                band.note, f"{mine.source} 未对此类当事人设罚款，适用上位法") if n)))
    parties = mine.party_types + tuple(p for f in fines for p in f.party_types)
    merged = replace(
        mine, fines=_group(fines), party_types=tuple(dict.fromkeys(parties)),
        warning_first=mine.warning_first or theirs.warning_first,
        order_to_correct=mine.order_to_correct if mine.order_to_correct != "none"
        else theirs.order_to_correct,
        note="；".join(n for n in (mine.note, f"罚款不得超过 {theirs.source} {theirs.article}") if n))
    decisions.append(Decision(f"violations.{mine.code}", mine.source, "local_within_national",
                              (_c(mine), _c(theirs), *(_c(f) for f in theirs.fines))))
    return merged


_SCOPE_LABEL = {"government_funded": "政府投资建设的", "non_government_funded": "非政府投资建设的"}

_WHEN_LABEL = {"not_corrected": "拒不改正的", "serious": "造成严重后果的",
               "not_corrected_or_serious": "拒不改正或者造成严重后果的"}


def _group(fines: list[FineRange]) -> tuple[FineRange, ...]:
    """Join per-party bands that came out identical."""
    out: list[FineRange] = []
    for fine in fines:
        for i, prev in enumerate(out):
            if replace(prev, party_types=()) == replace(fine, party_types=()):
                out[i] = replace(prev, party_types=prev.party_types + fine.party_types)
                break
        else:
            out.append(fine)
    return tuple(out)
