"""Keep the task tree shallow: cut finished history above the live part of every chain.

SpiffWorkflow never drops completed tasks, so a loop grows the tree by a few tasks per
round; its task iterator stops at depth 1000 (a loop stalled after 333 rounds) and the
serialized state grows without bound. After each step we re-root every long chain of
finished tasks: a task that is an ancestor of all live (unfinished) tasks below it is
hung directly under the root, and the finished tasks above it are deleted. Splits whose
branches are still open are never crossed, so joins still find what they wait for.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from SpiffWorkflow.util.task import TaskState

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.task import Task

MIN_TASKS = 24  # below this many tasks a tree is left alone
KEEP = 2  # finished tasks kept above the live frontier of a chain


def compact(workflow: BpmnWorkflow) -> int:
    """Prune the top workflow and every subprocess; returns how many tasks were dropped."""
    removed = 0
    for wf in [workflow, *list(workflow.subprocesses.values())]:
        if len(wf.tasks) >= MIN_TASKS:
            removed += _compact_tree(workflow, wf)
    return removed


def maybe_compact(workflow: BpmnWorkflow) -> None:
    """Called after each engine task: keeps automatic loops under the iterator's depth limit."""
    if len(workflow.tasks) >= MIN_TASKS or workflow.subprocesses:
        compact(workflow)


def _live_ids(wf) -> set:
    live: set = set()
    for task in wf.tasks.values():
        if task.has_state(TaskState.FINISHED_MASK):
            continue
        current = task
        while current is not None and current.id not in live:
            live.add(current.id)
            current = current.parent
    return live


def _chain(start: Task, live: set) -> list[Task]:
    """Finished tasks from `start` down while each has exactly one live child."""
    chain = []
    node = start
    while node.has_state(TaskState.COMPLETED):
        live_children = [c for c in node.children if c.id in live]
        if len(live_children) != 1:
            break
        chain.append(node)
        node = live_children[0]
    return chain


def _compact_tree(top: BpmnWorkflow, wf) -> int:
    live = _live_ids(wf)
    if not live:
        return 0
    root = wf.task_tree
    removed = 0
    for child in [c for c in root.children if c.id in live]:
        chain = _chain(child, live)
        if len(chain) <= KEEP + 1:
            continue
        keep_from = chain[-KEEP]
        root._children = [keep_from.id if cid == child.id else cid for cid in root._children]
        keep_from._parent = root.id
        removed += _drop(top, wf, chain[0], keep_from)
    if wf.last_task is not None and wf.last_task.id not in wf.tasks:
        wf.last_task = None
    return removed


def _drop(top: BpmnWorkflow, wf, task: Task, stop: Task) -> int:
    """Delete `task` and its descendants down to (not including) `stop`."""
    count = 0
    stack = [task]
    while stack:
        current = stack.pop()
        if current is stop or current.id not in wf.tasks:
            continue
        stack.extend(c for c in current.children if c is not None and c is not stop)
        if current.id in top.subprocesses:
            top.delete_subprocess(current)
        top.event_manager.remove_task(current)
        del wf.tasks[current.id]
        count += 1
    return count
