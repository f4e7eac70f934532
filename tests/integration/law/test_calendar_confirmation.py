"""A deadline into a year without a notice is provisional; `calendar set-year` confirms it."""
from __future__ import annotations

from datetime import date, datetime

from click.testing import CliRunner
from sqlalchemy import delete, select

from casework import clock as clock_module
from casework.cli import main
from casework.install.demo import seed_demo_data
from casework.storage.holidays import set_year
from casework.models import AuditEvent, CalendarYear, Case, Document, HolidayDay
from casework.models.engine import Timer, WorkItem
from casework.install.seed import seed_reference_data
from tests.integration.operators import sign_in

NOTICE_2027 = ("--holidays", "2027-01-01,2027-02-05..2027-02-11,2027-10-01..2027-10-07",
               "--workdays", "2027-02-20,2027-09-26,2027-10-09", "--source", "test notice")


def test_provisional_filing_deadline_is_confirmed_by_the_notice(container, clock, database_url,
                                                                tmp_path, monkeypatch):
    clock.travel_to(datetime(2026, 12, 1, 1, 0, tzinfo=clock_module.UTC))  # 09:00 Shanghai
    seed_reference_data(container, progress=lambda _m: None)
    seed_demo_data(container, progress=lambda _m: None)
    # The container's data dir: the CLI shares its chain key, which signs the session too.
    env = {"CASEWORK_DATABASE_URL": database_url,
           "CASEWORK_DATA_DIR": str(container.settings.data_dir)}
    sign_in(container, monkeypatch, tmp_path, "admin")  # the demo's admin
    with container.uow() as uow:
        case = uow.session.scalars(select(Case).where(Case.kind == "filing")  # the first unit's
                                   .order_by(Case.id).limit(1)).one()
        ref, instance_id = case.ref, case.instance_id
        # 30 days from 12-01 end on 12-31, which 2027's 元旦 notice may make a rest day:
        # a party's deadline runs to the latest possible date.
        assert case.deadline_provisional and case.deadline_basis["date"] == "2027-01-05"
        assert "【暂定】2027" in case.deadline_basis["rule"]
    listed = CliRunner().invoke(main, ["case", "list"], env=env)
    assert f"{ref}\tfiling\topen\t2027-01-05 24:00 暂定/provisional" in listed.output

    before = CliRunner().invoke(main, ["deadline", "30d", "--from", "2026-12-20"], env=env)
    assert before.output.splitlines()[0] == "2027-01-19 暂定 / provisional"
    result = CliRunner().invoke(main, ["calendar", "set-year", "2027", *NOTICE_2027], env=env)
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
        assert event.actor == "admin"  # the signed-in user, not a typed name
    health = CliRunner().invoke(main, ["calendar", "health"], env=env)
    assert "open_provisional_deadlines: 0" in health.output


def test_a_served_date_never_moves_earlier(
        container, clock, database_url, tmp_path):
    clock.travel_to(datetime(2026, 12, 23, 1, 0, tzinfo=clock_module.UTC))  # 7d: 12-30
    seed_reference_data(container, progress=lambda _m: None)
    seed_demo_data(container, progress=lambda _m: None)
    with container.uow() as uow:
        served = {c.ref: c.deadline_basis["date"] for c in uow.session.scalars(select(Case).where(
            Case.kind == "rectification", Case.deadline_provisional.is_(True)))}
        stated = set(uow.session.scalars(select(Document.context["deadline"].as_string()).where(
            Document.case_ref.in_(served), Document.served_at.is_not(None))))
    assert served and set(served.values()) <= stated  # the order states the provisional date
    # A 2027 notice that makes every uncertain day a working day: the served date binds.
    from casework.services.deadlines.confirm import confirm_provisional

    with container.uow() as uow:
        set_year(uow.session, 2027, [date(2027, 1, 1)], [], "test notice", "admin1")
        uow.commit()
    report = confirm_provisional(container.session_factory, container.calendar, "admin1", "t")
    by_ref = {m.case_ref: m for m in report}
    for ref, day in served.items():
        # 2026-12-30 is a working day under the notice, but the order said 2027-01-05.
        assert day == "2027-01-05" and by_ref[ref].after == day, by_ref[ref]
        assert "送达文书已载明 2027-01-05" in by_ref[ref].why


def test_init_after_a_package_upgrade_confirms_provisional_deadlines(container, clock):
    """As if chinesecalendar lacked 2026 when the cases opened and an upgrade brought it."""
    seed_reference_data(container, progress=lambda _m: None)
    with container.uow() as uow:
        uow.session.execute(delete(HolidayDay).where(HolidayDay.day >= date(2026, 1, 1)))
        uow.session.execute(delete(CalendarYear).where(CalendarYear.year == 2026))
        uow.commit()
    container.calendar.refresh()
    seed_demo_data(container, progress=lambda _m: None)
    with container.uow() as uow:
        refs = list(uow.session.scalars(select(Case.ref).where(
            Case.status == "open", Case.deadline_provisional.is_(True))))
    assert refs
    messages: list[str] = []
    seed_reference_data(container, progress=messages.append)  # what `casework init` seeds
    assert any(f"deadlines confirmed: {len(refs)} provisional" in m for m in messages), messages
    with container.uow() as uow:
        assert not uow.session.scalar(select(Case.id).where(Case.deadline_provisional.is_(True)))
        events = uow.session.scalars(select(AuditEvent.subject).where(
            AuditEvent.action == "case.deadline_confirmed")).all()
        assert sorted(events) == sorted(f"case:{r}" for r in refs)


def test_health_warns_from_the_first_of_october(container):
    from casework.services.deadlines import calendar_health

    seed_reference_data(container, progress=lambda _m: None)
    with container.uow() as uow:
        september = calendar_health(uow.session, date(2026, 9, 30))
        october = calendar_health(uow.session, date(2026, 10, 1))
        earlier = calendar_health(uow.session, date(2025, 10, 1))  # 2026 is in the package
    assert not september["warning"] and october["warning"]
    assert october["next_year"] == 2027 and not october["next_year_published"]
    assert earlier["next_year_published"] and not earlier["warning"]
