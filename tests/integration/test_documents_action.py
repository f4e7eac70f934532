"""The engine action `issue_document`."""
from __future__ import annotations

from dataclasses import dataclass

from casework import clock
from casework.documents.samples import kind_context
from casework.models import Document
from tests.integration.test_documents_issue import ids  # noqa: F401


@dataclass
class Instance:
    """The three fields of a process instance the action reads."""

    case_ref: str | None
    unit_id: int | None
    jurisdiction_id: int | None


def test_issue_document_action(container, ids):  # noqa: F811
    from casework.documents.actions import register_actions
    from casework.engine.expressions.actions import ActionContext, check_parameters, run_action

    register_actions()
    check_parameters("issue_document", {"kind", "context"}, "Task_issue")
    jurisdiction_id, unit_id = ids
    with container.uow() as uow:
        ctx = ActionContext(session=uow.session, instance=Instance("case:7", unit_id, jurisdiction_id),
                            data={},
                            actor="engine", now=clock.now(),
                            resources={"files": container.files})
        out = run_action("issue_document", ctx, {"kind": "rectification_order",
                                                 "context": kind_context("rectification_order")})
        uow.commit()
        assert out["document_number"] == "太公(视)限改字〔2026〕第0001号"
        assert uow.session.get(Document, out["document_id"]).case_ref == "case:7"
