"""A form's post acts once: double clicks and network retries get the first answer.

Every form carries a one-time key (`submission_field()` in a template, or the hidden field
`web.forms.fields` adds); a view wraps its act in `once(act, fallback=url)`. The key is
committed with the act's own transaction (`casework.storage.submissions`); a repeat with
the same key does nothing and is sent where the first post went (or to `fallback` when the
first answer was a page, not a redirect). A post without a key acts as before.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask, Response, flash, make_response, redirect, request
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy.exc import IntegrityError

from casework.storage import submissions
from web.access import current_actor, uow

FIELD = "submission_key"


def current_key() -> str:
    """The key a rendered form carries: the posted one again after an error, else a new one."""
    posted = request.form.get(FIELD) if request.method == "POST" else None
    return posted if submissions.well_formed(posted) else submissions.new_key()


def submission_field() -> Markup:
    return Markup(f'<input type="hidden" name="{FIELD}" value="{escape(current_key())}">')


def once(act: Callable[[], Response], *, fallback: str) -> Response:
    """Run `act` (parse, call one service, answer) at most once per posted key."""
    key = request.form.get(FIELD)
    if not submissions.well_formed(key):
        return make_response(act())
    actor = current_actor()
    name = actor.name if actor else "-"
    prior = submissions.find(uow(), key=key, actor=name)
    if prior is not None:
        return _again(prior or fallback)
    try:
        submissions.hold(uow(), key=key, actor=name, endpoint=request.endpoint or "")
        response = make_response(act())
    except IntegrityError:
        uow().rollback()
        prior = submissions.find(uow(), key=key, actor=name)
        if prior is None:
            raise
        return _again(prior or fallback)
    except Exception:
        submissions.settle(uow(), key=key, result=fallback)
        raise
    location = response.headers.get("Location") if 300 <= response.status_code < 400 else None
    submissions.settle(uow(), key=key, result=location or fallback)
    return response


def _again(target: str) -> Response:
    flash(_("This form was already submitted; it was not done twice."), "ok")
    return redirect(target, code=303)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["submission_field"] = submission_field
