"""Public door (anyone, no sign-in): every route of it."""
from flask import Blueprint

from web.gongshi import views

bp = Blueprint("gongshi", __name__, template_folder="templates")
bp.add_url_rule("/gongshi", "index", views.index)
bp.add_url_rule("/gongshi/export.<fmt>", "export", views.export)
