"""Our SpiffWorkflow spec classes: timers on the travelable clock, service tasks as actions."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.util import PendingBpmnEvent
from SpiffWorkflow.spiff.specs.defaults import ServiceTask

from casework import clock
from casework.engine.errors import ExpressionFailed
from casework.engine.model.limits import check_instant, parse_cycle_text, parse_duration

if TYPE_CHECKING:
    from SpiffWorkflow.task import Task

# Anything shaped like an ISO duration, cycle or date is read as a literal (and must parse).
ISO_LITERAL = re.compile(r"^(R\d*/)?(P\d|PT\d|\d{4}-\d{2}-\d{2})")


def is_iso_literal(text: str) -> bool:
    """A bare ISO 8601 date, duration or cycle (timer texts may be literals, not expressions)."""
    return bool(ISO_LITERAL.match((text or "").strip()))


def parse_instant(text: Any) -> datetime:
    """An ISO instant as aware UTC; naive values are taken as UTC."""
    if isinstance(text, datetime):
        return clock.as_utc(check_instant(text))
    value = str(text).strip()[:80]
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        if "W" in value.upper():
            try:
                return TimerEventDefinition.parse_iso_week(value)
            except Exception:  # the library raises bare Exception/ValueError
                pass
        raise ExpressionFailed(f"无法识别的时间：{text!r} / not an ISO date-time: {text!r}") from None
    try:
        return clock.as_utc(check_instant(parsed))
    except OverflowError:
        raise ExpressionFailed(f"时间超出范围：{text!r} / date-time out of range: {text!r}") from None


def timer_text(task: Task, expression: str) -> str:
    """The timer's ISO text: a literal as written, otherwise a safe expression's value."""
    if is_iso_literal(expression):
        return expression.strip()
    value = task.workflow.script_engine.evaluate(task, expression)
    if isinstance(value, datetime):
        return clock.as_utc(value).isoformat()
    if not isinstance(value, str):
        raise ExpressionFailed(
            f"定时器表达式 {expression!r} 须得到 ISO 字符串 / timer expression {expression!r} "
            f"must give an ISO string, got {type(value).__name__}")
    return value


def _named(my_task: Task, exc: ExpressionFailed) -> ExpressionFailed:
    element = getattr(my_task.task_spec, "bpmn_id", None) or my_task.task_spec.name
    if f"element {element}" in str(exc):
        return exc
    return ExpressionFailed(f"元素 {element}（定时器）：{exc} / at element {element} (timer)")


class ClockTimeDate(TimeDateEventDefinition):
    """A timeDate timer compared with casework.clock, not the machine's clock."""

    def has_fired(self, my_task):
        value = my_task._get_internal_data("event_value")
        if value is None:
            try:
                value = parse_instant(timer_text(my_task, self.expression)).isoformat()
            except ExpressionFailed as exc:
                raise _named(my_task, exc) from None
            my_task._set_internal_data(event_value=value)
        if parse_instant(value) <= clock.now():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockDuration(DurationTimerEventDefinition):
    """A timeDuration timer started and compared on casework.clock."""

    def has_fired(self, my_task):
        value = my_task._get_internal_data("event_value")
        if value is None:
            now = clock.now()
            try:
                parsed = parse_duration(timer_text(my_task, self.expression))
                value = (now + TimerEventDefinition.get_timedelta_from_start(parsed, now)).isoformat()
            except ExpressionFailed as exc:
                raise _named(my_task, exc) from None
            except OverflowError:
                raise _named(my_task, ExpressionFailed("时间超出范围 / date-time out of range")) from None
            my_task._set_internal_data(event_value=value)
        if parse_instant(value) <= clock.now():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockCycle(CycleTimerEventDefinition):
    """A timeCycle timer (R<n>/<start>/<duration> or R<n>/<duration>) on casework.clock."""

    def cycle_complete(self, my_task):
        value = my_task._get_internal_data("event_value")
        now = clock.now()
        if value is None:
            try:
                value = _parse_cycle(timer_text(my_task, self.expression), now)
            except ExpressionFailed as exc:
                raise _named(my_task, exc) from None
            except OverflowError:
                raise _named(my_task, ExpressionFailed("时间超出范围 / date-time out of range")) from None
        ready = False
        if value["cycles"] != 0:
            next_event = parse_instant(value["next"])
            if next_event <= now:
                value["next"] = (next_event + timedelta(seconds=value["duration"])).isoformat()
                value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=value)
        return ready

    def details(self, my_task):
        value = my_task._get_internal_data("event_value")
        if value is not None and value["cycles"] != 0:
            value = value["next"]
        return PendingBpmnEvent(self.name, CycleTimerEventDefinition.__name__, value)


def _parse_cycle(text: str, now: datetime) -> dict[str, Any]:
    cycles, start_text, parsed = parse_cycle_text(text)
    if start_text is None:
        duration = TimerEventDefinition.get_timedelta_from_start(parsed, now)
        start = now + duration
    else:
        start = parse_instant(start_text)
        duration = TimerEventDefinition.get_timedelta_from_start(parsed, start)
    return {"cycles": cycles, "next": start.isoformat(), "duration": duration.total_seconds()}


def is_default_result_variable(spec: ServiceTask) -> bool:
    return spec.result_variable == f'spiff__{spec.name.replace("-", "_")}_result'


class ActionServiceTask(ServiceTask):
    """A service task whose operator is a registered action; its outputs merge into the data."""

    def _execute(self, task):
        params = {name: task.workflow.script_engine.evaluate(task, param["value"])
                  for name, param in self.operation_params.items()}
        outputs = task.workflow.script_engine.run_action(task, self.operation_name, params)
        task.data.update(outputs)
        if not is_default_result_variable(self):
            task.data[self.result_variable] = dict(outputs)
        return True


TIMER_CLASSES = {
    TimeDateEventDefinition: ClockTimeDate,
    DurationTimerEventDefinition: ClockDuration,
    CycleTimerEventDefinition: ClockCycle,
}
