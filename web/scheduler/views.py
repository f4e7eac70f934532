"""Scheduler views: the page from `scheduler_page`, the buttons through `request_run` / `request_rerun`."""
from __future__ import annotations

import os

from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from casework.services.night.page import scheduler_page
from casework.services.night.prefect_api import PrefectUnavailable, request_rerun, request_run
from web.access import current_actor, signed_in, uow
from web.scheduler import labels

ROLES = ("scheduler",)  # every route of the door; the navigation shows it to these


def _api_url() -> str:
    """The Prefect API the scheduler serves against (PREFECT_API_URL; `casework scheduler` prints it)."""
    api = os.environ.get("PREFECT_API_URL", "").rstrip("/")
    if not api:
        raise PrefectUnavailable(_("PREFECT_API_URL is not set: start `casework scheduler`"))
    return api


@signed_in(*ROLES)
def index():
    api = os.environ.get("PREFECT_API_URL", "").rstrip("/")
    ui = os.environ.get("CASEWORK_PREFECT_UI_URL") or (api.removesuffix("/api") if api else None)
    lang = get_locale().language
    return render_template("scheduler/index.html", page=scheduler_page(uow(), prefect_ui=ui), api=api, lang=lang,
                           states=labels.states(), words=labels.counts(),
                           error_line=lambda error: labels.error_line(error, lang))


@signed_in(*ROLES)
def run_now(flow: str):
    run_id = request_run(uow(), actor=current_actor(), api_url=_api_url(), flow=flow)
    flash(_("Run requested: %(flow)s (%(run)s)", flow=flow, run=run_id))
    return redirect(url_for("scheduler.index"))


@signed_in(*ROLES)
def rerun(run_id: int):
    prefect_run_id = request_rerun(uow(), actor=current_actor(), api_url=_api_url(), run_id=run_id)
    flash(_("Re-run requested (%(run)s)", run=prefect_run_id))
    return redirect(url_for("scheduler.index"))
