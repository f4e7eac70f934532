"""Opening violations: each cites its rulebook entry and starts a rectification case."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from casework import audit, clock
from casework.errors import Conflict, InvalidInput
from casework.models import Case, Unit, VideoSystem, Violation
from casework.services import rules
from casework.services import scope
from casework.services.cases.cases import open_case

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork

ORIGINS = ("inspection", "deadline", "clerk", "recorder", "self_report")
STATEMENT_PERIOD = "3wd"


def open_violation(session: Session, *, unit: Unit, code: str, facts: str, origin: str,
                   act_key: str, actor: str, resources: dict,
                   system: VideoSystem | None = None, found_on: date | None = None) -> Case:
    """Record the violation and open its rectification case; the same act only once."""
    if origin not in ORIGINS:
        raise InvalidInput(f"unknown origin: {origin}")
    existing = session.execute(
        select(Violation).where(Violation.unit_id == unit.id, Violation.code == code,
                                Violation.act_key == act_key)
    ).scalar_one_or_none()
    if existing is not None:
        raise Conflict(
            f"同一违法行为已立案（违法行为编号 {existing.id}），不得重复处理（《行政处罚法》第二十九条）"
            f" / this act already has violation {existing.id}"
        )
    on = found_on or clock.today_local()
    terms = rules.violation_terms(unit.jurisdiction.code, code, unit.party_type, on)
    rulebook = rules.current_rulebook(session, unit.jurisdiction.code, on)
    violation = Violation(
        unit_id=unit.id, system_id=system.id if system else None,
        jurisdiction_id=unit.jurisdiction_id, rulebook_version_id=rulebook.id, code=code,
        act_key=act_key, article=terms["article"], source=terms["source"],
        quote=terms["quote"], facts=facts, origin=origin, status="open", rule=terms,
        found_on=on, opened_at=clock.now(),
    )
    session.add(violation)
    session.flush()
    audit.record(session, actor, "violation.opened", f"violation:{violation.id}",
                 {"code": code, "unit": unit.credit_code, "article": terms["article"],
                  "source": terms["source"], "origin": origin, "act_key": act_key})
    data = {
        "violation_id": violation.id, "violation_code": code, "facts": facts,
        "article": terms["article"], "source": terms["source"],
        "warning_first": bool(terms["warning_first"]), "warned": False,
        # No text fixes the period to state a defence before a warning; three working days
        # is Casework's default (counted per APL 第八十五条).
        "statement_period": STATEMENT_PERIOD,
        "correction_days": terms["correction_days"],
        "correction_days_min": terms["correction_days_min"],
        "correction_days_max": terms["correction_days_max"],
        "fine_min": terms["fine"]["min"] if terms["fine"] else 0,
        "fine_max": terms["fine"]["max"] if terms["fine"] else 0,
        # Which sanction the text attaches to what (issue 14): a fine `with_order` proceeds
        # with the order; only a fine for failing to correct waits for the missed deadline.
        "fine_with_order": fine_with_order(terms),
        "fine_on_failure": fine_on_failure(terms),
        # A warning-first text (责令改正，予以警告) warns with the order, not after a missed deadline.
        "warning_with_order": bool(terms["warning_first"]),
    }
    return open_case(session, kind="rectification", unit=unit, system=system, actor=actor,
                     data=data, resources=resources, subkind=code, violation=violation)


def fine_with_order(terms: dict) -> bool:
    """The text fines together with the order to correct (fine.when = with_order / immediate)."""
    return bool(terms["fine"]) and terms["fine"]["when"] in ("with_order", "immediate")


def fine_on_failure(terms: dict) -> bool:
    """The text fines the party who fails to correct; an article with no fine never does."""
    return bool(terms["fine"]) and terms["fine"]["when"] in (
        "not_corrected", "not_corrected_or_serious")


def report_violation(uow: UnitOfWork, *, actor: Actor, unit_id: int, code: str, facts: str,
                     act_key: str, system_id: int | None = None) -> str:
    """A clerk or inspector opens a violation by hand; returns the rectification case ref."""
    actor.require("clerk", "inspector")
    if not facts.strip():
        raise InvalidInput("请填写违法事实 / facts are required")
    with uow:
        unit = scope.unit(uow.session, actor, unit_id)
        system = scope.system(uow.session, actor, system_id) if system_id else None
        if system is not None and system.unit_id != unit.id:
            raise InvalidInput(f"系统 {system_id} 不属于该单位 / system {system_id} is not this unit's")
        case = open_violation(uow.session, unit=unit, system=system, code=code, facts=facts,
                              origin="clerk", act_key=act_key, actor=actor.name,
                              resources=uow.resources)
        uow.commit()
        return case.ref
