"""Portal case page: the unit's case, the form of its open task, and the submission of it."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale

from casework.errors import CaseworkError
from casework.services.cases import portal_case
from casework.services.penalty import postponement
from web import forms, i18n, idempotency
from web.access import current_actor, signed_in, uow
from web.i18n import gettext as _
from web.portal import formpage

HEARING_FIELD = "hearing_requested"  # penalty_response: asked by the two buttons, not a field


@signed_in("unit")
def case(ref: str):
    page = portal_case.case_page(uow(), actor=current_actor(), ref=ref)
    return render_case(page, page["values"], {}, "")


@signed_in("unit")
def submit(ref: str, item_id: int):
    """A double click or a retry submits once (web.idempotency)."""
    return idempotency.once(lambda: _submit(ref, item_id), fallback=url_for("portal.case", ref=ref))


def _submit(ref: str, item_id: int):
    actor = current_actor()
    page = portal_case.case_page(uow(), actor=actor, ref=ref)
    data, raw, errors = formpage.read(page["form"] or {}, actor.name)
    problem, status = "", 422
    if not errors:
        try:
            portal_case.submit(uow(), actor=actor, ref=ref, item_id=item_id, data=data)
        except CaseworkError as exc:
            problem, status = i18n.shown(exc), exc.status
        else:
            flash(_("Submitted: %(ref)s", ref=ref), "ok")
            return redirect(url_for("portal.case", ref=ref))
    return render_case(page, raw, errors, problem), status


@signed_in("unit")
def postpone_hearing(ref: str):
    """The unit asks to postpone its hearing (公安程序规定 第一百三十八条), with its reason."""
    return idempotency.once(lambda: _postpone(ref), fallback=url_for("portal.case", ref=ref))


def _postpone(ref: str):
    actor = current_actor()
    try:
        postponement.request(uow(), actor=actor, ref=ref, reason=request.form.get("reason", ""))
    except CaseworkError as exc:
        page = portal_case.case_page(uow(), actor=actor, ref=ref)
        return render_case(page, page["values"], {}, i18n.shown(exc)), exc.status
    flash(_("Postponement requested: %(ref)s", ref=ref), "ok")
    return redirect(url_for("portal.case", ref=ref) + "#hearing")


def render_case(page: dict, raw: dict, errors: dict, problem: str) -> str:
    lang = get_locale().language
    form = page["form"]
    fields = forms.fields(form, raw, errors, lang) if form else []
    if page["task"] and page["task"]["form_key"] == "penalty_response":
        fields = [f for f in fields if f.name != HEARING_FIELD]
        for f in fields:
            f.kind = "textarea" if f.name == "statement" else f.kind
    many = {path for path, several in formpage.attachment_paths((form or {}).get("schema", {})) if several}
    answer = page["answer"] and {**page["answer"], **{k: i18n.one_language(page["answer"][k], lang)
                                                      for k in ("rule", "reason") if page["answer"].get(k)}}
    return render_template("portal/case.html", page={**page, "answer": answer}, fields=fields, errors=errors,
                           problem=problem, many=many, keep=formpage.keeper(current_actor().name),
                           title=forms.title(form, lang) if form else "", steps=step_names())


def step_names() -> dict[str, str]:
    """An acceptance step's kind, named on English pages before the text's own words."""
    return {"trial_run": _("Trial run"), "certified_test": _("Test by a qualified testing agency"),
            "acceptance": _("Completion acceptance"), "publish_grade": _("Publication of the acceptance and its grade")}
