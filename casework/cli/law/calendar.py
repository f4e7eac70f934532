"""`casework calendar`: list, show and set the years of the holiday table (法定节假日表)."""
from __future__ import annotations

from datetime import date, timedelta

import click
from sqlalchemy import select

from casework.cli.context import AppContext, pass_app
from casework.cli.operator import current_actor
from casework.errors import InvalidInput
from casework.legal_calendar import HolidayTable, is_default_working_day, parse_start
from casework.legal_calendar.provisional import REST, UNCERTAIN
from casework.storage.holidays import read_table
from casework.models.registry import CalendarYear
from casework.services.deadlines.admin import report_lines, set_notice_year
from casework.services.deadlines.confirm import calendar_health

MIN_YEAR, MAX_YEAR = 1949, 2200  # the years set_year accepts


def parse_days(text: str) -> list[date]:
    """Comma-separated days or ranges: "2027-01-01,2027-02-06..2027-02-12"."""
    days: list[date] = []
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        first, _, last = part.partition("..")
        start = parse_start(first)
        end = parse_start(last) if last else start
        if end < start or (end - start).days > 40:
            raise InvalidInput(f"日期区间无效：{part} / invalid range: {part}")
        days.extend(start + timedelta(days=i) for i in range((end - start).days + 1))
    return days


@click.group("calendar")
def command() -> None:
    """法定节假日表 / the holiday table used for legal deadlines."""


@command.command("years")
@pass_app
def years_command(app: AppContext) -> None:
    """List the years with holiday data and where each came from."""
    read_table(app.container.session_factory)  # one clear line when the database is not initialised
    with app.container.uow() as uow:
        for row in uow.session.scalars(select(CalendarYear).order_by(CalendarYear.year)):
            details = row.details or {}
            click.echo(f"{row.year}  {row.source}  holidays={details.get('holidays', '?')} "
                       f"workdays={details.get('workdays', '?')}")


@command.command("show")
@click.argument("year", type=int)
@pass_app
def show_command(app: AppContext, year: int) -> None:
    """Show one year's exceptions to the Mon-Fri week."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(f"年份无效：{year}（应在 {MIN_YEAR}–{MAX_YEAR} 之间） / "
                           f"invalid year: {year} (expected {MIN_YEAR}-{MAX_YEAR})")
    table = read_table(app.container.session_factory)
    table.require(date(year, 1, 1))
    if year not in table.years:
        _show_provisional(table, year)
        return
    for day in sorted(d for d in table.overrides if d.year == year):
        kind = "上班 workday" if table.overrides[day] else "休假 holiday"
        click.echo(f"{day.isoformat()}  {kind}  {table.names.get(day, '')}".rstrip())


def _show_provisional(table: HolidayTable, year: int) -> None:
    click.echo(f"{year}: 暂定（放假通知尚未录入，依《全国年节及纪念日放假办法》） / provisional "
               "(no notice yet; from the holiday law)")
    day = date(year, 1, 1)
    while day.year == year:
        found = table.state(day)
        if found.kind == UNCERTAIN:
            click.echo(f"{day.isoformat()}  待定 uncertain  {found.festival}")
        elif found.kind == REST and is_default_working_day(day):
            click.echo(f"{day.isoformat()}  休假 holiday  {found.festival}")
        day += timedelta(days=1)


@command.command("set-year")
@click.argument("year", type=int)
@click.option("--holidays", required=True,
              help="放假日期，逗号分隔，可用区间 / rest days, e.g. 2027-10-01..2027-10-07,2027-01-01")
@click.option("--workdays", default="", help="调休上班日 / weekend days worked, e.g. 2027-09-26")
@click.option("--source", required=True, help="来源，如国务院办公厅通知文号 / source notice")
@pass_app
def set_year_command(app: AppContext, year: int, holidays: str, workdays: str, source: str) -> None:
    """Replace one year's holiday arrangement (audited), then confirm provisional deadlines.

    Every open deadline computed before the notice was in is recomputed (one transaction
    per batch); the report says what moved and why. A date stated in a served document
    never moves earlier.
    """
    who = current_actor(app.container, "admin").name  # the signed-in admin, never free text
    details, moved = set_notice_year(app.container, year, parse_days(holidays),
                                     parse_days(workdays), source, who)
    click.echo(f"{year}: {details.get('holidays')} weekday holidays, "
               f"{details.get('workdays')} weekend workdays ({source})")
    for line in report_lines(moved):
        click.echo(line)


@command.command("health")
@pass_app
def health_command(app: AppContext) -> None:
    """From 1 October: warn that next year's notice is missing; count provisional deadlines."""
    read_table(app.container.session_factory)
    with app.container.uow() as uow:
        found = calendar_health(uow.session)
    year = found["next_year"]
    if found["next_year_published"]:
        click.echo(f"OK: {year} 年放假安排已录入 / the {year} holiday notice is in")
    elif found["warning"]:
        click.echo(f"WARNING: {year} 年放假安排尚未录入，跨入 {year} 年的期限均为暂定；"
                   f"收到国务院办公厅通知后运行 `casework calendar set-year {year} ...` / "
                   f"the {year} holiday notice is missing: deadlines reaching {year} are "
                   "provisional until `casework calendar set-year` is run")
    else:
        click.echo(f"OK: {year} 年放假安排通常于 11 月公布 / the {year} notice usually comes "
                   "in November")
    click.echo(f"open_provisional_deadlines: {found['open_provisional_deadlines']}")
    click.echo(f"last_published_year: {found['last_published_year']}")
