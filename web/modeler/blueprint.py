"""Modeler door (manager role only): every route of it."""
from flask import Blueprint

from web.modeler import views

bp = Blueprint("modeler", __name__, template_folder="templates")
bp.add_url_rule("/modeler", "index", views.index)
bp.add_url_rule("/modeler/<key>/edit", "edit", views.edit)
bp.add_url_rule("/modeler/<key>/source.bpmn", "source", views.source)
bp.add_url_rule("/modeler/<key>/draft", "save", views.save, methods=["POST"])
bp.add_url_rule("/modeler/<key>/deploy", "deploy", views.deploy, methods=["POST"])
bp.add_url_rule("/modeler/<key>/discard", "discard", views.discard, methods=["POST"])
bp.add_url_rule("/modeler/<key>/diff", "diff", views.diff)
bp.add_url_rule("/modeler/<key>/migrate", "preview", views.preview)
bp.add_url_rule("/modeler/<key>/migrate", "migrate", views.migrate, methods=["POST"])
bp.add_url_rule("/modeler/palette.json", "palette", views.palette)
bp.add_url_rule("/modeler/timer-check", "timer_check", views.timer_check)
bp.add_url_rule("/modeler/forms", "forms_index", views.forms_index)
bp.add_url_rule("/modeler/forms/<key>/schema", "form", views.form)
bp.add_url_rule("/modeler/forms/<key>/schema", "form_save", views.form_save, methods=["POST"])
bp.add_url_rule("/modeler/forms/<key>/fields", "form_fields", views.form_fields_edit, methods=["POST"])
bp.add_url_rule("/modeler/forms/<key>/discard", "form_discard", views.form_discard, methods=["POST"])
