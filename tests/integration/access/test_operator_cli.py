"""Who the operator is: `casework login`, sessions, system accounts, role and scope checks."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from casework.models import AuditEvent, User
from casework import engine
from tests.integration.lifecycle.lifecycle_driver import Driver
from tests.integration.operators import PASSWORD, add_user, sign_in



@pytest.fixture
def driver(container, clock):
    return Driver(container, clock)


def test_without_signing_in_nothing_runs(cli):
    for args in (("case", "list"), ("task", "list"), ("recorder", "hold", "list"),
                 ("recorder", "sweep"), ("sweep", "deadlines"), ("whoami",)):
        out = cli(*args)
        assert out.exit_code == 1 and "not signed in" in out.output, args
    assert cli("case", "list", "--as", "admin").exit_code == 2  # --as is gone


def test_login_checks_the_password_keeps_a_private_session_and_audits(container, cli, tmp_path):
    add_user(container, "clerk1", ["clerk"], jurisdiction=None)
    out = cli("login", "clerk1", "--password-stdin", input="wrong password\n")
    assert out.exit_code == 1 and "wrong username or password" in out.output
    out = cli("login", "clerk1", "--password-stdin", input=PASSWORD + "\n")
    assert out.exit_code == 0, out.output
    session = tmp_path / "home" / "session"
    assert oct(session.stat().st_mode & 0o777) == "0o600"
    assert cli("whoami").output.startswith("clerk1\tclerk")
    with container.uow() as uow:
        actions = uow.session.execute(select(AuditEvent.action).where(
            AuditEvent.subject == "user:clerk1").order_by(AuditEvent.seq)).scalars().all()
    assert actions == ["cli.login_failed", "cli.login"]
    os.chmod(session, 0o644)
    assert "readable by it only" in cli("whoami").output
    os.chmod(session, 0o600)
    token = session.read_text().strip()
    session.write_text(token[:-1] + ("0" if token[-1] != "0" else "1") + "\n")  # a forged signature
    assert "not valid" in cli("whoami").output
    assert cli("logout").exit_code == 0 and not session.exists()


def test_repeated_failures_lock_the_account(container, cli):
    add_user(container, "clerk1", ["clerk"])
    for _ in range(5):
        cli("login", "clerk1", "--password-stdin", input="nope nope\n")
    out = cli("login", "clerk1", "--password-stdin", input=PASSWORD + "\n")
    assert out.exit_code == 1 and "too many failed sign-ins" in out.output


def test_a_session_expires_and_dies_with_the_password_or_the_account(container, cli, clock,
                                                                       monkeypatch, tmp_path):
    add_user(container, "clerk1", ["clerk"])
    sign_in(container, monkeypatch, tmp_path, "clerk1")
    assert cli("whoami").exit_code == 0
    clock.advance(hours=8)
    assert "expired" in cli("whoami").output
    sign_in(container, monkeypatch, tmp_path, "clerk1")
    with container.uow() as uow:
        uow.session.execute(select(User).where(User.username == "clerk1")).scalar_one() \
            .password_hash = "changed"
        uow.commit()
    assert "no longer valid" in cli("whoami").output


def test_accounts_that_would_see_everything_by_accident_are_refused(container, cli, monkeypatch,
                                                                     tmp_path):
    add_user(container, "nobody", [])
    add_user(container, "orphan", ["unit"])  # a unit user whose unit is missing
    for name in ("nobody", "orphan"):
        sign_in(container, monkeypatch, tmp_path, name)
        out = cli("case", "list")
        assert out.exit_code == 1 and "no role or no unit" in out.output


def test_staff_see_only_their_jurisdiction_and_unclaim_reveals_nobody(container, cli, driver,
                                                                       monkeypatch, tmp_path):
    mine, theirs = driver.register("taiyuan"), driver.register("changzhou")
    add_user(container, "clerk.ty", ["clerk", "inspector", "bureau_head"], jurisdiction="taiyuan")
    sign_in(container, monkeypatch, tmp_path, "clerk.ty")
    listed = cli("case", "list").output
    assert mine["case_ref"] in listed and theirs["case_ref"] not in listed
    item = driver.task(theirs["case_ref"])
    with container.uow() as uow:  # the Changzhou unit's own user claims its task
        engine.claim(uow.session, item.id, user="unit.cz", roles={item.role},
                     unit_id=item.unit_id)
        uow.commit()
    out = cli("task", "unclaim", str(item.id))
    assert out.exit_code == 1 and "unit.cz" not in out.output and "no such work item" in out.output


def test_a_system_account_acts_for_jobs_and_every_act_names_the_os_user(container, cli, monkeypatch):
    add_user(container, "system.jobs", ["scheduler"], system=True)
    add_user(container, "sched.person", ["scheduler"])  # a person, with a password
    monkeypatch.setenv("CASEWORK_SYSTEM_ACCOUNT", "sched.person")
    assert "no such system account" in cli("sweep", "deadlines").output
    monkeypatch.setenv("CASEWORK_SYSTEM_ACCOUNT", "system.jobs")
    assert cli("sweep", "deadlines").exit_code == 0
    out = cli("user", "add", "x", "--role", "clerk", "--password-stdin", input="long password\n")
    assert out.exit_code == 1 and "requires role admin" in out.output
    key_file = container.settings.data_dir / "secrets" / "chain.key"
    os.chown(key_file, 12345, -1)  # the service account is someone else
    try:
        out = cli("sweep", "deadlines")
        assert out.exit_code == 1 and "only the OS user that owns" in out.output
    finally:
        os.chown(key_file, os.getuid(), -1)


def test_system_account_acts_are_audited_with_the_os_user(container, cli, monkeypatch):
    add_user(container, "system.jobs", ["scheduler"], system=True)
    add_user(container, "boss", ["admin"])
    monkeypatch.setenv("CASEWORK_SYSTEM_ACCOUNT", "boss")
    assert "no such system account" in cli("whoami").output
    with container.uow() as uow:  # an admin may grant a system account more, not the CLI
        uow.session.execute(select(User).where(User.username == "system.jobs")).scalar_one() \
            .roles = ["scheduler", "admin"]
        uow.commit()
    monkeypatch.setenv("CASEWORK_SYSTEM_ACCOUNT", "system.jobs")
    out = cli("user", "add", "clerk9", "--role", "clerk", "--password-stdin",
              input="long password\n")
    assert out.exit_code == 0, out.output
    with container.uow() as uow:
        event = uow.session.execute(select(AuditEvent).where(
            AuditEvent.action == "user.added")).scalar_one()
    assert event.actor == "system.jobs" and event.data["os_user"]


def test_recorder_holds_need_an_officer_in_scope_and_a_head_to_release(container, cli, clock,
                                                                        monkeypatch, tmp_path):
    from recorder.dev.cameras import make_camera

    with container.uow() as uow:
        cam = make_camera(uow.session, "scope", jurisdiction_code="taiyuan")
        make_camera(uow.session, "elsewhere", jurisdiction_code="changzhou")
        uow.commit()
    add_user(container, "insp.ty", ["inspector"], jurisdiction="taiyuan")
    add_user(container, "insp.cz", ["inspector"], jurisdiction="changzhou")
    add_user(container, "head.ty", ["bureau_head"], jurisdiction="taiyuan")
    hold = ("recorder", "hold", "place", "--camera", str(cam), "--from", "2026-03-01T09:00",
            "--to", "2026-03-01T10:00", "--reason", "取证", "--case", "C-1")
    sign_in(container, monkeypatch, tmp_path, "insp.cz")
    out = cli(*hold)
    assert out.exit_code == 1 and f"no camera {cam}" in out.output
    assert cli("recorder", "hold", "place", "--by", "head.ty").exit_code == 2  # --by is gone
    sign_in(container, monkeypatch, tmp_path, "insp.ty")
    assert "hold 1 placed" in cli(*hold).output
    out = cli("recorder", "hold", "release", "1", "--reason", "结案")
    assert out.exit_code == 1 and "requires role" in out.output
    sign_in(container, monkeypatch, tmp_path, "head.ty")
    assert "hold 1 released" in cli("recorder", "hold", "release", "1", "--reason", "结案").output
    out = cli("recorder", "export", "--camera", str(cam), "--request", "FAKE-1",
              "--requested-by", "mallory", "--approved-by", "head")
    assert out.exit_code == 2  # no free-text export: only an approved access request exports


def test_daily_export_copies_the_checked_checkpoint_file(container, cli, monkeypatch, tmp_path):
    add_user(container, "system.jobs", ["scheduler"], system=True)
    monkeypatch.setenv("CASEWORK_SYSTEM_ACCOUNT", "system.jobs")
    out = cli("audit", "export-checkpoints", "--out", str(tmp_path / "offsite"))
    assert out.exit_code == 0, out.output
    [copy] = (tmp_path / "offsite").iterdir()
    assert copy.name == "chain-heads-2026-03-02.log" and b'"chain":"audit"' in copy.read_bytes()
