"""Dashboards door (manager, bureau head): every route of it."""
from flask import Blueprint

from web.dashboards import views

bp = Blueprint("dashboards", __name__, template_folder="templates")
bp.add_url_rule("/dashboards", "index", views.index)
