"""The engine action `issue_document`: a diagram's service task issues a document.

The engine is imported when `register_actions()` runs, not at import time, so the
documents package stays usable (and testable) without the engine.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from casework.documents.service import issue
from casework.errors import InvalidInput

if TYPE_CHECKING:
    from casework.engine import ActionContext


def issue_document(ctx: ActionContext, kind: str, context: dict[str, Any]) -> dict[str, Any]:
    """Issue `kind` for the instance's case, unit and jurisdiction; outputs id and number."""
    instance = ctx.instance
    if instance.unit_id is None or instance.jurisdiction_id is None:
        raise InvalidInput("流程实例缺少单位或辖区，无法制作文书 / the process instance has no "
                           "unit or jurisdiction to issue a document for")
    files = ctx.resources.get("files")
    if files is None:
        raise InvalidInput("引擎未提供文件存储 / the engine passed no 'files' resource")
    doc = issue(ctx.session, files, kind=kind, jurisdiction_id=instance.jurisdiction_id,
                unit_id=instance.unit_id, case_ref=instance.case_ref, context=context,
                actor=ctx.actor)
    return {"document_id": doc.id, "document_number": doc.number}


def register_actions() -> None:
    """Register `issue_document` with the engine's action registry (idempotent)."""
    from casework.engine import action  # the engine imports services; keep this one-way

    action("issue_document", inputs={"kind": str, "context": dict},
           outputs={"document_id": int, "document_number": str})(issue_document)
