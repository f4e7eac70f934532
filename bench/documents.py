"""Document rendering throughput: `python -m bench.documents [--quick]`.

Renders the sample context of every kind in turn, first in this process (the
baseline), then through a warm process pool, and prints docs per second for both,
the pool/single ratio and the median PDF size. A failed render fails the bench: it
is not counted as a document.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from casework.documents import KINDS, Failed, RenderJob, make_pool, render_batch
from casework.documents.render import warm_up
from casework.documents.samples import full_context


def jobs(count: int) -> list[RenderJob]:
    kinds = sorted(KINDS)
    return [RenderJob(kinds[i % len(kinds)], full_context(kinds[i % len(kinds)]))
            for i in range(count)]


def rendered(results: list, label: str) -> list[bytes]:
    """The PDFs of a batch; exits with one line naming the first failure if any render failed."""
    failed = [r for r in results if isinstance(r, Failed)]
    if failed:
        sys.exit(f"bench.documents: {len(failed)} of {len(results)} renders failed ({label}): "
                 f"{failed[0].error}")
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small run (< 30 s)")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    n = 24 if args.quick else 120
    work = jobs(n)

    warm_up()
    start = time.perf_counter()
    pdfs = rendered(render_batch(work, processes=1), "single")
    single = n / (time.perf_counter() - start)

    started = time.perf_counter()
    with make_pool(args.processes) as pool:
        rendered(render_batch(work[: args.processes], executor=pool), "warm-up")  # every worker warm
        startup = time.perf_counter() - started
        start = time.perf_counter()
        results = render_batch(work, executor=pool)
        pooled = n / (time.perf_counter() - start)
        rendered(results, "pool")

    print(f"docs: {n} count")
    print(f"processes: {args.processes} count")
    print(f"docs_per_s_single: {single:.2f} docs/s")
    print(f"docs_per_s_pool: {pooled:.2f} docs/s")
    print(f"docs_per_s_pool_per_core: {pooled / args.processes:.2f} docs/s")
    print(f"pool_vs_single: {pooled / single:.2f} ratio")
    print(f"pool_startup_s: {startup:.2f} s")
    print(f"pdf_kb_median: {statistics.median(len(p) for p in pdfs) / 1024:.0f} KB")
    print(f"pdf_kb_max: {max(len(p) for p in pdfs) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
