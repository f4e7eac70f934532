"""Case views: parse, call one service, render."""
from __future__ import annotations

import json

from flask import Response, render_template, request
from flask_babel import get_locale

from casework.services.cases import downloads as case_files
from casework.services import case_view
from casework.services.cases import cases, titles
from web.access import current_actor, signed_in, uow


@signed_in()
def index():
    rows = cases.list_cases(uow(), actor=current_actor(), status=request.args.get("status") or None,
                            overdue=request.args.get("overdue") == "1",
                            kind=request.args.get("kind") or None)
    return render_template("cases/index.html", rows=rows)


@signed_in()
def show(ref: str):
    page = case_view.case_page(uow(), ref, actor=current_actor())
    # Its tasks' titles in the page's language, from the forms their process version runs.
    names = dict(zip([t["id"] for t in page["tasks"]], titles.task_titles(uow(), page["tasks"], get_locale().language)))
    for row in (*page["tasks"], *page["deadlines"]):
        row["name"] = names.get(row["id"], row["name"])
    return render_template("cases/show.html", case=page,
                           current_json=json.dumps(page["diagram"]["current"]),
                           done_json=json.dumps(page["diagram"]["done"]))


@signed_in()
def diagram(ref: str):
    xml = case_view.diagram_xml(uow(), ref, actor=current_actor())
    return Response(xml, mimetype="application/xml")


@signed_in()
def document(document_id: int):
    number, data = case_files.download_document(uow(), actor=current_actor(), document_id=document_id)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename=document-{document_id}.pdf"
    response.headers["X-Document-Number"] = number.encode("utf-8").decode("latin-1")
    return response
