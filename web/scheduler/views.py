"""Scheduler views: the page from `scheduler_page` (and its runs again, polled by htmx), the
buttons through `request_run` / `request_rerun`.

The auditor reads the door: the weekly audit-chain check, the nightly document check and every
run's failures are the integrity evidence an auditor follows (the CLI lets the auditor export
the chain's checkpoints too). Running and re-running stay the scheduler's.
"""
from __future__ import annotations

import os
from datetime import timedelta
from functools import wraps

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale

from casework import clock
from casework.services.night.page import scheduler_page
from casework.services.night.prefect_api import PrefectUnavailable, request_rerun, request_run
from web.access import current_actor, signed_in, uow
from web.i18n import gettext as _
from web.scheduler import labels

ROLES = ("scheduler", "auditor")  # who reads the door; the navigation shows it to these
RUNNERS = ("scheduler",)  # who runs and re-runs
POLL_S = 10  # how often the page asks for its runs (app config SCHEDULER_POLL_S)


def _api_url() -> str:
    """The Prefect API the scheduler serves against (PREFECT_API_URL; `casework scheduler` prints it)."""
    api = os.environ.get("PREFECT_API_URL", "").rstrip("/")
    if not api:
        raise PrefectUnavailable(_("PREFECT_API_URL is not set: start `casework scheduler`"))
    return api


def _since() -> int:
    """When the page was loaded (epoch seconds, carried by each poll); now for a new page."""
    now = int(clock.now().timestamp())
    try:
        return min(int(request.args.get("since", now)), now)
    except ValueError:
        return now


def _context(since: int) -> dict:
    api = os.environ.get("PREFECT_API_URL", "").rstrip("/")
    ui = os.environ.get("CASEWORK_PREFECT_UI_URL") or (api.removesuffix("/api") if api else None)
    lang = get_locale().language
    # A page left open stops asking after a session's lifetime: polling must not keep an
    # unattended browser signed in for ever (each answer refreshes the session cookie).
    polling = clock.now().timestamp() - since < current_app.permanent_session_lifetime.total_seconds()
    return {"page": scheduler_page(uow(), prefect_ui=ui), "api": api, "lang": lang,
            "states": labels.states(), "words": labels.counts(),
            "error_line": lambda error: labels.error_line(error, lang),
            "can_run": bool(current_actor().roles & set(RUNNERS)), "since": since, "polling": polling,
            "poll_s": current_app.config.get("SCHEDULER_POLL_S", POLL_S),
            "stopped_after_h": round(current_app.permanent_session_lifetime / timedelta(hours=1))}


@signed_in(*ROLES)
def index():
    return render_template("scheduler/index.html", **_context(int(clock.now().timestamp())))


def _polled(view):
    """`signed_in` for the polled runs: once the session has ended, htmx takes the whole page to
    the sign-in form (a redirect would be followed by the request and swapped into the table)."""
    guarded = signed_in(*ROLES)(view)

    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_actor() is None and request.headers.get("HX-Request") == "true":
            return Response(status=204, headers={
                "HX-Redirect": url_for("auth.sign_in", next=url_for("scheduler.index"))})
        return guarded(*args, **kwargs)
    wrapper.roles = ROLES
    return wrapper


@_polled
def runs():
    """The runs alone (same template as the page): what the page's htmx polling swaps in."""
    return render_template("scheduler/_runs.html", **_context(_since()))


@signed_in(*RUNNERS)
def run_now(flow: str):
    run_id = request_run(uow(), actor=current_actor(), api_url=_api_url(), flow=flow)
    flash(_("Run requested: %(flow)s (%(run)s)", flow=flow, run=run_id))
    return redirect(url_for("scheduler.index"))


@signed_in(*RUNNERS)
def rerun(run_id: int):
    prefect_run_id = request_rerun(uow(), actor=current_actor(), api_url=_api_url(), run_id=run_id)
    flash(_("Re-run requested (%(run)s)", run=prefect_run_id))
    return redirect(url_for("scheduler.index"))
