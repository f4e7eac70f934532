"""Service of the penalty case's documents (告知书, 听证通知书, 决定书, 催告书) and the periods
that run from it.

The process waits for each of them to be served (第三十六条 of the police procedure, through
`service_of_documents`): the unit confirms receipt in its portal, or — without consent, or when
the confirmation window has passed — the clerk's work item serves it directly or by post.
Only then do the statement and hearing-request, payment, review and 催告 periods begin,
counted from the day of service by the legal calendar (APL 第八十五条); a hearing notice's
seven days before the hearing are checked in `hearing`.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from casework import audit, clock
from casework.engine import action
from casework.errors import Conflict
from casework.legal_calendar import BUREAU, PARTY
from casework.models import Case, Document
from casework.services import deadlines
from casework.services.cases import service_of_documents as sod
from casework.services.penalty import terms

DECISIONS = ("penalty_decision", "warning_decision")


def period(session, start: date, length: str, owed_by: str, key: str) -> dict:
    """A deadline through the legal calendar, carrying its article for screen and documents."""
    found = deadlines.deadline(session, start, length, owed_by)
    return {"date": found["date"], "at": found["end_utc"].isoformat(), "period": length,
            "owed_by": owed_by, "article": terms.ARTICLES[key], "provisional": found["provisional"]}


def case_of(ctx) -> Case:
    """The case an action's process instance runs for."""
    return ctx.session.execute(select(Case).where(Case.ref == ctx.instance.case_ref)).scalar_one()


def awaiting(session, doc: Document, kind: str, due_at: str = "") -> dict:
    """What the diagram needs to wait for `doc`'s service: the portal's window, the clerk's due."""
    found = sod.state(session, doc)
    window = (clock.end_of_local_day_utc(date.fromisoformat(found["confirm_by"])).isoformat()
              if found["confirm_by"] else clock.now().isoformat())
    return {sod.AWAITING: doc.number, "serving": kind, "service_route": found["status"],
            "receipt_by_at": window, "service_due_at": due_at}


def serve_on_the_spot(ctx, doc: Document) -> None:
    """简易程序: the decision is handed over on the spot (公安程序规定 第三十六条第一款第一项)."""
    sod.serve(ctx.session, ctx.resources["files"], doc, actor=ctx.actor, method="direct",
              place="当场交付", servers=[ctx.actor], resources=ctx.resources, notify=False)


def _awaited(ctx) -> Document:
    number = ctx.data.get(sod.AWAITING)
    doc = ctx.session.execute(select(Document).where(Document.number == number)).scalar_one_or_none()
    if doc is None or doc.case_ref != ctx.instance.case_ref:
        raise Conflict(f"待送达文书不存在 / the document awaiting service is not found: {number}")
    return doc


@action("penalty_record_service", inputs={}, outputs={})
def penalty_record_service(ctx) -> dict:
    """The clerk served the awaited document directly, by post, ... (送达回执 issued now)."""
    doc = _awaited(ctx)
    servers = [s for s in ctx.data.get("service_servers") or [] if s.strip()] or [ctx.actor]
    sod.record_service(ctx.session, ctx.resources["files"], doc.id, actor=ctx.actor,
                       method=ctx.data["service_method"], place=ctx.data["service_place"],
                       servers=servers, resources=ctx.resources, notify=False)
    return {}


@action("penalty_served", inputs={},
        outputs={"awaiting_service": str, "served_on": str, "periods": dict,
                 "response_due_at": str, "response_due_date": str,
                 "payment_due_at": str, "payment_due_date": str, "decision_served_on": str,
                 "enforce_at": str, "enforce_date": str, "court_due_at": str})
def penalty_served(ctx) -> dict:
    """The awaited document was served: the periods that run from its service begin today."""
    doc = _awaited(ctx)
    if doc.served_at is None:
        raise Conflict(f"文书{doc.number}尚未送达 / document {doc.number} is not served yet")
    served_on = clock.to_local(doc.served_at).date()
    periods = dict(ctx.data.get("periods") or {})
    out = {sod.AWAITING: "", "served_on": served_on.isoformat()}
    if doc.kind == "penalty_notice":
        due = period(ctx.session, served_on, terms.STATEMENT_PERIOD, PARTY, "statement")
        periods["statement"] = due
        out.update(response_due_at=due["at"], response_due_date=due["date"])
    elif doc.kind in DECISIONS:
        if "service" in periods:
            periods["service"] = {**periods["service"], "served_on": served_on.isoformat()}
        periods["reconsideration"] = period(ctx.session, served_on, terms.RECONSIDERATION, PARTY,
                                            "reconsideration")
        periods["lawsuit"] = period(ctx.session, served_on, terms.LAWSUIT, PARTY, "lawsuit")
        out["decision_served_on"] = served_on.isoformat()
        if ctx.data.get("penalty_kind") == "fine":
            payment = period(ctx.session, served_on, terms.PAYMENT_PERIOD, PARTY, "payment")
            periods["payment"] = payment
            out.update(payment_due_at=payment["at"], payment_due_date=payment["date"])
    elif doc.kind == "payment_reminder":
        enforce = period(ctx.session, served_on, terms.REMINDER_PERIOD, PARTY, "reminder")
        review_end = date.fromisoformat(periods["lawsuit"]["date"])
        court = period(ctx.session, review_end, terms.COURT_APPLICATION, BUREAU, "court")
        periods.update(reminder=enforce, court=court)
        out.update(enforce_at=enforce["at"], enforce_date=enforce["date"], court_due_at=court["at"])
    audit.record(ctx.session, ctx.actor, "penalty.served", f"case:{case_of(ctx).ref}",
                 {"number": doc.number, "kind": doc.kind, "served_on": served_on.isoformat(),
                  "method": doc.service_method})
    return {**out, "periods": periods}
