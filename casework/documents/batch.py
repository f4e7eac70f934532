"""Render many documents in a process pool (the nightly notice batch), with progress.

Only rendering leaves the parent: numbers are taken, files stored and rows inserted
in the parent's transaction, so a failed batch rolls back as a whole.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable

from casework.documents import render as render_module
from casework.documents.service import IssueRequest, prepare, store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.files import FileStore
    from casework.models.documents import Document

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class RenderJob:
    kind: str
    context: dict[str, Any]
    lang: str = "zh"


def _init_worker() -> None:
    """Pool initializer: import WeasyPrint and load the CJK fonts before the first job."""
    render_module.warm_up()


def _render_job(job: RenderJob) -> bytes:
    return render_module.render(job.kind, job.context, job.lang)


def make_pool(processes: int | None = None) -> ProcessPoolExecutor:
    """A warm-started pool; forkserver (or spawn) so workers never inherit DB connections."""
    methods = multiprocessing.get_all_start_methods()
    method = "forkserver" if "forkserver" in methods else "spawn"
    return ProcessPoolExecutor(max_workers=processes or os.cpu_count() or 1,
                               mp_context=multiprocessing.get_context(method),
                               initializer=_init_worker)


def render_batch(jobs: Iterable[RenderJob | tuple], processes: int | None = None,
                 progress: Progress | None = None, *,
                 executor: Executor | None = None) -> list[bytes]:
    """Render every job; results in job order. processes=1 renders in this process."""
    todo = [j if isinstance(j, RenderJob) else RenderJob(*j) for j in jobs]
    total = len(todo)
    results: list[bytes | None] = [None] * total
    if executor is None and (processes == 1 or total <= 1):
        for i, job in enumerate(todo):
            results[i] = _render_job(job)
            if progress:
                progress(i + 1, total)
        return results  # type: ignore[return-value]
    own = executor is None
    pool = executor or make_pool(processes)
    try:
        futures = {pool.submit(_render_job, job): i for i, job in enumerate(todo)}
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if progress:
                progress(done, total)
    finally:
        if own:
            pool.shutdown(cancel_futures=True)
    return results  # type: ignore[return-value]


def issue_batch(session: Session, files: FileStore, requests: list[IssueRequest], *, actor: str,
                processes: int | None = None, progress: Progress | None = None,
                executor: Executor | None = None) -> list[Document]:
    """Issue many documents: numbers and storage here, rendering in the pool."""
    prepared = [prepare(session, r) for r in requests]
    jobs = [RenderJob(p.request.kind, p.context, p.request.lang) for p in prepared]
    pdfs = render_batch(jobs, processes, progress, executor=executor)
    return [store(session, files, p, data, actor) for p, data in zip(prepared, pdfs)]


def print_progress(done: int, total: int) -> None:
    """A progress callback for the CLI and flows: one line every 10% and at the end."""
    step = max(1, total // 10)
    if done == total or done % step == 0:
        print(f"documents rendered: {done}/{total}", flush=True)
