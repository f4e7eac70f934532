"""`casework calendar`: list, show and set the years of the holiday table (法定节假日表)."""
from __future__ import annotations

import getpass
from datetime import date, timedelta

import click
from sqlalchemy import select

from casework.cli.context import AppContext, pass_app
from casework.errors import InvalidInput
from casework.legal_calendar import parse_start
from casework.legal_calendar.store import read_table, require_schema, set_year
from casework.models.registry import CalendarYear

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
    read_table(app.container)  # one clear line when the database is not initialised
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
    table = read_table(app.container)
    table.require(date(year, 1, 1))
    for day in sorted(d for d in table.overrides if d.year == year):
        kind = "上班 workday" if table.overrides[day] else "休假 holiday"
        click.echo(f"{day.isoformat()}  {kind}  {table.names.get(day, '')}".rstrip())


@command.command("set-year")
@click.argument("year", type=int)
@click.option("--holidays", required=True,
              help="放假日期，逗号分隔，可用区间 / rest days, e.g. 2027-10-01..2027-10-07,2027-01-01")
@click.option("--workdays", default="", help="调休上班日 / weekend days worked, e.g. 2027-09-26")
@click.option("--source", required=True, help="来源，如国务院办公厅通知文号 / source notice")
@click.option("--actor", default=None, help="记录的操作人 / actor recorded in the audit trail")
@pass_app
def set_year_command(app: AppContext, year: int, holidays: str, workdays: str, source: str,
                     actor: str | None) -> None:
    """Replace one year's holiday arrangement (audited)."""
    who = actor or f"cli:{getpass.getuser()}"
    require_schema(app.container)
    with app.container.uow() as uow:
        row = set_year(uow.session, year, parse_days(holidays), parse_days(workdays), source, who)
        details = dict(row.details or {})
        uow.commit()
    click.echo(f"{year}: {details.get('holidays')} weekday holidays, "
               f"{details.get('workdays')} weekend workdays ({source})")
