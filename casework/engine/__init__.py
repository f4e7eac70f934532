"""SpiffWorkflow behind a small adapter: versioned models, persisted instances, queues, timers.

See README.md for the BPMN conventions diagrams must follow.
"""
from __future__ import annotations

from casework.engine.expressions.actions import ActionContext, action
from casework.engine.model.deploy import deploy, deploy_shipped, list_versions
from casework.engine.errors import DiagramInvalid, ExpressionFailed, ExpressionRejected
from casework.engine.run.cancel import cancel
from casework.engine.run.marks import marks
from casework.engine.run.migrate import MigrationPreview, migrate, preview_migration
from casework.engine.run.queue import claim, list_work_items, unclaim
from casework.engine.run.runtime import StepFailed, complete, get_instance, send_message, start
from casework.engine.run.timers import fire_due_timers, next_timer_due

__all__ = [
    "ActionContext", "DiagramInvalid", "MigrationPreview", "migrate", "preview_migration", "ExpressionFailed", "ExpressionRejected", "StepFailed",
    "action", "cancel", "claim", "complete", "deploy", "deploy_shipped", "fire_due_timers", "get_instance",
    "list_versions", "list_work_items", "marks", "next_timer_due", "send_message", "start", "unclaim",
]
