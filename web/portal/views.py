"""Portal views: parse, call one service, render (unit users only)."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale

from casework.services.cases import portal
from casework.services.cases import service_of_documents, titles
from web import i18n, idempotency
from web.access import current_actor, read_uow, signed_in, uow
from web.i18n import gettext as _

RECEIPT_INSTRUMENT = "公安机关办理行政案件程序规定"  # 第三十六条: service by a means that confirms receipt


@signed_in("unit")
def home():
    lang = get_locale().language
    page = portal.home(read_uow(), actor=current_actor(), lang=lang)
    for o in page["obligations"]:
        o["rule"] = i18n.one_language(o["rule"], lang)  # "中文 / English": the page's half
        if o["kind"] == "receipt" and lang != "zh":
            o["rule"] = _("%(instrument)s, 第三十六条 (it sets no time to confirm: Casework chose three "
                          "working days, after which the document is served in person or by post)",
                          instrument=titles.instrument_title(RECEIPT_INSTRUMENT, lang))
    return render_template("portal/home.html", page=page)


@signed_in("unit")
def documents():
    return render_template("portal/documents.html",
                           rows=portal.list_documents(uow(), actor=current_actor()))


@signed_in("unit")
def download(document_id: int):
    doc, data = portal.download(uow(), actor=current_actor(), document_id=document_id)
    # A PDF as an attachment, never a type a browser would run or sniff.
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename=document-{doc.id}.pdf"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Document-SHA256"] = doc.sha256
    return response


@signed_in("unit")
def confirm(document_id: int):
    return idempotency.once(lambda: _confirm(document_id), fallback=url_for("portal.documents"))


def _confirm(document_id: int):
    result = service_of_documents.confirm(uow(), actor=current_actor(), document_id=document_id)
    flash(_("Receipt confirmed; service receipt %(number)s issued.",
            number=result["receipt_number"]), "ok")
    return redirect(url_for("portal.documents"))


@signed_in("unit")
def attachment(digest: str):
    mimetype, data = portal.attachment(uow(), actor=current_actor(), digest=digest)
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={digest[:16]}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@signed_in("unit")
def systems():
    return render_template("portal/systems.html", rows=portal.systems(uow(), actor=current_actor()))


@signed_in("clerk", "admin")
def service_queue():
    """Bureau side: documents not confirmed in time (or without consent) to serve in person or by post."""
    rows = service_of_documents.clerk_queue(uow(), actor=current_actor())
    return render_template("portal/service_queue.html", rows=rows,
                           methods=service_of_documents.CLERK_METHODS)


@signed_in("clerk", "admin")
def record_service(document_id: int):
    return idempotency.once(lambda: _record_service(document_id), fallback=url_for("portal.service_queue"))


def _record_service(document_id: int):
    result = service_of_documents.record(uow(), actor=current_actor(), document_id=document_id,
                                         method=request.form.get("method", ""),
                                         place=request.form.get("place", ""))
    flash(_("Service recorded; service receipt %(number)s issued.",
            number=result["receipt_number"]), "ok")
    return redirect(url_for("portal.service_queue"))
