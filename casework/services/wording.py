"""Document wording drawn from the rulebooks: instrument titles, provisions, consequences."""
from __future__ import annotations

from dataclasses import asdict

from casework import rulebooks
from casework.rulebooks.model import Citation, UnknownRulebook


def instrument_title(source: str) -> str:
    try:
        return f"《{rulebooks.load_rulebook(source).instrument.title}》"
    except UnknownRulebook:
        return source


def provision(cited: dict | Citation) -> dict:
    """A document provision: instrument title, article, quoted clause."""
    if isinstance(cited, Citation):
        cited = asdict(cited)
    return {"instrument": instrument_title(cited.get("source", "")),
            "article": cited.get("article", ""), "text": cited.get("quote", "")}


def _band(fine: dict) -> str:
    low = f"{fine['min']}元以上" if fine["min"] else ""
    return f"{low}{fine['max']}元以下罚款"


def with_order_text(rule: dict) -> str:
    """A fine the text imposes together with the order (fine.when with_order / immediate)."""
    fine = rule.get("fine")
    if not fine or fine.get("when") not in ("with_order", "immediate"):
        return ""
    may = "可以并处" if fine.get("discretionary") else "并处"
    return (f"依据{instrument_title(fine['source'])}{fine['article']}的规定，责令改正的同时{may}"
            f"{_band(fine)}；本机关将另行依法立案，告知拟作出的行政处罚及你（单位）依法享有的权利。")


def consequence_text(rule: dict) -> str:
    """What follows a missed deadline; the template puts 逾期不改正的 before it."""
    fine = rule.get("fine")
    step = "将给予警告；拒不改正的，" if rule.get("warning_first") else ""
    if fine and fine.get("when") in ("with_order", "immediate"):
        return f"{step}公安机关将依法处理。"
    if fine:
        low = f"{fine['min']}元以上" if fine["min"] else ""
        return f"{step}将依据{instrument_title(fine['source'])}{fine['article']}处{low}{fine['max']}元以下罚款。"
    return f"{step}公安机关将依法处理。"
