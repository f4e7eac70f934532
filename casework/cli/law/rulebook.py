"""`casework rulebook list|show`: the rulebooks as shipped and as effective on a day."""
from __future__ import annotations

import json
from datetime import date

import click

from casework import clock
from casework.rulebooks import (
    EffectiveRules,
    RulebookExpired,
    RulebookNotYetValid,
    effective,
    list_codes,
    load_rulebook,
    to_dict,
    vocabulary,
)


def _parse_day(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"日期格式应为 YYYY-MM-DD / expected YYYY-MM-DD: {value}") from exc


@click.group("rulebook")
def command() -> None:
    """规则库 / rulebooks: list and show (local rules and effective rules)."""


@command.command("list")
@click.option("--on", "on", callback=_parse_day, help="Day to judge expiry (default today).")
def list_command(on: date | None) -> None:
    """List rulebooks: code, name, validity, expired?"""
    on = on or clock.today_local()
    for code in list_codes():
        book = load_rulebook(code)
        until = book.valid_until.isoformat() if book.valid_until else "—"
        state = "已失效 expired" if book.is_expired(on) else (
            "未生效 not yet" if on < book.valid_from else "有效 in force")
        click.echo(f"{code:<15} {book.name:<8} {book.valid_from.isoformat()} → {until:<10}  {state}")


@command.command("show")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON.")
@click.option("--on", "on", callback=_parse_day, help="Day the effective rules apply (default today).")
def show_command(code: str, as_json: bool, on: date | None) -> None:
    """Show rulebook CODE: the local text's rules and the effective rules on a day."""
    on = on or clock.today_local()
    book = load_rulebook(code)
    eff: EffectiveRules | None = None
    problem = None
    try:
        eff = effective(code, on)
    except (RulebookExpired, RulebookNotYetValid) as exc:
        problem = str(exc)
    if as_json:
        data = {"code": code, "on": on.isoformat(), "expired": book.is_expired(on),
                "sha256": book.sha256, "rulebook": to_dict(book),
                "effective": to_dict(eff) if eff else None}
        if problem:
            data["effective_error"] = problem
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_text(book, eff, problem, on)


def _src(rule) -> str:
    return f"[{rule.source} {rule.article}]"


def _echo_attachments(rule) -> None:
    """The attachments a filing of the kind must carry, where the window's text lists them."""
    if rule.attachments is None:
        return
    labels = vocabulary()["filing_attachments"]
    names = "、".join(labels.get(i, i) for i in rule.attachments.items)
    click.echo(f"    须附材料 attachments: {names} ({', '.join(rule.attachments.items)}) "
               f"{_src(rule.attachments)}")


def _print_text(book, eff: EffectiveRules | None, problem: str | None, on: date) -> None:
    inst = book.instrument
    click.echo(f"{book.name}（{book.code}）  {inst.title}  {inst.number}")
    click.echo(f"  施行 valid: {inst.valid_from} → {inst.valid_until or '—'}  "
               f"organ: {book.organ_name}  prefix: {book.doc_prefix}")
    if book.retention:
        click.echo(f"  本地保存期限 local retention: ≥{book.retention.min_days} 日 {_src(book.retention)}")
    for kind, rule in book.filing.items():
        click.echo(f"  本地备案 local filing {kind}: {rule.period} from {rule.runs_from} {_src(rule)}")
        _echo_attachments(rule)
    if problem:
        click.echo(f"  {on} 生效规则 effective: {problem}")
        return
    click.echo(f"— {on} 生效规则 effective rules —")
    if eff.retention:
        click.echo(f"  保存期限 retention: ≥{eff.retention.min_days} 日 {_src(eff.retention)}")
    for kind, rule in eff.filing.items():
        click.echo(f"  备案 filing {kind}: {rule.period} from {rule.runs_from} {_src(rule)}")
        _echo_attachments(rule)
    for code, vio in eff.violations.items():
        bands = "; ".join(f"{'/'.join(f.party_types)} {f.min or 0}–{f.max} 元 ({f.when})"
                          for f in vio.fines) or "无罚款 no fine"
        warn = " 先警告" if vio.warning_first else ""
        click.echo(f"  {code}: {bands}{warn} {_src(vio)}")
