"""Sign in and out (throttled and audited by the accounts service)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from casework.services import accounts
from casework.services import dashboards
from web.access import address, current_actor, signed_in, uow

DASHBOARD_ROLES = frozenset(dashboards.DASHBOARD_ROLES)


def layout_context() -> dict:
    actor = current_actor()
    return {"actor": actor, "actor_name": session.get("name", actor.name) if actor else "",
            "sees_dashboards": bool(actor and actor.roles & DASHBOARD_ROLES),
            "sees_modeler": bool(actor and "manager" in actor.roles)}


def _safe_next(target: str | None) -> str:
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("queue.index")


def sign_in():
    error, status = None, 200
    if request.method == "POST":
        try:
            actor = accounts.sign_in(uow(), username=request.form.get("username", ""),
                                     password=request.form.get("password", ""), address=address())
        except (accounts.BadCredentials, accounts.Throttled) as exc:
            error, status = str(exc), exc.status
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session on sign-in (no fixation); the language stays
            if lang:
                session["lang"] = lang
            session["user"] = actor.name
            session["name"] = accounts.display_name(uow(), actor.name)
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/sign_in.html", error=error,
                           username=request.form.get("username", "")), status


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
