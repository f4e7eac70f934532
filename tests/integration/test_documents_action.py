"""The engine action `issue_document` (skipped while casework.engine is absent)."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from casework import clock
from casework.documents.samples import kind_context
from casework.models import Document, Jurisdiction, Unit

engine = pytest.importorskip("casework.engine")


@dataclass
class Instance:
    """The three fields of a process instance the action reads."""

    case_ref: str | None
    unit_id: int | None
    jurisdiction_id: int | None


def test_issue_document_action(container):
    from casework.documents.actions import register_actions
    from casework.engine.actions import ActionContext, check_parameters, run_action

    register_actions()
    check_parameters("issue_document", {"kind", "context"}, "Task_issue")
    with container.uow() as uow:
        j = Jurisdiction(code="taiyuan", name="太原市", organ_name="太原市公安局", doc_prefix="太公(视)")
        uow.session.add(j)
        uow.session.flush()
        u = Unit(credit_code="91140106MA0KX1234Q", name="太原市迎泽区晋阳商贸有限公司",
                 address="山西省太原市迎泽区迎泽大街100号", legal_representative="王建国",
                 site_category="商场", party_type="business", jurisdiction_id=j.id,
                 created_at=clock.now())
        uow.session.add(u)
        uow.session.flush()
        ctx = ActionContext(session=uow.session, instance=Instance("case:7", u.id, j.id), data={},
                            actor="engine", now=clock.now(),
                            resources={"files": container.files})
        out = run_action("issue_document", ctx, {"kind": "rectification_order",
                                                 "context": kind_context("rectification_order")})
        uow.commit()
        assert out["document_number"] == "太公(视)限改字〔2026〕第0001号"
        assert uow.session.get(Document, out["document_id"]).case_ref == "case:7"
