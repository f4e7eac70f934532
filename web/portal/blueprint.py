"""Unit portal door: every route of it (home, documents, downloads, receipt, attachments,
a case and its form, filings)."""
from flask import Blueprint

from web.auth import accounts as account_views
from web.portal import case_views, filing_views, formpage, views

bp = Blueprint("portal", __name__, url_prefix="/portal", template_folder="templates")
bp.add_url_rule("/", "home", views.home)
bp.add_url_rule("/documents", "documents", views.documents)
bp.add_url_rule("/documents/<int:document_id>.pdf", "download", views.download)
bp.add_url_rule("/documents/<int:document_id>/confirm", "confirm", views.confirm, methods=["POST"])
bp.add_url_rule("/attachments/<digest>", "attachment", views.attachment)
bp.add_url_rule("/systems", "systems", views.systems)
bp.add_url_rule("/service", "service_queue", views.service_queue)
bp.add_url_rule("/service/<int:document_id>", "record_service", views.record_service, methods=["POST"])
bp.add_url_rule("/cases/<ref>", "case", case_views.case)
bp.add_url_rule("/cases/<ref>/tasks/<int:item_id>", "submit", case_views.submit, methods=["POST"])
bp.add_url_rule("/cases/<ref>/hearing/postpone", "postpone_hearing", case_views.postpone_hearing, methods=["POST"])
bp.add_url_rule("/filings", "filings", filing_views.filings)
bp.add_url_rule("/filings/new", "new_filing", filing_views.new_filing, methods=["GET", "POST"])
bp.add_url_rule("/account", "account", account_views.my_account)
bp.add_url_rule("/account/invite", "invite", account_views.invite, methods=["POST"])
bp.add_url_rule("/account/users/<username>/code", "reissue", account_views.reissue, methods=["POST"])
bp.register_error_handler(413, formpage.too_large)  # a post over the limit: the portal's page
