"""`casework deadline PERIOD --from DATE`: the last day of a legal period and the rule used."""
from __future__ import annotations

import click

from casework import clock
from casework.cli.context import AppContext, pass_app
from casework.legal_calendar import Period, add_period, parse_start
from casework.legal_calendar.store import read_table


@click.command("deadline")
@click.argument("period")
@click.option("--from", "start", metavar="DATE",
              help="起算日 YYYY-MM-DD（不计入）；默认今天（北京时间） / start day, not counted; "
                   "default today in Asia/Shanghai.")
@pass_app
def command(app: AppContext, period: str, start: str | None) -> None:
    """计算法定期限 / compute a legal deadline (30d calendar days, 5wd working days, 6m, 1y).

    Prints the last day, then the rule applied, then the instant it ends.
    """
    parsed = Period.parse(period)
    day = parse_start(start) if start is not None else clock.today_local()
    deadline = add_period(day, parsed, read_table(app.container))
    click.echo(deadline.day.isoformat())
    click.echo(deadline.rule)
    click.echo(f"截止 / ends: {deadline.day.isoformat()} 24:00 Asia/Shanghai "
               f"({deadline.end_utc.isoformat()})")
