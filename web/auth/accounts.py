"""Unit accounts pages: the bureau's (create, reset after a confirmation page) and the unit's own (its users, invite).

A new code is shown once, on the page that answers the post (never stored, never in a
redirect or the session cookie, `Cache-Control: no-store`); a repeated post is answered by
`web.idempotency` without issuing a second code.
"""
from __future__ import annotations

from flask import make_response, render_template, request, url_for

from casework.errors import CaseworkError, Conflict, PermissionDenied
from casework.services.units import accounts as unit_accounts
from web import i18n, idempotency
from web.access import current_actor, signed_in, uow
from web.i18n import gettext as _


@signed_in(*unit_accounts.BUREAU)
def units():
    query = request.args.get("q", "")
    rows = unit_accounts.bureau_units(uow(), actor=current_actor(), query=query)
    return render_template("auth/unit_accounts.html", rows=rows, q=query, problem=None, typed={})


@signed_in(*unit_accounts.BUREAU)
def create(unit_id: int):
    back = url_for("auth.unit_accounts", q=request.form.get("q", ""))
    return idempotency.once(lambda: _create(unit_id), fallback=back)


def _create(unit_id: int):
    form = request.form
    try:
        issued = unit_accounts.create_unit_account(uow(), actor=current_actor(), unit_id=unit_id,
                                                   username=form.get("username", ""),
                                                   display_name=form.get("display_name", ""))
    except CaseworkError as exc:  # the list again, with what was typed and why not
        rows = unit_accounts.bureau_units(uow(), actor=current_actor(), query=form.get("q", ""))
        return render_template("auth/unit_accounts.html", rows=rows, q=form.get("q", ""),
                               problem={"unit_id": unit_id, "message": i18n.shown(exc)},
                               typed=form), exc.status
    return _code_page(issued, url_for("auth.unit_accounts", q=form.get("q", "")))


@signed_in(*unit_accounts.BUREAU)
def reset(username: str):
    """GET: the confirmation page, naming the user, its unit and what a reset does. POST: the
    reset, only from that page (its `state` stamp); any other post shows the page, does nothing."""
    q = request.values.get("q", "")
    if request.method == "GET":
        return _confirm_reset(username, q)
    seen = request.form.get("state", "")
    if not seen:
        return _confirm_reset(username, q, _("Nothing was reset: confirm the reset on this page first."), 400)
    back = url_for("auth.unit_accounts", q=q)
    return idempotency.once(lambda: _reset(username, seen, q, back), fallback=back)


def _reset(username: str, seen: str, q: str, back: str):
    try:
        issued = unit_accounts.reset_password(uow(), actor=current_actor(), username=username, seen=seen)
    except Conflict as exc:  # the account changed since the page: look again
        return _confirm_reset(username, q, i18n.shown(exc), exc.status)
    return _code_page(issued, back)


def _confirm_reset(username: str, q: str, problem: str | None = None, status: int = 200):
    user = unit_accounts.reset_preview(uow(), actor=current_actor(), username=username)
    response = make_response(render_template(
        "auth/reset_confirm.html", user=user, q=q, problem=problem,
        lifetime_days=unit_accounts.CODE_LIFETIME.days), status)
    response.headers["Cache-Control"] = "no-store"  # its stamp is for this moment only
    return response


@signed_in("unit")
def my_account():
    return _account_page()


def _account_page(status: int = 200, **shown):
    """The unit's account page; `problem` (by the invite form, with what was `typed`) or
    `refused` (above the users) say why a post was refused."""
    page = unit_accounts.my_unit(uow(), actor=current_actor())
    return render_template("auth/my_account.html", page=page,
                           **{"problem": None, "refused": None, "typed": {}, **shown}), status


@signed_in("unit")
def invite():
    return idempotency.once(_invite, fallback=url_for("portal.account"))


def _invite():
    form = request.form
    try:
        issued = unit_accounts.invite(uow(), actor=current_actor(), username=form.get("username", ""),
                                      display_name=form.get("display_name", ""))
    except CaseworkError as exc:
        return _account_page(exc.status, problem=i18n.shown(exc), typed=form)
    return _code_page(issued, url_for("portal.account"), portal=True)


@signed_in("unit")
def reissue(username: str):
    """The first user's new code for the unit's never-activated account (the old one is void)."""
    return idempotency.once(lambda: _reissue(username), fallback=url_for("portal.account"))


def _reissue(username: str):
    try:
        issued = unit_accounts.reissue(uow(), actor=current_actor(), username=username)
    except (Conflict, PermissionDenied) as exc:  # another unit's user: NotFound, a 404
        return _account_page(exc.status, refused=i18n.shown(exc))
    return _code_page(issued, url_for("portal.account"), portal=True)


def _code_page(issued: dict, back: str, portal: bool = False):
    response = make_response(render_template("auth/code.html", issued=issued, back=back, portal=portal,
                                             activate_url=url_for("auth.activate", _external=True)))
    response.headers["Cache-Control"] = "no-store"
    return response
