"""Dashboard door: every route of it."""
from flask import Blueprint

from web.dashboards import views

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards", template_folder="templates")
bp.add_url_rule("", "index", views.index)
