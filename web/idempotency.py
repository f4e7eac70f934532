"""A post acts once: double clicks and network retries get the first answer.

Forms. Every form carries a one-time key (`submission_field()` in a template, or the hidden
field `web.forms.fields` adds); a view wraps its act in `once(act, fallback=url)`. The key is
committed with the act's own transaction (`casework.storage.submissions`); a repeat with
the same key does nothing and is sent where the first post went (or to `fallback` when the
first answer was a page, not a redirect). An answer of 400 or more means the act was
refused: its key is dropped and the form (kept with its key) may be sent again. A post
without a key acts as before.

API. A POST that acts takes an optional `Idempotency-Key` header (`api_once`): the same key
from the same actor on the same endpoint gets the first answer again, status and body, with
`Idempotent-Replayed: true`; the key with another path or body is refused (422); while the
first is still being answered, 409 with `Retry-After`. Refused answers keep no key either.
"""
from __future__ import annotations

import json
from functools import wraps
from typing import Callable

from flask import Flask, Response, flash, g, jsonify, make_response, redirect, request
from markupsafe import Markup, escape
from sqlalchemy.exc import IntegrityError

from casework.storage import submissions
from web.access import current_actor, uow
from web.i18n import gettext as _

FIELD = "submission_key"
HEADER = "Idempotency-Key"


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
    response = _attempt(key, name, act)
    if response is None:  # a racing twin acted first
        return _again(submissions.find(uow(), key=key, actor=name) or fallback)
    location = response.headers.get("Location") if 300 <= response.status_code < 400 else None
    _settle(key, response, location or fallback)
    return response


def api_once(view: Callable) -> Callable:
    """An API view that acts, at most once per `Idempotency-Key` (the blueprint's header
    schema passes it as `idempotency_key`); without one it acts as before."""
    @wraps(view)
    def wrapper(*args, idempotency_key: str | None = None, **kwargs):
        if idempotency_key is None:
            return view(*args, **kwargs)
        actor, endpoint = g.api_actor.name, request.endpoint or ""
        key = submissions.scoped(idempotency_key, actor=actor, endpoint=endpoint)
        mark = submissions.fingerprint(request.method.encode(), request.path.encode(), _body())
        prior = submissions.prior(uow(), key=key)
        if prior is not None:
            return _replay(prior, mark)
        response = _attempt(key, actor, lambda: view(*args, **kwargs), mark)
        if response is None:  # a racing twin acted first
            return _replay(submissions.prior(uow(), key=key), mark)
        _settle(key, response, request.path, api=True)
        return response
    return wrapper


def _attempt(key: str, actor: str, act: Callable[[], Response],
             mark: str | None = None) -> Response | None:
    """Hold `key` in the request's unit of work and act; None when a twin holding the same key
    committed first (its insert fails on the key: nothing was done here)."""
    try:
        submissions.hold(uow(), key=key, actor=actor, endpoint=request.endpoint or "",
                         fingerprint=mark)
        return make_response(act())
    except IntegrityError:
        uow().rollback()
        if submissions.prior(uow(), key=key) is None:
            raise
        return None
    except Exception:
        submissions.settle(uow(), key=key, result=None)
        raise


def _settle(key: str, response: Response, result: str, api: bool = False) -> None:
    if response.status_code >= 400:  # refused: the same request may be sent again
        submissions.settle(uow(), key=key, result=None)
    elif api:
        submissions.settle(uow(), key=key, result=result, status=response.status_code,
                           body=response.get_data(as_text=True))
    else:
        submissions.settle(uow(), key=key, result=result)


def _again(target: str) -> Response:
    flash(_("This form was already submitted; it was not done twice."), "ok")
    return redirect(target, code=303)


def _body() -> bytes:
    """The request body, JSON in one canonical form (key order and spacing do not count)."""
    data = request.get_json(silent=True)
    if data is None:
        return request.get_data()
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _replay(prior: submissions.Prior | None, mark: str) -> Response:
    if prior is None:  # the first was refused meanwhile and left no key: nothing was done
        return _refusal(409, "使用此 Idempotency-Key 的第一次请求未办成，请重试 / the first request with "
                             "this Idempotency-Key was refused: send it again")
    if prior.fingerprint != mark:
        return _refusal(422, "此 Idempotency-Key 已用于另一请求（路径或请求体不同），未办理；新的请求请用新的键 "
                             "/ this Idempotency-Key was already used for a different request (another "
                             "path or body): nothing was done; use a new key for a new request")
    if prior.result == submissions.PENDING:
        answer = _refusal(409, "使用此 Idempotency-Key 的第一次请求仍在办理，请稍后重试 / the first request "
                               "with this Idempotency-Key is still being processed: retry shortly")
        answer.headers["Retry-After"] = "1"
        return answer
    answer = Response(prior.body or "", status=prior.status, mimetype="application/json")
    answer.headers["Idempotent-Replayed"] = "true"
    return answer


def _refusal(status: int, message: str) -> Response:
    answer = jsonify({"code": status, "message": message})
    answer.status_code = status
    return answer


def init_app(app: Flask) -> None:
    app.jinja_env.globals["submission_field"] = submission_field
