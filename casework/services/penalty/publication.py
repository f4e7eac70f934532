"""行政执法公示: decisions published within 7 working days, withdrawn within 3 when changed.

The public sees the organ, the party (a unit's name; an individual's name masked and every
identity number masked), the act, the basis and the penalty (APL 第四十八条; 国办发〔2018〕118号).
"""
from __future__ import annotations

import csv
import io
import json
from datetime import date

from sqlalchemy import func, or_, select

from casework import audit, clock
from casework.errors import InvalidInput, NotFound
from casework.legal_calendar import BUREAU
from casework.models import Case, Document, Publication, Violation
from casework.services import deadlines
from casework.services import wording
from casework.services.penalty import terms

FIELDS = ("decision_number", "organ", "party", "act", "basis", "penalty", "decided_on",
          "published_on", "status", "withdrawn_on", "withdrawal_reason")


def party_name(case: Case) -> str:
    unit = case.unit
    if unit.party_type == "person":
        return terms.mask_identity(terms.mask_name(unit.name))
    return terms.mask_identity(unit.name)


def publish(session, case: Case, violation: Violation, decision: Document, data: dict,
            procedure: str, actor: str) -> Publication:
    """Publish the decision now (its day counts against the 7-working-day limit)."""
    today = clock.today_local()
    by = deadlines.deadline(session, today, terms.PUBLICATION_PERIOD, BUREAU)["date"]
    rule = violation.rule
    cited = rule.get("fine") if data.get("penalty_kind") == "fine" else rule.get("penalty")
    basis = "；".join(f"{wording.instrument_title(c.get('source', violation.source))}{c.get('article', '')}"
                     for c in (rule.get("obligation") or rule, cited or rule))
    penalty = f"罚款{int(data['final_amount'])}元" if data.get("penalty_kind") == "fine" else "警告"
    row = Publication(
        case_ref=case.ref, jurisdiction_id=case.jurisdiction_id, decision_number=decision.number,
        organ=case.jurisdiction.organ_name, party=party_name(case),
        act=terms.mask_identity(rule.get("label") or violation.code), basis=basis, penalty=penalty,
        decided_on=today, published_on=today, publish_by=date.fromisoformat(by),
        status="published", withdrawal_reason="", published_at=clock.now())
    session.add(row)
    session.flush()
    audit.record(session, actor, "penalty.published", f"case:{case.ref}",
                 {"number": decision.number, "publish_by": by, "procedure": procedure})
    return row


def withdraw(session, case_ref: str, reason: str, actor: str) -> Publication:
    """A changed or revoked decision comes off the page within 3 working days, reason shown."""
    if not reason.strip():
        raise InvalidInput("请填写撤回理由 / a reason is required")
    row = session.execute(select(Publication).where(Publication.case_ref == case_ref)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"未公示 / not published: {case_ref}")
    today = clock.today_local()
    row.status, row.withdrawn_on, row.withdrawal_reason = "withdrawn", today, reason.strip()
    row.withdraw_by = date.fromisoformat(
        deadlines.deadline(session, today, terms.WITHDRAWAL_PERIOD, BUREAU)["date"])
    audit.record(session, actor, "penalty.withdrawn", f"case:{case_ref}", {"reason": reason})
    return row


def search(session, query: str = "", page: int = 1, per_page: int = 20) -> dict:
    """The public list, newest first; `query` matches party, act, number or organ."""
    if page < 1 or not 1 <= per_page <= 100:
        raise InvalidInput("page ≥ 1, 1 ≤ per_page ≤ 100")
    where = []
    if query.strip():
        like = f"%{query.strip()}%"
        where.append(or_(Publication.party.like(like), Publication.act.like(like),
                         Publication.decision_number.like(like), Publication.organ.like(like)))
    total = session.execute(select(func.count()).select_from(Publication).where(*where)).scalar_one()
    rows = session.execute(select(Publication).where(*where)
                           .order_by(Publication.published_on.desc(), Publication.id.desc())
                           .offset((page - 1) * per_page).limit(per_page)).scalars()
    return {"total": total, "page": page, "per_page": per_page,
            "items": [public_row(r) for r in rows]}


def public_row(row: Publication) -> dict:
    out = {name: getattr(row, name) for name in FIELDS}
    return {k: (v.isoformat() if isinstance(v, date) else (v or "")) for k, v in out.items()}


def export(session, fmt: str, query: str = "") -> str:
    """Every matching row as CSV or JSON."""
    items, page = [], 1
    while True:
        batch = search(session, query, page, 100)
        items += batch["items"]
        if page * 100 >= batch["total"]:
            break
        page += 1
    if fmt == "json":
        return json.dumps(items, ensure_ascii=False, indent=1)
    if fmt != "csv":
        raise InvalidInput(f"unknown format: {fmt} (csv | json)")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS)
    writer.writeheader()
    writer.writerows(items)
    return buffer.getvalue()
