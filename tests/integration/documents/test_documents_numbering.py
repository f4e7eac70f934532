"""Numbers stay unique and gapless when several processes (not threads) issue at once."""
from __future__ import annotations

import multiprocessing
from datetime import datetime

from sqlalchemy import select

from casework.clock import SHANGHAI
from casework.models import Document, DocumentSequence


PER_PROCESS = 3


def _issuer(database_url: str, data_dir: str, jurisdiction_id: int, unit_id: int,
            worker: int, start, results) -> None:
    """A separate OS process with its own engine: issue, rolling back every other one."""
    from casework import clock
    from casework.bootstrap import bootstrap
    from casework.documents import issue
    from casework.documents.samples import kind_context

    clock.install(clock.TravelClock(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)))  # this process's clock
    app = bootstrap(database_url=database_url, data_dir=data_dir)
    start.wait()
    for n in range(PER_PROCESS):
        with app.uow() as uow:
            doc = issue(uow.session, app.files, kind="rectification_order",
                        jurisdiction_id=jurisdiction_id, unit_id=unit_id,
                        case_ref=f"case:{worker}:{n}",
                        context=kind_context("rectification_order"), actor=f"officer:{worker}")
            if (worker + n) % 2 == 0:
                uow.commit()
                results.put(doc.seq)
            # else: rolled back when the unit of work closes; the number must come back
    app.dispose()


def test_processes_issuing_at_once_get_unique_gapless_numbers(container, ids, tmp_path):
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_issuer, args=(
        str(container.engine.url.render_as_string(hide_password=False)),
        str(tmp_path / "data"), ids[0], ids[1], w, start, results)) for w in range(3)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(timeout=180)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    committed = sorted(results.get(timeout=5) for _ in range(5))
    with container.uow() as uow:
        seqs = sorted(uow.session.execute(select(Document.seq)).scalars())
        numbers = uow.session.execute(select(Document.number)).scalars().all()
        last = uow.session.execute(select(DocumentSequence.last_seq)).scalar_one()
    assert seqs == committed == list(range(1, len(seqs) + 1))
    assert len(seqs) == 5  # workers 0 and 2 commit n=0,2; worker 1 commits n=1
    assert len(set(numbers)) == len(numbers) and last == len(seqs)
