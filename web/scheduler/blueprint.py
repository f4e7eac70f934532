"""Scheduler door (scheduler role runs; auditor reads): every route of it."""
from flask import Blueprint

from web.scheduler import views

bp = Blueprint("scheduler", __name__, template_folder="templates", static_folder="static",
               static_url_path="/scheduler/static")
bp.add_url_rule("/scheduler", "index", views.index)
bp.add_url_rule("/scheduler/runs", "runs", views.runs)  # the runs, polled by the page (htmx)
bp.add_url_rule("/scheduler/<flow>/run", "run_now", views.run_now, methods=["POST"])
bp.add_url_rule("/scheduler/runs/<int:run_id>/rerun", "rerun", views.rerun, methods=["POST"])
