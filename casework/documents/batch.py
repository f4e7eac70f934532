"""Render many documents in a process pool (the nightly notice batch), with progress.

Only rendering leaves the parent: numbers are taken, files stored and rows inserted
in the parent's transaction. A request that is invalid or does not render is reported
and the rest are issued, still numbered without gaps.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import BrokenExecutor, Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, Iterable

import casework.documents.render as render_module
from casework.documents.service import IssueRequest, Prepared, prepare, store
from casework.errors import CaseworkError
from casework.models.documents import DocumentSequence

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.storage.files import FileStore
    from casework.models.documents import Document

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class RenderJob:
    kind: str
    context: dict[str, Any]
    lang: str = "zh"


@dataclass(frozen=True)
class Failed:
    """A job or request that could not be done; the others go on."""

    index: int
    error: str


@dataclass
class BatchResult:
    """Issued documents (request order) and the requests that failed, with the reason."""

    documents: list[Document] = field(default_factory=list)
    failures: list[Failed] = field(default_factory=list)


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


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def render_batch(jobs: Iterable[RenderJob | tuple], processes: int | None = None,
                 progress: Progress | None = None, *,
                 executor: Executor | None = None) -> list[bytes | Failed]:
    """Render every job; results in job order, a `Failed` where a job could not render.

    One bad job never costs the others: its exception is kept as `Failed`, and a job
    lost with a crashed worker (BrokenProcessPool) is rendered again in this process.
    processes=1 renders everything in this process.
    """
    todo = [j if isinstance(j, RenderJob) else RenderJob(*j) for j in jobs]
    total = len(todo)
    results: list[bytes | Failed | None] = [None] * total
    done = 0

    def finish(i: int, value: bytes | Failed) -> None:
        nonlocal done
        results[i] = value
        done += 1
        if progress:
            progress(done, total)

    def in_process(i: int) -> None:
        try:
            finish(i, _render_job(todo[i]))
        except Exception as exc:  # one document's failure is reported, not raised
            finish(i, Failed(i, _describe(exc)))

    if executor is None and (processes == 1 or total <= 1):
        for i in range(total):
            in_process(i)
        return results  # type: ignore[return-value]
    own = executor is None
    pool = executor or make_pool(processes)
    lost: list[int] = []
    try:
        futures = {pool.submit(_render_job, job): i for i, job in enumerate(todo)}
        for future in as_completed(futures):
            i = futures[future]
            try:
                finish(i, future.result())
            except BrokenExecutor:
                lost.append(i)  # the worker died (killed, out of memory): try again here
            except Exception as exc:
                finish(i, Failed(i, _describe(exc)))
    finally:
        if own:
            pool.shutdown(cancel_futures=True)
    for i in sorted(lost):
        in_process(i)
    return results  # type: ignore[return-value]


def issue_batch(session: Session, files: FileStore, requests: list[IssueRequest], *, actor: str,
                processes: int | None = None, progress: Progress | None = None,
                executor: Executor | None = None) -> BatchResult:
    """Issue many documents: numbers and storage here, rendering in the pool.

    A request that is invalid or fails to render is reported in `failures` and takes
    no number: the numbers of the others are closed up (they are only numbers until
    stored, and the counter rows stay locked by this transaction), so the sequence
    stays gapless. The caller commits what was issued.
    """
    result = BatchResult()
    prepared: list[tuple[int, Prepared]] = []
    for i, request in enumerate(requests):
        try:
            prepared.append((i, prepare(session, request)))
        except CaseworkError as exc:
            result.failures.append(Failed(i, str(exc)))
    pdfs = render_batch([RenderJob(p.request.kind, p.context, p.request.lang)
                         for _, p in prepared], processes, progress, executor=executor)
    rendered = list(zip(prepared, pdfs))
    while any(isinstance(data, Failed) for _, data in rendered):
        ok = []
        for (i, p), data in rendered:
            if isinstance(data, Failed):
                result.failures.append(Failed(i, data.error))
            else:
                ok.append(((i, p), data))
        rendered = _close_up(session, ok, [p for (_, p), _ in rendered], processes, executor)
    for (_, p), data in rendered:
        result.documents.append(store(session, files, p, data, actor))  # type: ignore[arg-type]
    result.failures.sort(key=lambda f: f.index)
    return result


def _close_up(session: Session, ok: list, allocated: list[Prepared], processes: int | None,
              executor: Executor | None) -> list:
    """Renumber the rendered documents without the failed ones; re-render those moved."""
    first: dict[tuple, int] = {}
    for p in allocated:
        key = (p.request.jurisdiction_id, p.request.kind, p.year)
        first[key] = min(first.get(key, p.seq), p.seq)
    counters = dict(first)
    moved, out = [], []
    for (i, p), data in sorted(ok, key=lambda item: item[0][1].seq):
        key = (p.request.jurisdiction_id, p.request.kind, p.year)
        seq = counters[key]
        counters[key] = seq + 1
        if seq != p.seq:
            number = renumber(p.number, p.seq, seq)
            p = replace(p, seq=seq, number=number, context={**p.context, "number": number})
            moved.append(len(out))
        out.append(((i, p), data))
    for (jurisdiction_id, kind, year), next_seq in counters.items():
        row = session.get(DocumentSequence, (jurisdiction_id, kind, year))
        row.last_seq = next_seq - 1
    session.flush()
    again = render_batch([RenderJob(out[k][0][1].request.kind, out[k][0][1].context,
                                    out[k][0][1].request.lang) for k in moved],
                         processes, executor=executor)
    for k, data in zip(moved, again):
        out[k] = (out[k][0], data if not isinstance(data, Failed) else Failed(k, data.error))
    out.sort(key=lambda item: item[0][0])
    return out


def renumber(number: str, old: int, new: int) -> str:
    """The same number with another sequence: …第0007号 -> …第0006号."""
    old_tail, new_tail = f"第{old:04d}号", f"第{new:04d}号"
    if not number.endswith(old_tail):
        raise ValueError(f"unexpected document number {number!r}")
    return number[: -len(old_tail)] + new_tail


def print_progress(done: int, total: int) -> None:
    """A progress callback for the CLI and flows: one line every 10% and at the end."""
    step = max(1, total // 10)
    if done == total or done % step == 0:
        print(f"documents rendered: {done}/{total}", flush=True)
