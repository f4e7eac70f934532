"""Scheduler views: the page from `scheduler_page`, the buttons through `request_run` / `request_rerun`."""
from __future__ import annotations

import os

from flask import flash, redirect, render_template, url_for

from casework.services.night.page import scheduler_page
from casework.services.night.prefect_api import PrefectUnavailable, request_rerun, request_run
from web.access import current_actor, signed_in, uow


def _api_url() -> str:
    """The Prefect API the scheduler serves against (PREFECT_API_URL; `casework scheduler` prints it)."""
    api = os.environ.get("PREFECT_API_URL", "").rstrip("/")
    if not api:
        raise PrefectUnavailable("未配置 PREFECT_API_URL / PREFECT_API_URL is not set: start `casework scheduler`")
    return api


@signed_in("scheduler")
def index():
    api = os.environ.get("PREFECT_API_URL", "").rstrip("/")
    ui = os.environ.get("CASEWORK_PREFECT_UI_URL") or (api.removesuffix("/api") if api else None)
    return render_template("scheduler/index.html", page=scheduler_page(uow(), prefect_ui=ui), api=api)


@signed_in("scheduler")
def run_now(flow: str):
    run_id = request_run(uow(), actor=current_actor(), api_url=_api_url(), flow=flow)
    flash(f"已提交运行 / run requested: {flow} ({run_id})")
    return redirect(url_for("scheduler.index"))


@signed_in("scheduler")
def rerun(run_id: int):
    prefect_run_id = request_rerun(uow(), actor=current_actor(), api_url=_api_url(), run_id=run_id)
    flash(f"已提交重跑 / re-run requested ({prefect_run_id})")
    return redirect(url_for("scheduler.index"))
