"""Portal filings: the unit's filing cases and the filings each system may start."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale

from casework.errors import CaseworkError
from casework.services.cases import portal_filings
from web import forms, i18n, idempotency
from web.access import current_actor, signed_in, uow
from web.i18n import gettext as _
from web.portal import formpage


@signed_in("unit")
def filings():
    return render_template("portal/filings.html", page=portal_filings.overview(uow(), actor=current_actor()))


@signed_in("unit")
def new_filing():
    """A double click or a retry files once (web.idempotency)."""
    if request.method == "POST":
        return idempotency.once(_new_filing, fallback=url_for("portal.filings"))
    return _new_filing()


def _new_filing():
    actor = current_actor()
    system_id, kind = request.args.get("system", type=int), request.args.get("kind", "")
    if system_id is None:
        abort(404)
    page = portal_filings.new_form(uow(), actor=actor, system_id=system_id, kind=kind)
    if page["offer"]["case_ref"]:  # already open and waiting for the unit: file there
        return redirect(url_for("portal.case", ref=page["offer"]["case_ref"]))
    raw, errors, problem, status = page["values"], {}, "", 200
    if request.method == "POST":
        data, raw, errors = formpage.read(page["form"], actor.name)
        status = 422
        if not errors:
            try:
                result = portal_filings.start(uow(), actor=actor, system_id=system_id, kind=kind, data=data)
            except CaseworkError as exc:
                problem, status = i18n.shown(exc), exc.status
            else:
                flash(_("Filing submitted: %(ref)s", ref=result["case_ref"]), "ok")
                return redirect(url_for("portal.case", ref=result["case_ref"]))
    lang = get_locale().language
    return render_template("portal/filing_new.html", page=page, problem=problem, errors=errors,
                           fields=forms.fields(page["form"], raw, errors, lang),
                           title=forms.title(page["form"], lang), many=set(),
                           keep=formpage.keeper(actor.name)), status
