"""Notices and decisions as PDFs: typed contexts, Jinja templates, WeasyPrint, numbering.

`render` is pure (context in, bytes out); `issue`, `serve`, `download` work inside the
caller's unit of work. See README.md for the context each kind needs.
"""
from __future__ import annotations

from casework.documents.batch import (
    BatchResult,
    Failed,
    RenderJob,
    issue_batch,
    make_pool,
    render_batch,
)
from casework.documents.kinds import KINDS, SERVICE_METHODS
from casework.documents.render import TEMPLATE_VERSION, render, render_html
from casework.documents.service import (
    DocumentIntegrityError,
    IssueRequest,
    download,
    issue,
    issue_service_receipt,
    serve,
)

__all__ = [
    "BatchResult", "DocumentIntegrityError", "Failed", "IssueRequest", "KINDS", "RenderJob", "SERVICE_METHODS",
    "TEMPLATE_VERSION", "download", "issue", "issue_batch", "issue_service_receipt",
    "make_pool", "render", "render_batch", "render_html", "serve",
]
