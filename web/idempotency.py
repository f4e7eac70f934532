"""A form's post acts once: double clicks and network retries get the first answer.

Every form carries a one-time key (`submission_field()` in a template, or the hidden field
`web.forms.fields` adds); a view wraps its act in `once(act, fallback=url)`. The key is
committed with the act's own transaction (`casework.storage.submissions`); a repeat with
the same key does nothing and is sent where the first post went (or to `fallback` when the
first answer was a page, not a redirect). An answer of 400 or more means the act was
refused: its key is dropped and the form (kept with its key) may be sent again. A post
without a key acts as before.
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


def submission_field() -> Markup:
    """A hidden field with a new key. A page shown again after a refused post gets a new one
    too: the refused post left no key behind."""
    return Markup(f'<input type="hidden" name="{FIELD}" value="{escape(submissions.new_key())}">')


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
        submissions.settle(uow(), key=key, result=None)
        raise
    if response.status_code >= 400:  # refused: the same form may be sent again
        submissions.settle(uow(), key=key, result=None)
    else:
        location = response.headers.get("Location") if response.status_code >= 300 else None
        submissions.settle(uow(), key=key, result=location or fallback)
    return response


def _again(target: str) -> Response:
    flash(_("This form was already submitted; it was not done twice."), "ok")
    return redirect(target, code=303)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["submission_field"] = submission_field
