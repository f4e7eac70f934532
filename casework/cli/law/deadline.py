"""`casework deadline PERIOD --from DATE`: the last day of a legal period and the rule used."""
from __future__ import annotations

import click

from casework import clock
from casework.cli.context import AppContext, pass_app
from casework.legal_calendar import OWED_BY, PARTY, LegalPeriod, parse_start
from casework.storage.holidays import require_schema


@click.command("deadline")
@click.argument("period")
@click.option("--from", "start", metavar="DATE",
              help="起算日 YYYY-MM-DD（不计入）；默认今天（北京时间） / start day, not counted; "
                   "default today in Asia/Shanghai.")
@click.option("--for", "owed_by", type=click.Choice(OWED_BY), default=PARTY, show_default=True,
              help="谁的期限：party 当事人（暂定时取最晚日期）、bureau 机关（取最早日期） / whose "
                   "deadline: a party's (latest date while provisional) or the bureau's (earliest).")
@pass_app
def command(app: AppContext, period: str, start: str | None, owed_by: str) -> None:
    """计算法定期限 / compute a legal deadline (30d calendar days, 5wd working days, 6m, 1y).

    Prints the last day (marked 暂定 / provisional while that year's holiday notice is not
    out), then the rule applied, then the instant it ends.
    """
    parsed = LegalPeriod.parse(period)
    day = parse_start(start) if start is not None else clock.today_local()
    require_schema(app.container.engine)
    deadline = app.container.calendar.deadline(day, parsed, owed_by)
    mark = " 暂定 / provisional" if deadline.provisional else ""
    click.echo(f"{deadline.day.isoformat()}{mark}")
    click.echo(deadline.rule)
    click.echo(f"截止 / ends: {deadline.day.isoformat()} 24:00 Asia/Shanghai "
               f"({deadline.end_utc.isoformat()})")
