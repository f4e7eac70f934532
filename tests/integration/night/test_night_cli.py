"""`casework run FLOW` acts as the system account, like every scheduled command: refused
without one or with a person's account, audited as the account (and the OS user) with one."""
from __future__ import annotations

from sqlalchemy import select

from casework.cli.operator import SYSTEM_ACCOUNT_ENV
from casework.models import AuditEvent, NightRun
from recorder.dev.cameras import make_camera
from tests.integration.night.system import as_system_account
from tests.integration.operators import add_user, sign_in
from workflows import jobs



def night_runs(container) -> int:
    with container.uow() as uow:
        return len(uow.session.scalars(select(NightRun.id)).all())


def test_run_is_refused_without_a_system_account(container, cli, monkeypatch, tmp_path):
    out = cli("run", "notice_batch")
    assert out.exit_code == 1 and "CASEWORK_SYSTEM_ACCOUNT=system.jobs" in out.output
    add_user(container, "boss", ["admin"])
    sign_in(container, monkeypatch, tmp_path, "boss")  # a signed-in person is not the system account
    assert "CASEWORK_SYSTEM_ACCOUNT=system.jobs" in cli("run", "notice_batch").output
    add_user(container, "sched.person", ["scheduler"])  # a person with the scheduler role neither
    monkeypatch.setenv(SYSTEM_ACCOUNT_ENV, "sched.person")
    out = cli("run", "notice_batch")
    assert out.exit_code == 1 and "no such system account: sched.person" in out.output
    monkeypatch.setenv(SYSTEM_ACCOUNT_ENV, "boss")
    assert "no such system account: boss" in cli("run", "audit_verify").output
    assert night_runs(container) == 0


def test_run_acts_as_the_system_account_and_is_audited_as_it(container, cli, monkeypatch):
    as_system_account(container, monkeypatch)
    out = cli("run", "notice_batch", "--date", "2026-03-01")
    assert out.exit_code == 0, out.output
    assert out.output.startswith("notice_batch 2026-03-01: done")
    with container.uow() as uow:
        events = uow.session.execute(select(AuditEvent.action, AuditEvent.actor, AuditEvent.data).where(
            AuditEvent.action.like("night.%"))).all()
    assert [(action, actor) for action, actor, _ in events] == [
        ("night.run_planned", "system.jobs"), ("night.run_done", "system.jobs")]
    assert all(data["os_user"] for _, _, data in events)


def test_a_failed_batch_is_one_line_naming_the_resume_command(container, cli, monkeypatch):
    as_system_account(container, monkeypatch)
    with container.uow() as uow:
        for name in ("gate", "till"):
            make_camera(uow.session, name, jurisdiction_code="taiyuan")
        uow.commit()
    real = jobs.recorder_night.health_batch

    def second_fails(app, ids, day, *, actor):
        if ids == [2]:
            raise OSError("录像目录不可读 / footage root unreadable")
        return real(app, ids, day, actor=actor)

    monkeypatch.setattr(jobs.recorder_night, "health_batch", second_fails)
    out = cli("run", "recorder_health", "--date", "2026-03-01", "--batch-size", "1")
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert ("recorder_health 2026-03-01 失败 / failed (1/2 batches done): OSError: 录像目录不可读 / footage "
            "root unreadable" in out.output)
    assert "casework run recorder_health --run-key 2026-03-01" in out.output
    monkeypatch.setattr(jobs.recorder_night, "health_batch", real)  # the cause fixed
    out = cli("run", "recorder_health", "--run-key", "2026-03-01", "--batch-size", "1")
    assert out.exit_code == 0 and "recorder_health 2026-03-01: done (2/2 batches)" in out.output
