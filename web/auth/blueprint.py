"""Sign-in door: every route of it (sign in and out, activation, the bureau's unit accounts)."""
from flask import Blueprint

from web.auth import accounts, views

bp = Blueprint("auth", __name__, template_folder="templates")
bp.add_url_rule("/sign-in", "sign_in", views.sign_in, methods=["GET", "POST"])
bp.add_url_rule("/sign-out", "sign_out", views.sign_out, methods=["POST"])
bp.add_url_rule("/healthz", "health", views.health)
bp.add_url_rule("/activate", "activate", views.activate, methods=["GET", "POST"])
bp.add_url_rule("/accounts/units", "unit_accounts", accounts.units)
bp.add_url_rule("/accounts/units/<int:unit_id>/users", "create_unit_account", accounts.create, methods=["POST"])
bp.add_url_rule("/accounts/users/<username>/reset", "reset_password", accounts.reset, methods=["GET", "POST"])
bp.app_context_processor(views.layout_context)
