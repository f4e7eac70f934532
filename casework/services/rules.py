"""What the lifecycle asks of the rulebooks, as plain values (deadlines: `deadlines`;
document wording: `wording`)."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING

from casework import rulebooks
from casework.errors import InvalidInput
from casework.rulebooks.model import NoApplicableRule, RulebookPeriod
from casework.services.rulebooks import current_version
from casework.services.wording import instrument_title

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.models import RulebookVersion


def current_rulebook(session: Session, code: str, on: date) -> RulebookVersion:
    """The rulebook version new cases open under; an expired rulebook refuses."""
    rulebooks.effective(code, on)  # raises RulebookExpired / RulebookNotYetValid
    return current_version(session, code)


def national_baseline(session: Session, on: date) -> RulebookVersion | None:
    """The national version under every local rule on `on`, or None before it took force."""
    national = rulebooks.load_rulebook("national")
    return current_version(session, "national") if on >= national.valid_from else None


def filing_rule(code: str, kind: str, on: date, government_funded: bool):
    """The window that binds this kind of system, or None where no text sets one."""
    try:
        return rulebooks.filing_window(code, kind, on, government_funded=government_funded)
    except NoApplicableRule:
        return None


def filing_runs_from(code: str, kind: str, on: date,
                     government_funded: bool = False) -> str | None:
    rule = filing_rule(code, kind, on, government_funded)
    return rule.runs_from if rule else None


def acceptance_terms(code: str, on: date, government_funded: bool) -> dict:
    rules = rulebooks.effective(code, on).acceptance
    steps = rules.steps_for(government_funded) if rules else ()
    trial = next((s.period for s in steps if s.kind == "trial_run" and s.period), "")
    return {"trial_run_period": trial or "",
            "steps": [{"kind": s.kind, "by": s.by, "source": s.source, "article": s.article,
                       "quote": s.quote} for s in steps]}


def has_violation(code: str, violation_code: str, on: date) -> bool:
    return violation_code in rulebooks.effective(code, on).violations


def violation_terms(code: str, violation_code: str, party_type: str,
                    on: date) -> dict:
    """The cited rule, correction bounds in days and the fine band for this party."""
    rule = rulebooks.violation(code, violation_code, on)
    fines = rule.fines_for(party_type)
    fine = None
    if fines:
        band = max(fines, key=lambda f: f.max)
        fine = {"min": band.min or 0, "max": band.max, "source": band.source,
                "article": band.article, "quote": band.quote, "when": band.when,
                "discretionary": band.discretionary}
    correction = rule.correction
    return {
        "code": rule.code, "label": rule.label, "source": rule.source, "article": rule.article,
        "quote": rule.quote, "warning_first": rule.warning_first, "escalation": rule.escalation,
        "correction_days": _days(correction.default), "correction_days_min": _days(correction.min),
        "correction_days_max": _days(correction.max), "fine": fine,
        "obligation": asdict(rule.obligation) if rule.obligation else None,
        "penalty": asdict(rule.penalty) if rule.penalty else None,
    }


def mandatory_site(code: str, category: str, on: date) -> dict | None:
    for item in rulebooks.effective(code, on).mandatory_sites:
        if category in item.categories:
            return {"source": item.source, "article": item.article, "quote": item.quote}
    return None


def privacy_place(code: str, place_kind: str, on: date) -> dict | None:
    for item in rulebooks.effective(code, on).privacy_places:
        if place_kind in item.kinds:
            return {"source": item.source, "source_name": instrument_title(item.source),
                    "article": item.article, "quote": item.quote}
    return None


def _days(period: str) -> int:
    """Correction bounds are whole days (the clerk enters days)."""
    parsed = RulebookPeriod.parse(period)
    if parsed.unit != "d" or parsed.amount is None:
        raise InvalidInput(f"correction period must be in days, got {period}")
    return parsed.amount
