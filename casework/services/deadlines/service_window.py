"""The window a unit has to confirm electronic receipt (第三十六条), and what it may see.

Kept here, below both the scope rule (`casework.services.scope`, which hides unserved
documents from unit users by every route) and the service of documents
(`casework.services.cases.service_of_documents`, which serves them).
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from casework import clock
from casework.legal_calendar import BUREAU
from casework.models import Document, Unit
from casework.services.deadlines.compute import deadline

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# 第三十六条 fixes no number of days for the party to confirm electronic receipt. Choice:
# three working days, then the clerk turns to direct service or post (the article's other
# means); counted as the bureau's act (its earliest possible date while a year is provisional).
CONFIRM_WITHIN = "3wd"
CONFIRM_SOURCE = ("公安机关办理行政案件程序规定 第三十六条（未规定确认期限；"
                  "本系统选择三个工作日，逾期转直接送达或邮寄送达）")
RECEIPT = "service_receipt"
# Records kept in the file and signed where they are made (听证笔录): never offered for service.
RECORDS = ("hearing_record",)


def state(session: Session, doc: Document) -> dict:
    """Where the document's service stands: served, awaiting_receipt, clerk (or record)."""
    unit = session.get(Unit, doc.unit_id)
    consent = bool(unit and unit.electronic_service_consent)
    confirm_by = confirm_deadline(session, doc) if consent else None
    if doc.served_at is not None:
        status = "served"
    elif doc.kind in RECORDS:
        status = "record"  # kept in the file, not served
    elif consent and clock.today_local() <= confirm_by:
        status = "awaiting_receipt"
    else:
        status = "clerk"
    return {"status": status, "consent": consent,
            "confirm_by": confirm_by.isoformat() if confirm_by else None,
            "served_at": doc.served_at, "method": doc.service_method,
            "source": CONFIRM_SOURCE}


def confirm_deadline(session: Session, doc: Document) -> date:
    issued = clock.to_local(doc.issued_at).date()
    return date.fromisoformat(deadline(session, issued, CONFIRM_WITHIN, BUREAU)["date"])


def visible_to_unit(session: Session, doc: Document) -> bool:
    """A unit sees a served document, one offered for electronic receipt, and the 送达回执
    (issued at service)."""
    if doc.kind == RECEIPT or doc.served_at is not None:
        return True
    return state(session, doc)["status"] == "awaiting_receipt"
