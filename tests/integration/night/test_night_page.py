"""The scheduler page's data: every deployment, its schedule and its last runs with links."""
from __future__ import annotations

from workflows import jobs
import pytest

from casework.errors import InvalidInput, PermissionDenied
from casework.services.actor import Actor
from casework.services.night.page import scheduler_page
from casework.services.night.prefect_api import PrefectUnavailable, request_run


def test_page_lists_every_deployment_with_its_last_runs(container, clock):
    first = jobs.notice_batch(container, jobs.Options(prefect_run_id="0b5c2e9e-0000-4000-8000-000000000001"))
    clock.advance(days=1)
    jobs.notice_batch(container)
    page = scheduler_page(container.uow(), prefect_ui="http://127.0.0.1:4200")
    by_flow = {d["flow"]: d for d in page["deployments"]}
    assert sorted(by_flow) == sorted(jobs.JOBS)
    assert by_flow["deadline_sweep"]["cron"] == "*/15 * * * *"
    assert by_flow["deadline_sweep"]["timezone"] == "Asia/Shanghai" and by_flow["deadline_sweep"]["runs"] == []
    notices = by_flow["notice_batch"]
    assert [r["run_key"] for r in notices["runs"]] == ["2026-03-03", "2026-03-02"]
    assert notices["last_state"] == "done" and notices["runs"][1]["duration_s"] is not None
    assert notices["runs"][1]["prefect_link"] == f"http://127.0.0.1:4200/runs/flow-run/{first.prefect_run_id}"
    assert notices["runs"][0]["prefect_link"] is None


def test_run_now_needs_the_scheduler_role_and_a_known_flow(container):
    with pytest.raises(PermissionDenied):
        request_run(container.uow(), actor=Actor("clerk1", frozenset({"clerk"})),
                    api_url="http://127.0.0.1:9/api", flow="deadline_sweep")
    scheduler = Actor("night", frozenset({"scheduler"}))
    with pytest.raises(InvalidInput):
        request_run(container.uow(), actor=scheduler, api_url="http://127.0.0.1:9/api", flow="nope")
    with pytest.raises(PrefectUnavailable):  # nothing listens on port 9: a clear 503, not a traceback
        request_run(container.uow(), actor=scheduler, api_url="http://127.0.0.1:9/api", flow="deadline_sweep")
