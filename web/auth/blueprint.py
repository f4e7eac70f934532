"""Sign-in door: every route of it."""
from flask import Blueprint

from web.auth import views

bp = Blueprint("auth", __name__, template_folder="templates")
bp.add_url_rule("/sign-in", "sign_in", views.sign_in, methods=["GET", "POST"])
bp.add_url_rule("/sign-out", "sign_out", views.sign_out, methods=["POST"])
bp.add_url_rule("/healthz", "health", views.health)
bp.app_context_processor(views.layout_context)
