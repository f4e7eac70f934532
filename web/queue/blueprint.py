"""Queue door: every route of it (task lists, claiming, a task's form, saved filters)."""
from flask import Blueprint

from web.queue import views

bp = Blueprint("queue", __name__, template_folder="templates")
bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/tasks", "tasks", views.task_list)
bp.add_url_rule("/tasks/<int:item_id>/claim", "claim", views.claim, methods=["POST"])
bp.add_url_rule("/tasks/<int:item_id>/unclaim", "unclaim", views.unclaim, methods=["POST"])
bp.add_url_rule("/tasks/bulk", "bulk", views.bulk, methods=["POST"])
bp.add_url_rule("/tasks/<int:item_id>", "task", views.task, methods=["GET", "POST"])
bp.add_url_rule("/filters", "save_filter", views.save_filter, methods=["POST"])
bp.add_url_rule("/filters/<int:filter_id>/delete", "delete_filter", views.delete_filter, methods=["POST"])
