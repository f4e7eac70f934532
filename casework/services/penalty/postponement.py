"""Postponing the hearing (延期听证) at the party's request.

公安程序规定 第一百三十八条: a party who cannot attend on the date may ask for a postponement;
whether it is granted is the hearing host's decision (also 第一百二十八条第四项). The text sets no
form, time or grounds beyond that, so Casework keeps to it: the unit asks on its portal case page
with its reason, while the hearing is set and before its day (`request`); the request reaches the
process as the message `hearing_postponement_requested`, which interrupts the hearing task; the
legal reviewer (the host's lane: 第一百二十四条, the hearing is the 法制部门's) grants it with a new,
later date — a new 听证通知书, served again seven working days before it (APL 第六十四条第二项;
第一百三十六条) — or refuses it with reasons, and the hearing keeps its date. The postponed date
becomes the `hearing_limit` period: the ten days of 第一百三十七条 no longer bind a hearing the host
postponed. No text suspends the 90-day limit of APL 第六十条 for a hearing, so it keeps running.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING


from casework import audit, clock, engine
from casework.engine import action
from casework.errors import Conflict, InvalidInput, RuleViolation
from casework.models.engine import ProcessInstance
from casework.services import scope
from casework.services.cases import portal
from casework.services.penalty import hearing, serving, terms

if TYPE_CHECKING:
    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork

ARTICLE = terms.ARTICLES["hearing_postponed"]
MESSAGE = "hearing_postponement_requested"
REASON_MAX = 500


def _key(found: dict) -> str:
    """The data key of the next request. One key per request: a caught message's payload loses,
    in SpiffWorkflow, to the value the process already holds under the same name (an earlier
    request's reason would come back)."""
    return f"postponement_{len(found.get('postponements') or ()) + 1}"


def request(uow: UnitOfWork, *, actor: Actor, ref: str, reason: str) -> dict:
    """The unit asks to postpone its hearing, with its reason, before the hearing day."""
    portal.unit_of(actor)
    reason = (reason or "").strip()
    with uow:
        session = uow.session
        case = scope.case(session, actor, ref)
        if not reason or len(reason) > REASON_MAX:
            raise InvalidInput(f"请说明不能按期参加听证的理由（{REASON_MAX}字以内） / give the reason you cannot "
                               f"attend on the date ({REASON_MAX} characters at most)")
        instance = session.get(ProcessInstance, case.instance_id) if case.instance_id else None
        found = ((instance.data or {}).get("hearing") or {}) if instance and case.kind == "penalty" else {}
        if found.get("status") != "scheduled":
            raise Conflict("听证尚未确定或正在决定延期，不能申请延期 / there is no set hearing to postpone "
                           "(not yet set, or a postponement is being decided)")
        today = clock.today_local()
        if today >= date.fromisoformat(found["on"]):
            raise RuleViolation(f"延期须在听证日 {found['on']} 之前申请（{ARTICLE}） / a postponement must be "
                                f"asked before the hearing day {found['on']}")
        engine.send_message(session, instance.id, MESSAGE,
                            {_key(found): {"reason": reason, "asked_on": today.isoformat()}},
                            actor=actor.name, resources=uow.resources)
        uow.commit()
        return {"case_ref": case.ref, "hearing_on": found["on"]}


@action("penalty_postponement_requested", inputs={}, outputs={"hearing": dict, "task_notes": dict})
def penalty_postponement_requested(ctx) -> dict:
    """The request reached the process: the host sees it and the rule on the decision task."""
    case, data = serving.case_of(ctx), ctx.data
    found = dict(data.get("hearing") or {})
    asked = {**data[_key(found)], "from": data["hearing_on"]}
    found.update(status="postponement_requested", asked=asked)
    note = {"zh": f"当事人于 {asked['asked_on']} 申请延期听证（原定 {asked['from']}），理由：{asked['reason']}。"
                  f"是否准许由听证主持人决定（{ARTICLE}）；准许的，须定一个晚于原定日期的新日期，并重新送达"
                  f"听证通知书（{hearing.ARTICLE}）；不准许的，说明理由，听证按原定日期举行。",
            "en": f"The party asked on {asked['asked_on']} to postpone the hearing set for {asked['from']}: "
                  f"{asked['reason']}. The host decides; granted, a later date and a new notice served "
                  f"again; refused, reasons, and the hearing keeps its date."}
    audit.record(ctx.session, ctx.actor, "penalty.hearing_postponement_requested", f"case:{case.ref}",
                 {"hearing_on": asked["from"], "reason": asked["reason"]})
    return {"hearing": found, "task_notes": dict(data.get("task_notes") or {}, hearing_postponement=[note])}


@action("penalty_postponement_decided", inputs={},
        outputs={"postponement_granted": bool, "hearing": dict, "hearing_on": str, "place": str,
                 "periods": dict, "task_notes": dict})
def penalty_postponement_decided(ctx) -> dict:
    """Granted: the later date becomes the hearing's limit and a new notice follows; refused:
    the hearing keeps its date and the unit reads the reasons."""
    case, data = serving.case_of(ctx), ctx.data
    found = dict(data.get("hearing") or {})
    asked = found.pop("asked", {})
    old = date.fromisoformat(data["hearing_on"])
    granted, reasons = bool(data.get("postpone")), data["decision_reasons"].strip()
    decided = {**asked, "granted": granted, "reasons": reasons, "decided_on": clock.today_local().isoformat(),
               "by": ctx.actor}
    out = {"hearing_on": old.isoformat(), "place": data["place"], "periods": dict(data.get("periods") or {})}
    if granted:
        new = _new_date(ctx, old)
        decided["to"] = new.isoformat()
        out.update(hearing_on=new.isoformat(), place=(data.get("new_place") or "").strip() or data["place"])
        limit = {k: v for k, v in (out["periods"].get("hearing_limit") or {}).items() if k != "resumed_from"}
        out["periods"]["hearing_limit"] = {**limit, "date": new.isoformat(),
                                           "at": clock.end_of_local_day_utc(new).isoformat(),
                                           "article": ARTICLE, "postponed_from": old.isoformat(),
                                           "provisional": False}
        found["status"] = "postponed"
    else:
        found["status"] = "scheduled"
    found["postponements"] = [*found.get("postponements", []), decided]
    audit.record(ctx.session, ctx.actor, "penalty.hearing_postponement_decided", f"case:{case.ref}",
                 {"granted": granted, "from": old.isoformat(), "to": decided.get("to", ""), "reasons": reasons})
    notes = {k: v for k, v in (data.get("task_notes") or {}).items() if k != "hearing_postponement"}
    return {**out, "postponement_granted": granted, "hearing": found, "task_notes": notes}


def _new_date(ctx, old: date) -> date:
    """A granted postponement's date: later than the set one, and reachable by a notice served
    today seven working days before."""
    text = (ctx.data.get("new_date") or "").strip()
    try:
        new = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("准许延期的，须填写新的听证日期（YYYY-MM-DD） / a granted postponement needs "
                           "the new date (YYYY-MM-DD)") from None
    if new <= old:
        raise RuleViolation(f"延期后的听证日期须晚于原定的 {old}（{ARTICLE}） / the new date must be after {old}")
    earliest = hearing.notice_ends(ctx.session, clock.today_local())
    if new <= earliest:
        raise RuleViolation(f"须重新送达听证通知书，并于举行听证的七日前送达（{hearing.ARTICLE}）：即使今日送达，"
                            f"听证日期也须晚于 {earliest} / a new notice must be served seven working days "
                            f"before: even if served today, the date must be after {earliest}")
    return new
