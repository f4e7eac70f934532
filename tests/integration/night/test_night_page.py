"""The scheduler page: every deployment, its schedule, its last runs with their progress and
links, failed runs with their error and a re-run for the scheduler role."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from casework.errors import Conflict, InvalidInput, PermissionDenied
from casework.models import AuditEvent
from casework.services.actor import Actor
from casework.services.night import runs
from casework.services.night.page import scheduler_page
from casework.services.night.prefect_api import PrefectUnavailable, now_parameters, request_rerun, request_run
from tests.integration.night.system import SYSTEM, opts
from tests.integration.operators import PASSWORD, add_user
from web.app import create_app
from workflows import jobs

SCHEDULER = Actor("night", frozenset({"scheduler"}))
DEAD_API = "http://127.0.0.1:9/api"  # nothing listens on port 9


def test_page_lists_every_deployment_with_its_last_runs(container, clock):
    first = jobs.notice_batch(container, opts(prefect_run_id="0b5c2e9e-0000-4000-8000-000000000001"))
    clock.advance(days=1)
    jobs.notice_batch(container, opts())
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


def test_run_now_sweeps_on_its_own_key_and_a_nightly_flow_runs_its_day(clock):
    assert now_parameters("deadline_sweep") == {"run_key": "manual-2026-03-02T09:00:00"}  # the slot's may be done
    assert now_parameters("notice_batch") == {}


def failed_night(container, day: str = "2026-03-01") -> int:
    """A notice batch of two batches whose second failed (a document store gone, say)."""
    run = runs.open_run(container.uow(), "notice_batch", day, lambda _s: [1, 2], actor=SYSTEM.name,
                        batch_size=1)

    def work(items):
        if items == [2]:
            raise OSError("文书存储不可用 / document store unreachable")
        return {"documents_checked": 1}

    with pytest.raises(OSError):
        runs.work_batches(container.uow(), run.id, work, actor=SYSTEM.name)
    return run.id


def test_a_failed_run_shows_its_error_progress_and_a_rerun(container):
    run_id = failed_night(container)
    page = scheduler_page(container.uow())
    [failed] = page["failed"]
    assert (failed["flow"], failed["id"], failed["rerun"]) == ("notice_batch", run_id, True)
    assert failed["error"] == "OSError: 文书存储不可用 / document store unreachable"
    assert (failed["done"], failed["batches"], failed["counts"]) == (1, 2, {"documents_checked": 1})
    resumed = jobs.notice_batch(container, opts(run_key="2026-03-01"))  # the cause fixed: a rerun resumes
    assert (resumed.id, resumed.state, resumed.done) == (run_id, "done", 2)
    assert scheduler_page(container.uow())["failed"] == []
    with container.uow() as uow:
        actions = uow.session.scalars(select(AuditEvent.action).where(
            AuditEvent.subject == f"night_run:{run_id}").order_by(AuditEvent.seq)).all()
    assert actions == ["night.run_planned", "night.run_failed", "night.run_resumed", "night.run_done"]


def test_rerun_needs_the_scheduler_role_a_failed_run_and_the_prefect_server(container):
    run_id = failed_night(container)
    with pytest.raises(PermissionDenied):
        request_rerun(container.uow(), actor=Actor("clerk1", frozenset({"clerk"})), api_url=DEAD_API, run_id=run_id)
    done = jobs.audit_verify(container, opts())
    with pytest.raises(Conflict, match="only a failed or stalled run can be re-run"):
        request_rerun(container.uow(), actor=SCHEDULER, api_url=DEAD_API, run_id=done.id)
    with pytest.raises(PrefectUnavailable):
        request_rerun(container.uow(), actor=SCHEDULER, api_url=DEAD_API, run_id=run_id)
    with container.uow() as uow:
        assert uow.session.scalar(select(AuditEvent.seq).where(AuditEvent.action.like("scheduler.%"))) is None


def _csrf(page: str) -> str:
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_the_page_shows_a_failure_in_words_of_its_language_and_offers_the_rerun(container, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    add_user(container, "night", ["scheduler"])
    run_id = failed_night(container)
    client = create_app(container, {"TESTING": True}).test_client()
    token = _csrf(client.get("/sign-in").get_data(as_text=True))
    client.post("/sign-in", data={"username": "night", "password": PASSWORD, "csrf_token": token})
    html = client.get("/scheduler").get_data(as_text=True)  # Chinese first
    assert "1 次运行失败或停滞" in html and f'href="#run-{run_id}"' in html
    assert ">失败" in html and "OSError: 文书存储不可用<" in html and "已核验文书 1" in html
    assert "重跑</button>" in html and "failed" not in html and "document store" not in html
    assert '<a href="/scheduler">夜间运行</a>' in html  # the door in the navigation
    assert f'action="/scheduler/runs/{run_id}/rerun"' in html and '<progress value="1" max="2">' in html
    answer = client.post(f"/scheduler/runs/{run_id}/rerun", data={"csrf_token": _csrf(html)})
    assert answer.status_code == 503 and "未配置 PREFECT_API_URL" in answer.get_data(as_text=True)
    html = client.get("/scheduler?lang=en").get_data(as_text=True)
    assert "1 run(s) failed or stalled" in html and ">Failed" in html and "Re-run</button>" in html
    assert "OSError: document store unreachable<" in html and "documents checked 1" in html
    assert "失败" not in html and "重跑" not in html and "文书存储" not in html
    answer = client.post(f"/scheduler/runs/{run_id}/rerun", data={"csrf_token": _csrf(html)})
    assert answer.status_code == 503 and "PREFECT_API_URL is not set" in answer.get_data(as_text=True)


def test_a_run_whose_worker_died_shows_stalled_and_can_be_rerun(container, clock):
    run = runs.open_run(container.uow(), "notice_batch", "2026-03-02", lambda _s: [1, 2, 3], actor=SYSTEM.name,
                        batch_size=1)
    runs.work_batches(container.uow(), run.id, lambda items: {"documents_checked": 1}, actor=SYSTEM.name,
                      max_batches=1)
    runs.claim_batch(container.uow(), run.id, "killed-worker")  # then SIGKILL: no failure recorded

    def state() -> dict:
        [shown] = [d for d in scheduler_page(container.uow())["deployments"] if d["flow"] == "notice_batch"][0]["runs"]
        return shown

    assert (state()["state"], state()["rerun"]) == ("running", False)  # its lease is live
    with pytest.raises(Conflict):
        request_rerun(container.uow(), actor=SCHEDULER, api_url=DEAD_API, run_id=run.id)
    clock.advance(seconds=runs.LEASE_S + 1)
    assert (state()["state"], state()["rerun"]) == ("stalled", True)
    with pytest.raises(PrefectUnavailable):  # allowed now; only the Prefect server is missing
        request_rerun(container.uow(), actor=SCHEDULER, api_url=DEAD_API, run_id=run.id)
    resumed = jobs.notice_batch(container, opts(run_key="2026-03-02"))
    assert (resumed.id, resumed.state, resumed.done) == (run.id, "done", 3)


def _signed_in_client(container, username: str, roles: list[str]):
    add_user(container, username, roles)
    client = create_app(container, {"TESTING": True}).test_client()
    token = _csrf(client.get("/sign-in").get_data(as_text=True))
    client.post("/sign-in", data={"username": username, "password": PASSWORD, "csrf_token": token})
    return client


def test_the_runs_refresh_from_a_fragment_of_the_same_template(container, clock, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    run_id = failed_night(container)
    client = _signed_in_client(container, "night", ["scheduler"])
    page = client.get("/scheduler?lang=en").get_data(as_text=True)
    assert 'id="night-runs" hx-get="/scheduler/runs?since=' in page and 'hx-trigger="every 10s, poll-now"' in page
    assert '<script src="/scheduler/static/poll.js" defer></script>' in page and "<script>" not in page
    fragment = client.get("/scheduler/runs", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and html.lstrip().startswith('<div id="night-runs"')
    assert "<html" not in html and f'<tr id="run-{run_id}">' in html and "Re-run</button>" in html
    row = page.split(f'<tr id="run-{run_id}">', 1)[1].split("</tr>", 1)[0]
    assert row in html  # the same rows as the page, by the same template
    since = int(clock.now().timestamp())
    clock.advance(hours=8, seconds=1)  # left open a session's lifetime: it stops asking
    stale = client.get(f"/scheduler/runs?since={since}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "hx-trigger" not in stale and "stopped refreshing itself after 8 hours" in stale
    assert f'<tr id="run-{run_id}">' in stale


def test_a_poll_after_the_session_ended_takes_the_page_to_sign_in(container):
    client = create_app(container, {"TESTING": True}).test_client()
    polled = client.get("/scheduler/runs", headers={"HX-Request": "true"})
    assert polled.status_code == 204 and polled.headers["HX-Redirect"] == "/sign-in?next=/scheduler"
    assert client.get("/scheduler/runs").status_code == 302  # without htmx: the usual redirect


def test_an_auditor_reads_the_night_runs_but_runs_nothing(container, monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", DEAD_API)
    run_id = failed_night(container)
    client = _signed_in_client(container, "audit1", ["auditor"])
    html = client.get("/scheduler").get_data(as_text=True)
    assert '<a href="/scheduler">夜间运行</a>' in html and f'<tr id="run-{run_id}">' in html
    assert "OSError: 文书存储不可用" in html and "<button" not in html.split('id="night-runs"', 1)[1]
    assert "action=\"/scheduler/" not in html
    token = _csrf(html)
    assert client.post("/scheduler/deadline_sweep/run", data={"csrf_token": token}).status_code == 403
    assert client.post(f"/scheduler/runs/{run_id}/rerun", data={"csrf_token": token}).status_code == 403
    with container.uow() as uow:
        assert uow.session.scalar(select(AuditEvent.seq).where(AuditEvent.action.like("scheduler.%"))) is None
