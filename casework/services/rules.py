"""What the lifecycle asks of the rulebooks and the legal calendar, as plain values."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING

from casework import rulebooks
from casework.legal_calendar import add_period
from casework.legal_calendar.store import load_table
from casework.errors import InvalidInput
from casework.rulebooks.model import Citation, NoApplicableRule, Period, UnknownRulebook
from casework.services.rulebooks import current_version

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


def deadline(session: Session, start: date, period: str) -> dict:
    found = add_period(start, period, load_table(session))
    return {"date": found.day.isoformat(), "end_utc": found.end_utc, "rule": found.rule}


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


def filing_deadline(session: Session, code: str, kind: str, start: date,
                    government_funded: bool = False) -> dict | None:
    """The window's deadline counted from `start` (or from the instrument's force date)."""
    rule = filing_rule(code, kind, start, government_funded)
    if rule is None or rule.period == "promptly":  # 及时: no fixed window to enforce
        return None
    begin = rule.runs_from_date if rule.runs_from == "instrument_in_force" and rule.runs_from_date else start
    found = deadline(session, begin, rule.period)
    return {"deadline_at": found["end_utc"].isoformat(), "deadline_date": found["date"],
            "rule": f"{rule.quote}（{found['rule']}）", "article": rule.article,
            "quote": rule.quote,
            "source": rule.source, "period": rule.period}


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
                "article": band.article, "quote": band.quote, "when": band.when}
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


def instrument_title(source: str) -> str:
    try:
        return f"《{rulebooks.load_rulebook(source).instrument.title}》"
    except UnknownRulebook:
        return source


def provision(cited: dict | Citation) -> dict:
    """A document provision: instrument title, article, quoted clause."""
    if isinstance(cited, Citation):
        cited = asdict(cited)
    return {"instrument": instrument_title(cited.get("source", "")),
            "article": cited.get("article", ""), "text": cited.get("quote", "")}


def consequence_text(rule: dict) -> str:
    """What follows a missed deadline; the template puts 逾期不改正的 before it."""
    fine = rule.get("fine")
    step = "将给予警告；拒不改正的，" if rule.get("warning_first") else ""
    if fine:
        low = f"{fine['min']}元以上" if fine["min"] else ""
        return f"{step}将依据{instrument_title(fine['source'])}{fine['article']}处{low}{fine['max']}元以下罚款。"
    return f"{step}公安机关将依法处理。"


def _days(period: str) -> int:
    """Correction bounds are whole days (the clerk enters days)."""
    parsed = Period.parse(period)
    if parsed.unit != "d" or parsed.amount is None:
        raise InvalidInput(f"correction period must be in days, got {period}")
    return parsed.amount


