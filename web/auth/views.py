"""Sign in and out (throttled and audited by the accounts service); activate with a code."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for

from casework.errors import CaseworkError
from casework.services import accounts, dashboards
from casework.services.units import accounts as unit_accounts
from web import i18n, idempotency
from web.access import address, current_actor, signed_in, uow
from web.i18n import gettext as _
from web.scheduler.views import ROLES as SCHEDULER_ROLES

DASHBOARD_ROLES = frozenset(dashboards.DASHBOARD_ROLES)


def layout_context() -> dict:
    actor = current_actor()
    return {"actor": actor, "actor_name": session.get("name", actor.name) if actor else "",
            "sees_dashboards": bool(actor and actor.roles & DASHBOARD_ROLES),
            "sees_modeler": bool(actor and "manager" in actor.roles),
            "sees_scheduler": bool(actor and actor.roles & set(SCHEDULER_ROLES)),
            "sees_accounts": bool(actor and actor.roles & set(unit_accounts.BUREAU))}


def _safe_next(target: str | None, unit_user: bool = False) -> str:
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("portal.home") if unit_user else url_for("queue.index")


def sign_in():
    error, status = None, 200
    if request.method == "POST":
        try:
            actor = accounts.sign_in(uow(), username=request.form.get("username", ""),
                                     password=request.form.get("password", ""), address=address())
        except (accounts.BadCredentials, accounts.Throttled) as exc:
            error, status = i18n.shown(exc), exc.status
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session on sign-in (no fixation); the language stays
            if lang:
                session["lang"] = lang
            facts = accounts.session_facts(uow(), actor.name)
            session["user"], session["name"], session["stamp"] = actor.name, facts["name"], facts["stamp"]
            session.permanent = True
            return redirect(_safe_next(request.args.get("next"), actor.is_unit_user))
    username = request.form.get("username", request.args.get("username", ""))
    return render_template("auth/sign_in.html", error=error, username=username), status


def activate():
    """A unit user sets its password with the one-time code the bureau (or its first user)
    handed over; no sign-in. The code and username stay in the page on an error."""
    if request.method == "POST":
        return idempotency.once(_activate, fallback=url_for("auth.sign_in"))
    return render_template("auth/activate.html", error=None, username=request.args.get("username", ""),
                           code="")


def _activate():
    form = request.form
    error = None
    if form.get("password", "") != form.get("confirm", ""):
        error, status = _("The two passwords differ."), 422
    else:
        try:
            username = unit_accounts.activate(uow(), username=form.get("username", ""),
                                              code=form.get("code", ""), password=form.get("password", ""),
                                              address=address())
        except CaseworkError as exc:
            error, status = i18n.shown(exc), exc.status
        else:
            flash(_("Account activated: sign in with your new password."), "ok")
            return redirect(url_for("auth.sign_in", username=username))
    return render_template("auth/activate.html", error=error, username=form.get("username", ""),
                           code=form.get("code", "")), status


@signed_in()
def sign_out():
    accounts.sign_out(uow(), actor=current_actor(), address=address())
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Signed out."))
    return redirect(url_for("auth.sign_in"))


def health():
    return {"ok": True}
