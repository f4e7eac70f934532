"""The action registry: the only way a diagram's service task reaches Python code."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Iterable

from casework.engine.errors import DiagramInvalid

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.models.engine import ProcessInstance


@dataclass
class ActionContext:
    """What an action may use: the caller's session and the instance being stepped."""

    session: Session
    instance: ProcessInstance
    data: dict[str, Any]
    actor: str
    now: datetime
    resources: dict[str, Any] = field(default_factory=dict)
    task_id: str = ""


@dataclass(frozen=True)
class Action:
    name: str
    func: Callable[..., dict[str, Any] | None]
    inputs: dict[str, type]
    outputs: dict[str, type]
    optional: frozenset[str] = frozenset()


class Actions:
    """Actions by name: the set one container (or test) lets its diagrams call."""

    def __init__(self, actions: Iterable[Action] = ()) -> None:
        self._by_name: dict[str, Action] = {a.name: a for a in actions}

    def add(self, found: Action) -> None:
        self._by_name[found.name] = found

    def get(self, name: str) -> Action | None:
        return self._by_name.get(name)

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def copy(self) -> Actions:
        return Actions(self._by_name.values())

    def check_parameters(self, name: str, params: set[str], element_id: str) -> None:
        """Deploy-time check: the operator is known and its parameters match its inputs."""
        found = self.get(name)
        if found is None:
            known = ", ".join(self.names()) or "none"
            raise DiagramInvalid(
                f"元素 {element_id}：未注册的动作 {name!r}（已注册：{known}） / "
                f"element {element_id}: unknown action {name!r} (registered: {known})", element_id)
        unknown = params - set(found.inputs)
        missing = set(found.inputs) - found.optional - params
        if unknown or missing:
            detail = "; ".join(filter(None, [
                f"unknown parameters {sorted(unknown)}" if unknown else "",
                f"missing parameters {sorted(missing)}" if missing else ""]))
            raise DiagramInvalid(
                f"元素 {element_id}：动作 {name} 的参数不匹配（{detail}） / "
                f"element {element_id}: parameters of action {name} do not match ({detail})", element_id)

    def run(self, name: str, ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
        """Call an action with typed inputs; return only its declared outputs."""
        found = self.get(name)
        if found is None:
            raise DiagramInvalid(f"未注册的动作 {name!r} / unknown action {name!r}", ctx.task_id)
        kwargs = {}
        for key, expected in found.inputs.items():
            if key not in params:
                continue
            value = params[key]
            if value is not None and expected is not Any and not _matches(value, expected):
                raise TypeError(f"action {name}: input {key} must be {expected.__name__}, "
                                f"got {type(value).__name__}")
            kwargs[key] = value
        result = found.func(ctx, **kwargs) or {}
        return {key: result[key] for key in found.outputs if key in result}


# What @action declared as modules were imported. The container takes its own copy
# (`DECLARED.copy()`) once its action modules are loaded and passes it to every step.
DECLARED = Actions()


def action(name: str, *, inputs: dict[str, type] | None = None,
           outputs: dict[str, type] | None = None, optional: set[str] | None = None):
    """Declare `func(ctx, **inputs) -> dict` as the service-task operator `name`."""
    def decorate(func: Callable[..., dict[str, Any] | None]):
        DECLARED.add(Action(name, func, dict(inputs or {}), dict(outputs or {}), frozenset(optional or ())))
        return func
    return decorate


def get_action(name: str) -> Action | None:
    return DECLARED.get(name)


def check_parameters(name: str, params: set[str], element_id: str, actions: Actions | None = None) -> None:
    (actions or DECLARED).check_parameters(name, params, element_id)


def run_action(name: str, ctx: ActionContext, params: dict[str, Any], actions: Actions | None = None) -> dict[str, Any]:
    return (actions or DECLARED).run(name, ctx, params)


def _matches(value: Any, expected: type) -> bool:
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)
