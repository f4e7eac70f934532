"""Scheduler views: the page from `scheduler_page`, the button through `request_run`."""
from __future__ import annotations

import os

from flask import flash, redirect, render_template, url_for

from casework.services.night.page import scheduler_page
from casework.services.night.prefect_api import PrefectUnavailable, request_run
from web.access import current_actor, signed_in, uow


def _api_url() -> str:
    """The Prefect API the scheduler serves against (PREFECT_API_URL; `casework scheduler` prints it)."""
    return os.environ.get("PREFECT_API_URL", "").rstrip("/")


@signed_in("scheduler")
def index():
    api = _api_url()
    ui = os.environ.get("CASEWORK_PREFECT_UI_URL") or (api.removesuffix("/api") if api else None)
    return render_template("scheduler/index.html", page=scheduler_page(uow(), prefect_ui=ui), api=api)


@signed_in("scheduler")
def run_now(flow: str):
    api = _api_url()
    if not api:
        raise PrefectUnavailable("未配置 PREFECT_API_URL / PREFECT_API_URL is not set: start `casework scheduler`")
    run_id = request_run(uow(), actor=current_actor(), api_url=api, flow=flow)
    flash(f"已提交运行 / run requested: {flow} ({run_id})")
    return redirect(url_for("scheduler.index"))
