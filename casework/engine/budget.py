"""The budget of one engine step: wall time, engine tasks, data produced, stored state size.

Checked while the step runs (the evaluator ticks it on every syntax node, the runtime on
every engine task), so a runaway diagram stops within its budget instead of after it; on
SQLite that also bounds how long a step holds the write lock.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from casework.engine.errors import BudgetExceeded


@dataclass(frozen=True)
class Limits:
    """What one step may use. The defaults leave the shipped diagrams two orders of magnitude."""

    seconds: float = 10.0  # wall time of the engine work of one step (SQLite busy_timeout is 30 s)
    tasks: int = 10_000  # engine tasks (scripts, gateways, events, ...) run in one step
    produced: int = 500_000  # characters and elements assigned by scripts in one step
    state_bytes: int = 2_000_000  # the stored instance state after the step
    instances: int = 200  # children one multi-instance task may create


LIMITS = Limits()


class StepBudget:
    """One step's running account; `tick` is cheap enough to call on every evaluated node."""

    __slots__ = ("limits", "deadline", "tasks", "produced", "element", "_ops")

    def __init__(self, limits: Limits = LIMITS) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.tasks = 0
        self.produced = 0
        self.element: str | None = None  # the element running now, for the message
        self._ops = 0

    def exceeded(self, what_zh: str, what_en: str, limit: str) -> BudgetExceeded:
        where = self.element or "?"
        return BudgetExceeded(f"元素 {where}：超出单步预算（{what_zh}），本步未保存 / element {where}: "
                              f"over the step budget ({what_en}); nothing of the step was kept", where, limit)

    def tick(self) -> None:
        self._ops += 1
        if not self._ops & 63 and time.monotonic() > self.deadline:
            raise self.exceeded(f"耗时超过 {self.limits.seconds:g} 秒", f"more than {self.limits.seconds:g} s", "seconds")

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Time spent inside (a registered action: trusted code) is not charged to the step."""
        began = time.monotonic()
        try:
            yield
        finally:
            self.deadline += time.monotonic() - began

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise self.exceeded(f"耗时超过 {self.limits.seconds:g} 秒", f"more than {self.limits.seconds:g} s", "seconds")

    def task(self, element: str) -> None:
        """Count one engine task about to run (and name it for any later refusal)."""
        self.element = element
        self.tasks += 1
        if self.tasks > self.limits.tasks:
            raise self.exceeded(f"执行超过 {self.limits.tasks} 个引擎任务，可能是死循环",
                                f"more than {self.limits.tasks} engine tasks, likely an endless loop", "tasks")
        self.check_time()

    def produce(self, weight: int) -> None:
        self.produced += weight
        if self.produced > self.limits.produced:
            raise self.exceeded(f"脚本产生的数据超过 {self.limits.produced} 个字符或元素",
                                f"scripts produced more than {self.limits.produced} characters and elements",
                                "produced")

    def instances(self, count: object) -> None:
        if not isinstance(count, int) or isinstance(count, bool) or count > self.limits.instances:
            raise self.exceeded(f"多实例数 {count!r} 超过 {self.limits.instances}",
                                f"multi-instance count {count!r} over {self.limits.instances}", "instances")

    def state(self, size: int) -> None:
        if size > self.limits.state_bytes:
            raise self.exceeded(f"实例状态 {size} 字节，超过 {self.limits.state_bytes}",
                                f"instance state of {size} bytes, over {self.limits.state_bytes}", "state_bytes")
