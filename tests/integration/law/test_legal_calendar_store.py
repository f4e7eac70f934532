"""Seeding the holiday table from chinesecalendar, loading it, and setting a year (audited)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from casework import audit
from casework.errors import InvalidInput
from casework.legal_calendar import CalendarYearMissing, HolidayTable, add_period
from casework.legal_calendar.package import package_years
from casework.storage.holidays import load_table, set_year
from casework.services.deadlines.admin import seed_holidays
from casework.models import AuditEvent, CalendarYear, HolidayDay
from casework.install.seed import REFERENCE_STEPS

D = date.fromisoformat
# The State Council notice for 2027 is not out yet; this is a plausible test arrangement.
HOLIDAYS_2027 = [D("2027-01-01"), D("2027-10-01"), D("2027-10-02"), D("2027-10-03"),
                 D("2027-10-04"), D("2027-10-05"), D("2027-10-06"), D("2027-10-07")]
WORKDAYS_2027 = [D("2027-09-26"), D("2027-10-09")]


@pytest.fixture
def seeded(container):
    seed_holidays(container, progress=lambda _m: None)
    return container


def _audit_actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_seed_is_a_reference_step():
    assert seed_holidays in REFERENCE_STEPS


def test_seed_loads_every_covered_year_once(container):
    messages = []
    first = seed_holidays(container, progress=messages.append)
    second = seed_holidays(container, progress=messages.append)
    assert "loaded" in first and "up to date" in second
    assert len(messages) == 1
    covered = set(package_years())
    assert {2025, 2026} <= covered
    with container.uow() as uow:
        session = uow.session
        years = set(session.scalars(select(CalendarYear.year)))
        assert years == covered
        assert session.get(HolidayDay, D("2026-10-05")).is_working_day is False
        assert session.get(HolidayDay, D("2026-10-05")).name == "国庆节"
        assert session.get(HolidayDay, D("2026-10-10")).is_working_day is True
        assert session.get(HolidayDay, D("2026-10-03")) is None  # a Saturday: rest by default
        rows = session.scalar(select(func.count()).select_from(HolidayDay))
        expected = sum(len(y.holidays) + len(y.workdays) for y in package_years().values())
        assert rows == expected
        assert _audit_actions(session) == ["calendar.seeded"]
        assert audit.verify(session).ok


def test_loaded_table_gives_the_worked_examples(seeded):
    with seeded.uow() as uow:
        table = load_table(uow.session)
    assert add_period(D("2026-09-05"), "30d", table).day == D("2026-10-08")
    assert add_period(D("2026-02-01"), "15d", table).day == D("2026-02-24")
    assert add_period(D("2026-09-29"), "5wd", table).day == D("2026-10-12")
    assert add_period(D("2026-01-31"), "1m", table).day == D("2026-02-28")
    later = add_period(D("2026-12-20"), "30d", table)  # 2027's notice is not out
    assert later.provisional and later.provisional_years == (2027,)
    assert "【暂定】2027" in later.rule
    strict = HolidayTable(table.overrides, table.years, table.names)
    with pytest.raises(CalendarYearMissing):
        add_period(D("2026-12-20"), "30d", strict)


def test_reseed_refreshes_a_changed_package_year(seeded):
    with seeded.uow() as uow:
        row = uow.session.get(CalendarYear, 2026)
        row.details = {**row.details, "digest": "stale"}
        uow.session.delete(uow.session.get(HolidayDay, D("2026-10-05")))
        uow.commit()
    assert "1 loaded" in seed_holidays(seeded, progress=lambda _m: None)
    with seeded.uow() as uow:
        assert uow.session.get(HolidayDay, D("2026-10-05")) is not None


def test_set_year_adds_a_year_and_is_audited(seeded):
    with seeded.uow() as uow:
        set_year(uow.session, 2027, HOLIDAYS_2027, WORKDAYS_2027, "国办发明电〔2026〕X号",
                 "admin1", names={D("2027-10-04"): "国庆节"})
        uow.commit()
    with seeded.uow() as uow:
        session = uow.session
        table = load_table(session)
        assert table.covers(2027)
        # 1 Jan 2027 is a Friday holiday; 10-02, 10-03 are a weekend and are not stored.
        assert session.get(HolidayDay, D("2027-10-02")) is None
        assert session.get(HolidayDay, D("2027-10-04")).name == "国庆节"
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "calendar.year_set")).one()
        assert event.actor == "admin1" and event.subject == "calendar_year:2027"
        assert event.data["workdays"] == ["2027-09-26", "2027-10-09"]
        assert event.data["weekend_holidays_not_stored"] == 2
        assert event.data["previous"] is None
    assert add_period(D("2026-12-20"), "30d", table).day == D("2027-01-19")
    assert add_period(D("2027-09-01"), "30d", table).day == D("2027-10-08")
    assert add_period(D("2027-09-29"), "5wd", table).day == D("2027-10-12")


def test_set_year_replaces_the_year_and_survives_reseeding(seeded):
    with seeded.uow() as uow:
        set_year(uow.session, 2026, [D("2026-10-01")], [], "correction test", "admin1")
        uow.commit()
    seed_holidays(seeded, progress=lambda _m: None)  # an administrator's year wins
    with seeded.uow() as uow:
        session = uow.session
        days = session.scalars(select(HolidayDay).where(
            HolidayDay.day >= D("2026-01-01"), HolidayDay.day <= D("2026-12-31"))).all()
        assert [d.day for d in days] == [D("2026-10-01")]
        assert session.get(CalendarYear, 2026).source == "correction test"
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "calendar.year_set")).one()
        assert "2026-10-05" in event.data["previous"]["holidays"]


@pytest.mark.parametrize("holidays, workdays, source, fragment", [
    ([D("2028-01-03")], [], "x", "2028-01-03"),                 # outside the year
    ([D("2027-01-01")], [D("2027-01-01")], "x", "2027-01-01"),  # both
    ([D("2027-01-01")], [D("2027-01-04")], "x", "weekend"),     # a Monday as 调休 workday
    ([D("2027-01-02")], [], "x", "weekday"),                    # no weekday holiday at all
    ([D("2027-01-01")], [], "  ", "source"),
])
def test_set_year_rejects_bad_input(seeded, holidays, workdays, source, fragment):
    with seeded.uow() as uow:
        with pytest.raises(InvalidInput, match=fragment):
            set_year(uow.session, 2027, holidays, workdays, source, "admin1")


def test_container_calendar_sees_a_year_added_and_expressions_use_it(seeded):
    assert seeded.calendar.deadline(D("2027-09-01"), "30d").provisional
    assert seeded.functions["deadline_iso"]("2026-09-05", "30d") == "2026-10-08T16:00:00+00:00"
    with seeded.uow() as uow:
        set_year(uow.session, 2027, HOLIDAYS_2027, WORKDAYS_2027, "test", "admin1")
        uow.commit()
    seeded.calendar.refresh()
    found = seeded.calendar.deadline(D("2027-09-01"), "30d")
    assert found.day == D("2027-10-08") and not found.provisional


def test_a_second_bootstrap_does_not_repoint_the_first_containers_calendar(seeded, tmp_path):
    from casework.bootstrap import bootstrap
    from casework.storage.db import make_engine
    from casework.storage.holidays import calendar_of
    from casework.models.base import Base

    with seeded.uow() as uow:
        set_year(uow.session, 2027, HOLIDAYS_2027, WORKDAYS_2027, "test", "admin1")
        uow.commit()
    seeded.calendar.refresh()
    url = f"sqlite:///{tmp_path / 'other.db'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    other = bootstrap(database_url=url, data_dir=tmp_path / "other")
    try:
        seed_holidays(other, progress=lambda _m: None)  # the package: no 2027
        with seeded.uow() as uow:
            assert not calendar_of(uow.session).deadline(D("2027-09-01"), "30d").provisional
        with other.uow() as uow:
            assert calendar_of(uow.session).deadline(D("2027-09-01"), "30d").provisional
        assert calendar_of(seeded.session_factory()).table().covers(2027)
    finally:
        other.dispose()
