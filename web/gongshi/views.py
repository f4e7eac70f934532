"""行政执法公示 (APL 第四十八条; 国办发〔2018〕118号): searchable, paged, exportable; public."""
from __future__ import annotations

from flask import Response, render_template, request

from casework.errors import InvalidInput
from casework.services.penalty import publication
from web.access import uow

PER_PAGE = 20


def _page() -> int:
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        raise InvalidInput("page must be a whole number") from None
    return max(page, 1)


def index():
    query = request.args.get("q", "")[:100]
    with uow() as work:
        result = publication.search(work.session, query, _page(), PER_PAGE)
    pages = max(1, -(-result["total"] // PER_PAGE))
    return render_template("gongshi/index.html", result=result, query=query, pages=pages)


def export(fmt: str):
    query = request.args.get("q", "")[:100]
    with uow() as work:
        body = publication.export(work.session, fmt, query)
    kind = "application/json" if fmt == "json" else "text/csv"
    return Response(body, mimetype=kind, headers={
        "Content-Disposition": f"attachment; filename=gongshi.{fmt}"})
