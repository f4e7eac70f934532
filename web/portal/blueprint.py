"""Unit portal door: every route of it (home, documents, downloads, receipt, attachments)."""
from flask import Blueprint

from web.auth import accounts as account_views
from web.portal import views

bp = Blueprint("portal", __name__, url_prefix="/portal", template_folder="templates")
bp.add_url_rule("/", "home", views.home)
bp.add_url_rule("/documents", "documents", views.documents)
bp.add_url_rule("/documents/<int:document_id>.pdf", "download", views.download)
bp.add_url_rule("/documents/<int:document_id>/confirm", "confirm", views.confirm, methods=["POST"])
bp.add_url_rule("/attachments/<digest>", "attachment", views.attachment)
bp.add_url_rule("/systems", "systems", views.systems)
bp.add_url_rule("/service", "service_queue", views.service_queue)
bp.add_url_rule("/service/<int:document_id>", "record_service", views.record_service, methods=["POST"])
bp.add_url_rule("/account", "account", account_views.my_account)
bp.add_url_rule("/account/invite", "invite", account_views.invite, methods=["POST"])
