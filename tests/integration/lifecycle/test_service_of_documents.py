"""Electronic service (第三十六条): served when the unit confirms receipt; periods wait for it."""
from __future__ import annotations

from datetime import date

import pytest

from casework import clock as clock_module
from casework.errors import Conflict, NotFound
from casework.models import Document
from casework.services import deadlines
from casework.services.cases import service_of_documents as sod
from tests.integration.lifecycle.lifecycle_driver import CLERK
from tests.integration.lifecycle.test_lifecycle_scenarios import (  # noqa: F401 (fixture)
    driver,
    due_day,
    tengchong_obstruction_order,
)


def _notice(driver, ref) -> Document:
    return [d for d in driver.documents(ref) if d.kind == "penalty_notice"][0]


def _period_from(driver, ref, start: date) -> date:
    with driver.uow() as uow:
        period = driver.case(ref).deadline_basis["period"]
        return date.fromisoformat(deadlines.deadline(uow.session, start, period)["date"])


def test_defence_period_waits_for_receipt_and_runs_from_it(driver, clock):
    reg, rect = tengchong_obstruction_order(driver, clock)
    notice = _notice(driver, rect.ref)
    case = driver.case(rect.ref)
    assert notice.served_at is None and case.due_at is None
    assert sod.waiting_for_service(case) == "penalty_notice"
    driver.travel(days=30)  # no service, no period: the defence form stays open
    driver.sweep()
    assert driver.open_forms(rect.ref) == ["defence_statement"]
    with driver.uow() as uow:
        assert notice.id in {i["document_id"] for i in sod.clerk_items(uow.session)}
    with pytest.raises(Conflict, match="确认期限已过"):
        sod.confirm(driver.uow(), actor=reg["unit"], document_id=notice.id)
    sod.record(driver.uow(), actor=CLERK, document_id=notice.id, method="direct",
               place="腾冲市人民路")
    served_on = clock_module.today_local()
    assert due_day(driver.case(rect.ref)) == _period_from(driver, rect.ref, served_on)
    driver.sweep()
    assert driver.open_forms(rect.ref) == ["defence_statement"]  # the period has just begun
    driver.travel(days=15)
    driver.sweep()
    assert driver.open_forms(rect.ref) == ["defence_review"]


def test_confirming_receipt_serves_issues_the_receipt_and_starts_the_period(driver, clock):
    reg, rect = tengchong_obstruction_order(driver, clock)
    notice = _notice(driver, rect.ref)
    other = driver.register("tengchong")
    with pytest.raises(NotFound):
        sod.confirm(driver.uow(), actor=other["unit"], document_id=notice.id)
    driver.travel(hours=20)
    sod.confirm(driver.uow(), actor=reg["unit"], document_id=notice.id)
    with driver.uow() as uow:
        doc = uow.session.get(Document, notice.id)
        assert doc.served_at == clock_module.now() and doc.service_method == "electronic"
        receipt = sod.receipt_of(uow.session, doc)
        assert receipt is not None and receipt.context["method"] == "electronic"
    served_on = clock_module.today_local()
    case = driver.case(rect.ref)
    assert case.deadline_basis["served_on"] == served_on.isoformat()
    assert due_day(case) == _period_from(driver, rect.ref, served_on)
    again = sod.confirm(driver.uow(), actor=reg["unit"], document_id=notice.id)  # double click
    assert again["again"] and again["receipt_number"] == receipt.number
    assert len([d for d in driver.documents(rect.ref, receipts=True)
                if d.kind == "service_receipt" and d.context["served_number"] == notice.number]) == 1
    driver.travel(days=15)
    driver.sweep()
    assert driver.open_forms(rect.ref) == ["defence_review"]
