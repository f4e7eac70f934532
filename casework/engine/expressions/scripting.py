"""The script engine we give SpiffWorkflow: every expression through the safe evaluator."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

from casework import clock
from casework.engine.errors import ExpressionFailed, ExpressionRejected
from casework.engine.expressions.actions import ActionContext, run_action
from casework.engine.expressions.evaluator import Functions, compile_expression, evaluate, run_script
from casework.engine.expressions.functions import DEFAULT_FUNCTIONS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session
    from SpiffWorkflow.task import Task

    from casework.engine.budget import StepBudget
    from casework.models.engine import ProcessInstance


def _at(task: Task, exc: Exception) -> Exception:
    """The same error, naming the diagram element it happened in."""
    element = getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name
    return type(exc)(f"元素 {element}：{exc} / at element {element}")


class SafeEnvironment(BasePythonScriptEngineEnvironment):
    """Expressions and `name = expression` scripts; never eval/exec; ticking the step's budget."""

    def __init__(self, step: StepContext) -> None:
        super().__init__()
        self.step = step

    def evaluate(self, expression, context, external_context=None):
        names = {**external_context, **context} if external_context else context
        return evaluate(expression, names, self.step.functions, self.step.budget)

    def execute(self, script, context, external_context=None):
        run_script(script, context, self.step.functions, self.step.budget)
        return True

    def call_service(self, context, **kwargs):
        raise RuntimeError("service tasks run through registered actions only")


@dataclass
class StepContext:
    """Who and what one engine step runs for; handed to actions."""

    session: Session | None = None
    instance: ProcessInstance | None = None
    actor: str = "system"
    resources: dict[str, Any] = field(default_factory=dict)
    now: datetime | None = None
    budget: StepBudget | None = None
    functions: Functions = field(default_factory=lambda: DEFAULT_FUNCTIONS)  # the container's helpers (resources["functions"])


class SafeScriptEngine(PythonScriptEngine):
    """PythonScriptEngine with the eval/exec paths replaced by the safe evaluator."""

    def __init__(self, step: StepContext | None = None) -> None:
        self.step = step or StepContext()
        super().__init__(environment=SafeEnvironment(self.step))

    def validate(self, expression):
        compile_expression(expression, frozenset(self.step.functions))

    def evaluate(self, task, expression, external_context=None):
        try:
            value = self.environment.evaluate(expression, task.data, external_context)
        except (ExpressionFailed, ExpressionRejected) as exc:
            raise _at(task, exc) from None
        spec = task.task_spec
        if isinstance(spec, MultiInstanceTask) and expression == spec.cardinality and self.step.budget:
            self.step.budget.instances(value)  # before SpiffWorkflow creates that many children
        return value

    def execute(self, task, script, external_context=None):
        try:
            return self.environment.execute(script, task.data, external_context)
        except (ExpressionFailed, ExpressionRejected) as exc:
            raise _at(task, exc) from None

    def call_service(self, task, **kwargs):
        raise RuntimeError("service tasks run through registered actions only")

    def run_action(self, task: Task, name: str, params: dict[str, Any]) -> dict[str, Any]:
        step = self.step
        ctx = ActionContext(
            session=step.session, instance=step.instance, data=dict(task.data), actor=step.actor,
            now=step.now or clock.now(), resources=step.resources, task_id=task.task_spec.bpmn_id or "")
        if step.budget is None:
            return run_action(name, ctx, params, step.resources.get("actions"))
        with step.budget.paused():  # our own actions (a PDF render) do not spend the diagram's time
            return run_action(name, ctx, params, step.resources.get("actions"))
