"""A deadline into a year without a notice is provisional; `calendar set-year` confirms it."""
from __future__ import annotations

from datetime import datetime

from click.testing import CliRunner
from sqlalchemy import select

from casework import clock as clock_module
from casework.cli import main
from casework.demo import seed_demo_data
from casework.models import AuditEvent, Case
from casework.models.engine import Timer, WorkItem
from casework.seed import seed_reference_data

NOTICE_2027 = ("--holidays", "2027-01-01,2027-02-05..2027-02-11,2027-10-01..2027-10-07",
               "--workdays", "2027-02-20,2027-09-26,2027-10-09", "--source", "test notice")


def test_provisional_filing_deadline_is_confirmed_by_the_notice(container, clock, database_url,
                                                                tmp_path):
    clock.travel_to(datetime(2026, 12, 1, 1, 0, tzinfo=clock_module.UTC))  # 09:00 Shanghai
    seed_reference_data(container, progress=lambda _m: None)
    seed_demo_data(container, progress=lambda _m: None)
    env = {"CASEWORK_DATABASE_URL": database_url, "CASEWORK_DATA_DIR": str(tmp_path / "cli")}
    with container.uow() as uow:
        case = uow.session.scalars(select(Case).where(Case.kind == "filing")).one()
        ref, instance_id = case.ref, case.instance_id
        # 30 days from 12-01 end on 12-31, which 2027's 元旦 notice may make a rest day:
        # a party's deadline runs to the latest possible date.
        assert case.deadline_provisional and case.deadline_basis["date"] == "2027-01-05"
        assert "【暂定】2027" in case.deadline_basis["rule"]
    listed = CliRunner().invoke(main, ["case", "list"], env=env)
    assert f"{ref}\tfiling\topen\t2027-01-05 24:00 暂定/provisional" in listed.output

    before = CliRunner().invoke(main, ["deadline", "30d", "--from", "2026-12-20"], env=env)
    assert before.output.splitlines()[0] == "2027-01-19 暂定 / provisional"
    result = CliRunner().invoke(main, ["calendar", "set-year", "2027", *NOTICE_2027,
                                       "--actor", "admin1"], env=env)
    assert result.exit_code == 0, result.output
    assert f"{ref}: 2027-01-05 -> 2026-12-31 移动 / moved" in result.output
    after = CliRunner().invoke(main, ["deadline", "30d", "--from", "2026-12-20"], env=env)
    assert after.output.splitlines()[0] == "2027-01-19"
    assert "暂定" not in after.output

    end = clock_module.end_of_local_day_utc(datetime(2026, 12, 31).date())
    with container.uow() as uow:
        session = uow.session
        case = session.scalars(select(Case).where(Case.ref == ref)).one()
        assert not case.deadline_provisional and case.due_at == end
        timers = session.scalars(select(Timer.due_at).where(Timer.instance_id == instance_id)).all()
        assert timers == [end]  # the missed-window timer re-derived
        dues = session.scalars(select(WorkItem.due_at).where(
            WorkItem.instance_id == instance_id, WorkItem.due_at.is_not(None))).all()
        assert dues and all(d == end for d in dues)
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "case.deadline_confirmed",
            AuditEvent.subject == f"case:{ref}")).one()
        assert event.data["from"] == "2027-01-05" and event.data["to"] == "2026-12-31"
        assert event.actor == "admin1"
    health = CliRunner().invoke(main, ["calendar", "health"], env=env)
    assert "open_provisional_deadlines: 0" in health.output
