"""Scheduler door (scheduler role): every route of it."""
from flask import Blueprint

from web.scheduler import views

bp = Blueprint("scheduler", __name__, template_folder="templates")
bp.add_url_rule("/scheduler", "index", views.index)
bp.add_url_rule("/scheduler/<flow>/run", "run_now", views.run_now, methods=["POST"])
bp.add_url_rule("/scheduler/runs/<int:run_id>/rerun", "rerun", views.rerun, methods=["POST"])
