"""Dashboards for managers and the bureau head: counts as plain data, in the actor's scope.

Every query filters on indexed columns (case_file by status/due time, kind/status/closed
time; work items by jurisdiction) and never reads process state, so the page stays
cheap at a city's scale. Who sees what is the one scope rule (`Actor.where`).
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import exists, func, select

from casework import clock
from casework.models import Case, Jurisdiction, ProcessInstance, WorkItem
from casework.services.cases import titles

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork

DASHBOARD_ROLES = ("manager", "bureau_head", "admin")
# 《中华人民共和国行政处罚法》第六十条：行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定。
# The limit belongs to the penalty case (立案 of the penalty procedure): registering it sets the
# case's due_at to the limit computed by the legal calendar (`penalty_register`), and the
# decision clears it, so the chart reads the indexed (status, due_at) and never process state.
DECISION_LIMIT_DAYS = 90
DECISION_LIMIT_ARTICLE = "《中华人民共和国行政处罚法》第六十条"
DECISION_LIMIT_KIND = "penalty"
NEAR_LIMIT_BUCKETS = ((None, -1, "overdue"), (0, 7, "0-7"), (8, 15, "8-15"))  # days left
NEAR_LIMIT_LIST = 50
OUTCOME_MONTHS = 12


def dashboard(uow: UnitOfWork, *, actor: Actor, months: int = OUTCOME_MONTHS) -> dict:
    """Everything the dashboard page draws, read in one transaction."""
    actor.require(*DASHBOARD_ROLES)
    with uow:
        session = uow.session
        stages = _open_by_stage(session, actor)
        return {
            "jurisdictions": _jurisdictions(session, actor),
            "open_by_stage": stages,
            # model version id -> form key -> English title: a stage's English name comes from
            # the forms its process version runs (no query once the versions are known)
            "form_titles": titles.version_titles(session, {r["model_version_id"] for r in stages
                                                          if r.get("model_version_id") is not None}),
            "overdue": _overdue(session, actor),
            "near_decision_limit": _near_decision_limit(session, actor),
            "rectification_outcomes": _rectification_outcomes(session, actor, months),
            "as_of": clock.format_local(clock.now()),
            "decision_limit": {"days": DECISION_LIMIT_DAYS, "article": DECISION_LIMIT_ARTICLE},
        }


def _jurisdictions(session: Session, actor: Actor) -> list[dict]:
    query = select(Jurisdiction.id, Jurisdiction.code, Jurisdiction.name).order_by(Jurisdiction.id)
    allowed = actor.jurisdictions
    if allowed is not None:
        query = query.where(Jurisdiction.id.in_(sorted(allowed)))
    return [{"id": i, "code": code, "name": name} for i, code, name in session.execute(query)]


def _open_by_stage(session: Session, actor: Actor) -> list[dict]:
    """Open cases by the step they wait at (ready user task) and the model version their
    process runs; stage "" = no ready step."""
    cases = func.count(func.distinct(WorkItem.case_ref))
    version = ProcessInstance.model_version_id
    rows = session.execute(
        select(WorkItem.key, WorkItem.task_spec, WorkItem.title, WorkItem.form_key, WorkItem.jurisdiction_id,
               version, cases)
        .join(ProcessInstance, ProcessInstance.id == WorkItem.instance_id)
        .where(WorkItem.case_ref.is_not(None), actor.where(WorkItem.unit_id, WorkItem.jurisdiction_id))
        .group_by(WorkItem.key, WorkItem.task_spec, WorkItem.title, WorkItem.form_key, WorkItem.jurisdiction_id,
                  version))
    found = [{"process": key, "stage": spec, "name": title, "form_key": form, "jurisdiction_id": jid,
              "model_version_id": ver, "cases": n}
             for key, spec, title, form, jid, ver, n in rows]
    waiting = session.execute(
        select(Case.kind, Case.jurisdiction_id, func.count())
        .where(Case.status == "open", actor.where(Case.unit_id, Case.jurisdiction_id),
               ~exists().where(WorkItem.case_ref == Case.ref))
        .group_by(Case.kind, Case.jurisdiction_id))
    found += [{"process": kind, "stage": "", "name": "", "jurisdiction_id": jid, "cases": n}
              for kind, jid, n in waiting]
    return sorted(found, key=lambda r: (r["process"], r["stage"] == "", r["name"], r["jurisdiction_id"]))


def _overdue(session: Session, actor: Actor) -> list[dict]:
    """Open cases past their current legal deadline, by jurisdiction and process."""
    rows = session.execute(
        select(Case.jurisdiction_id, Case.kind, func.count())
        .where(Case.status == "open", Case.due_at < clock.now(),
               actor.where(Case.unit_id, Case.jurisdiction_id))
        .group_by(Case.jurisdiction_id, Case.kind)
        .order_by(Case.jurisdiction_id, Case.kind))
    return [{"jurisdiction_id": jid, "kind": kind, "cases": n} for jid, kind, n in rows]


def _limit_day(due_at) -> date:
    """The local day a deadline instant (24:00 of its last day, DESIGN decision 4) ends."""
    return clock.to_local(due_at - timedelta(microseconds=1)).date()


def _ends_by(day: date):
    """Deadlines whose last day is `day` or earlier (as a condition on the indexed due_at)."""
    return Case.due_at <= clock.end_of_local_day_utc(day)


def _near_decision_limit(session: Session, actor: Actor) -> dict:
    """Open penalty cases not yet decided whose 90-day limit has passed or falls within the
    next 15 days, by the days left to it."""
    today = clock.today_local()
    base = (Case.kind == DECISION_LIMIT_KIND, Case.status == "open", Case.due_at.is_not(None),
            actor.where(Case.unit_id, Case.jurisdiction_id))
    buckets = []
    for low, high, name in NEAR_LIMIT_BUCKETS:
        conditions = [*base, _ends_by(today + timedelta(days=high))]
        if low is not None:
            conditions.append(~_ends_by(today + timedelta(days=low - 1)))
        rows = session.execute(select(Case.jurisdiction_id, func.count()).where(*conditions)
                               .group_by(Case.jurisdiction_id).order_by(Case.jurisdiction_id))
        buckets += [{"bucket": name, "jurisdiction_id": jid, "cases": n} for jid, n in rows]
    horizon = NEAR_LIMIT_BUCKETS[-1][1]
    rows = session.execute(
        select(Case.ref, Case.jurisdiction_id, Case.unit_id, Case.opened_at, Case.due_at)
        .where(*base, _ends_by(today + timedelta(days=horizon)))
        .order_by(Case.due_at, Case.id).limit(NEAR_LIMIT_LIST))
    cases = []
    for ref, jid, unit_id, opened_at, due_at in rows:
        last_day = _limit_day(clock.as_utc(due_at))
        cases.append({"ref": ref, "jurisdiction_id": jid, "unit_id": unit_id,
                      "opened_on": clock.to_local(opened_at).date().isoformat(),
                      "limit_on": last_day.isoformat(), "days_left": (last_day - today).days})
    return {"buckets": buckets, "cases": cases}


def _month_starts(months: int) -> list[date]:
    """The first days of the last `months` local months, oldest first, and of the next one."""
    today = clock.today_local()
    index = today.year * 12 + today.month - 1 - (months - 1)
    return [date((index + i) // 12, (index + i) % 12 + 1, 1) for i in range(months + 1)]


def _rectification_outcomes(session: Session, actor: Actor, months: int) -> dict:
    """Closed rectification cases by local month of closing and outcome, oldest month first."""
    starts = _month_starts(months)
    found = []
    for first, following in zip(starts, starts[1:]):
        rows = session.execute(
            select(Case.outcome, func.count())
            .where(Case.kind == "rectification", Case.status == "closed",
                   Case.closed_at >= clock.local_midnight_utc(first),
                   Case.closed_at < clock.local_midnight_utc(following),
                   actor.where(Case.unit_id, Case.jurisdiction_id))
            .group_by(Case.outcome).order_by(Case.outcome))
        found += [{"month": first.strftime("%Y-%m"), "outcome": outcome, "cases": n} for outcome, n in rows]
    return {"months": [first.strftime("%Y-%m") for first in starts[:-1]], "rows": found}
