"""`casework deadline` and `casework calendar` against a seeded database."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from casework.cli import main
from casework.services.deadlines.admin import seed_holidays
from tests.integration.operators import add_user, sign_in


@pytest.fixture
def env(database_url, tmp_path):
    return {"CASEWORK_DATABASE_URL": database_url, "CASEWORK_DATA_DIR": str(tmp_path / "cli")}


@pytest.fixture
def seeded_env(container, env):
    seed_holidays(container, progress=lambda _m: None)
    return env


def run(env, *args):
    return CliRunner().invoke(main, list(args), env=env)


@pytest.mark.parametrize("period, start, expected", [
    ("30d", "2026-09-05", "2026-10-08"),
    ("15d", "2026-02-01", "2026-02-24"),
    ("5wd", "2026-09-29", "2026-10-12"),
    ("1m", "2026-01-31", "2026-02-28"),
])
def test_deadline_prints_the_day_then_the_rule(seeded_env, period, start, expected):
    result = run(seeded_env, "deadline", period, "--from", start)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == expected
    assert "起算日" in lines[1] and " / " in lines[1]
    assert "Asia/Shanghai" in lines[2]


def test_deadline_rule_names_the_rollover(seeded_env):
    result = run(seeded_env, "deadline", "30d", "--from", "2026-09-05")
    assert "2026-10-05 为法定休假日（国庆节），顺延至 2026-10-08" in result.output
    assert "2026-10-08T16:00:00+00:00" in result.output


def test_deadline_defaults_to_today_in_shanghai(seeded_env, clock):
    # The clock fixture stands on Monday 2026-03-02 09:00 Asia/Shanghai.
    result = run(seeded_env, "deadline", "5wd")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "2026-03-09"


@pytest.mark.parametrize("args, fragment", [
    (("deadline", "30d", "--from", "2090-12-20"), "2091"),
    (("deadline", "thirty", "--from", "2026-09-05"), "30d"),
    (("deadline", "30d", "--from", "05/09/2026"), "2026-09-05"),
    (("calendar", "show", "2091"), "2091"),
])
def test_errors_are_one_line_and_non_zero(seeded_env, args, fragment):
    result = run(seeded_env, *args)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert fragment in result.output


def test_empty_holiday_table_says_run_init(env):
    result = run(env, "deadline", "30d", "--from", "2026-09-05")
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "casework init" in result.output


def test_uninitialised_database_says_run_init(tmp_path):
    env = {"CASEWORK_DATABASE_URL": f"sqlite:///{tmp_path / 'blank.db'}",
           "CASEWORK_DATA_DIR": str(tmp_path / "blank")}
    result = run(env, "deadline", "30d", "--from", "2026-09-05")
    assert result.exit_code == 1
    assert "casework init" in result.output and "Traceback" not in result.output


def test_calendar_set_year_then_deadline_into_it(container, seeded_env, monkeypatch, tmp_path):
    add_user(container, "admin1", ["admin"])
    sign_in(container, monkeypatch, tmp_path, "admin1")  # setting a year needs a signed-in admin
    seeded_env = {**seeded_env, "CASEWORK_DATA_DIR": str(container.settings.data_dir)}  # its key
    result = run(seeded_env, "calendar", "set-year", "2027",
                 "--holidays", "2027-01-01,2027-10-01..2027-10-07",
                 "--workdays", "2027-09-26,2027-10-09", "--source", "test notice")
    assert result.exit_code == 0, result.output
    assert "2027: 6 weekday holidays, 2 weekend workdays" in result.output
    result = run(seeded_env, "deadline", "30d", "--from", "2027-09-01")
    assert result.output.splitlines()[0] == "2027-10-08"
    years = run(seeded_env, "calendar", "years")
    assert "2027  test notice" in years.output and "2026  chinesecalendar" in years.output
    show = run(seeded_env, "calendar", "show", "2026")
    assert "2026-10-10  上班 workday  国庆节调休上班" in show.output


def test_set_year_on_an_uninitialised_database_says_run_init(tmp_path):
    env = {"CASEWORK_DATABASE_URL": f"sqlite:///{tmp_path / 'blank.db'}",
           "CASEWORK_DATA_DIR": str(tmp_path / "blank"), "CASEWORK_SYSTEM_ACCOUNT": "system.jobs"}
    result = run(env, "calendar", "set-year", "2027", "--holidays", "2027-01-01",
                 "--source", "x")
    assert result.exit_code == 1
    assert "casework init" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("year", ["0", "99999", "-5"])
def test_calendar_show_out_of_range_year_is_one_line(seeded_env, year):
    result = run(seeded_env, "calendar", "show", "--", year)
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)  # handled, not a traceback
    assert len(result.output.strip().splitlines()) == 1
    assert year in result.output


def test_deadline_with_empty_from_is_an_error_not_today(seeded_env, clock):
    result = run(seeded_env, "deadline", "5wd", "--from", "")
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)
    assert len(result.output.strip().splitlines()) == 1
