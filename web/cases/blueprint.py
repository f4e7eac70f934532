"""Case door: every route of it (list, case page, its diagram XML, document downloads)."""
from flask import Blueprint

from web.cases import views

bp = Blueprint("cases", __name__, url_prefix="/cases", template_folder="templates")
bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/<ref>", "show", views.show)
bp.add_url_rule("/<ref>/diagram.bpmn", "diagram", views.diagram)
bp.add_url_rule("/documents/<int:document_id>.pdf", "document", views.document)
