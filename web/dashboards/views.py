"""Dashboard views: parse, call one service, render."""
from __future__ import annotations

from flask import render_template

from casework.services import dashboards
from web.access import current_actor, signed_in, uow
from web.dashboards.charts import chart_data


@signed_in(*dashboards.DASHBOARD_ROLES)
def index():
    board = dashboards.dashboard(uow(), actor=current_actor())
    return render_template("dashboards/index.html", board=board, data=chart_data(board))
