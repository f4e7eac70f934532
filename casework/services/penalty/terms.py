"""The law's numbers for one penalty case: band, discretion, hearing right, simplified
procedure, limitation and the late-payment surcharge. Plain values in, plain values out."""
from __future__ import annotations

import tomllib
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from casework.errors import InvalidInput, RuleViolation

APL = "《中华人民共和国行政处罚法》"
LIMITATION_YEARS = 2  # APL 第三十六条
DECISION_LIMIT = "90d"  # APL 第六十条
LIMIT_WARNING = "10wd"  # the head is warned this long before the limit
PAYMENT_PERIOD = "15d"  # APL 第六十七条
SERVICE_PERIOD = "7wd"  # APL 第六十一条, 公安程序规定 第三十六条: within 7 days (working days, APL 第八十五条)
STATEMENT_PERIOD = "5wd"  # APL 第六十四条: a hearing is requested within 5 days of notice
HEARING_NOTICE_PERIOD = "7wd"  # APL 第六十四条第二项, 公安程序规定 第一百三十六条: served 7 days before
# 公安程序规定 第一百三十七条: held within 10 days of the request's receipt. Natural days with the
# last day rolled past a holiday (第三十五条): APL 第八十五条 makes working days only of the APL's
# own 二日、三日、五日、七日; the bureau's deadline (earliest while provisional).
HEARING_HELD_PERIOD = "10d"
PUBLICATION_PERIOD = "7wd"  # 国办发〔2018〕118号: published within 7 working days
WITHDRAWAL_PERIOD = "3wd"  # 国办发〔2018〕118号: withdrawn within 3 working days
REMINDER_PERIOD = "10wd"  # 行政强制法 第五十四条 with 第六十九条
RECONSIDERATION = "60d"  # 行政复议法 第二十条
LAWSUIT = "6m"  # 行政诉讼法 第四十六条
COURT_APPLICATION = "3m"  # 行政强制法 第五十三条
SURCHARGE_RATE = Decimal("0.03")  # APL 第七十二条第一款第一项

ARTICLES = {
    "limitation": f"{APL}第三十六条", "decision_limit": f"{APL}第六十条",
    "payment": f"{APL}第六十七条",
    "service": f"{APL}第六十一条；《公安机关办理行政案件程序规定》第三十六条",
    "statement": f"{APL}第四十四条、第六十四条", "surcharge": f"{APL}第七十二条",
    "hearing_notice": f"{APL}第六十四条第二项、第八十五条；《公安机关办理行政案件程序规定》第一百三十六条",
    "hearing_limit": "《公安机关办理行政案件程序规定》第一百三十七条、第三十五条",
    "hearing_postponed": "《公安机关办理行政案件程序规定》第一百三十八条、第一百二十八条第四项",
    "hearing_suspended": "《公安机关办理行政案件程序规定》第一百四十八条、第一百二十八条第四项",
    "hearing_terminated": "《公安机关办理行政案件程序规定》第一百四十九条、第一百二十八条第四项",
    "publication": f"{APL}第四十八条；国办发〔2018〕118号",
    "reminder": "《中华人民共和国行政强制法》第五十四条", "court": "《中华人民共和国行政强制法》第五十三条",
    "reconsideration": "《中华人民共和国行政复议法》第二十条", "lawsuit": "《中华人民共和国行政诉讼法》第四十六条",
}

PERIOD_NAMES = {  # how each period of a penalty case is named on screen
    "decision_limit": "作出处罚决定期限（自立案起九十日）",
    "statement": "陈述、申辩及申请听证期限",
    "hearing_notice": "听证通知书送达后七日（听证在此后举行）",
    "hearing_limit": "举行听证期限（收到听证申请之日起十日内；准许延期或者中止后恢复的，至新定的日期）",
    "service": "决定书送达期限",
    "publication": "行政执法公示期限",
    "payment": "缴纳罚款期限",
    "reconsideration": "申请行政复议期限",
    "lawsuit": "提起行政诉讼期限",
    "reminder": "催告期满（可申请强制执行）",
    "court": "申请人民法院强制执行期限",
}
PERIOD_NAMES_EN = {  # and on English pages
    "decision_limit": "Decision limit (90 days from filing the case)",
    "statement": "Statement, defence and hearing request period",
    "hearing_notice": "7 days after the hearing notice is served (the hearing is held after them)",
    "hearing_limit": "Hearing limit (within 10 days of the request; if postponed or resumed, the new date)",
    "service": "Decision service deadline",
    "publication": "Publication deadline",
    "payment": "Fine payment deadline",
    "reconsideration": "Administrative reconsideration period",
    "lawsuit": "Administrative lawsuit period",
    "reminder": "Reminder period ends (enforcement may be applied for)",
    "court": "Period to apply to the court for enforcement",
}


def periods_for_screen(periods: dict) -> list[dict]:
    """The case's legal periods in a stable order, each with its date and article."""
    return [{"name": PERIOD_NAMES.get(key, key), "name_en": PERIOD_NAMES_EN.get(key, key),
             "date": found["date"], "article": found["article"],
             "provisional": bool(found.get("provisional"))}
            for key, found in sorted(periods.items(), key=lambda kv: kv[1]["date"])]


@cache
def _settings() -> dict:
    return tomllib.loads((Path(__file__).with_name("settings.toml")).read_text("utf-8"))


def setting(jurisdiction: str, name: str) -> dict:
    """A jurisdiction's setting (`hearing`, `simplified`; `discretion`: `discretion_table`),
    else the default."""
    if name == "discretion":
        return discretion_table(jurisdiction)
    if name == "hearing":
        return hearing_threshold(jurisdiction)
    data = _settings()
    return data.get(jurisdiction, {}).get(name) or data["default"][name]


def party_kind(party_type: str) -> str:
    """APL speaks of 公民 and 法人或者其他组织: a person or a unit."""
    return "person" if party_type == "person" else "unit"


def check_amount(amount: int, fine: dict | None) -> None:
    """A proposed fine must lie inside the cited band; refused naming band and article."""
    if not fine:
        raise RuleViolation("所适用条款未规定罚款，不得处以罚款 / the cited article provides no fine")
    low, high = int(fine.get("min") or 0), int(fine["max"])
    if not low <= amount <= high:
        band = f"{low}元以上{high}元以下" if low else f"{high}元以下"
        raise RuleViolation(
            f"拟罚款 {amount} 元超出{fine.get('article', '')}规定的{band}罚款幅度 / "
            f"the amount {amount} is outside the band {low}-{high} of {fine.get('article', '')}")


TIERS = {"lighter": ("从轻", "lighter"), "ordinary": ("一般", "ordinary"), "heavier": ("从重", "heavier")}


def discretion_table(jurisdiction: str) -> dict:
    """The jurisdiction's 裁量基准 with its source; where it published none (every jurisdiction
    today), Casework's default, marked `casework_default` and naming the text searched."""
    data = _settings()
    entry = data.get(jurisdiction, {}).get("discretion") or {"tiers": "default", "searched": ""}
    if entry.get("tiers") == "default":
        return {**data["default"]["discretion"], "jurisdiction": jurisdiction, "published": False,
                "searched": entry.get("searched", "")}
    return {**entry, "jurisdiction": jurisdiction, "casework_default": False}


def discretion_range(jurisdiction: str, fine: dict, tier: str) -> tuple[int, int]:
    """The sub-range of the band the discretion table suggests for `tier`."""
    if tier not in TIERS:
        raise InvalidInput(f"unknown discretion tier: {tier}")
    a, b = discretion_table(jurisdiction)[tier]
    low, high = int(fine.get("min") or 0), int(fine["max"])
    span = Decimal(high - low)
    q = lambda x: int((low + span * Decimal(str(x))).quantize(Decimal(1), ROUND_HALF_UP))  # noqa: E731
    return q(a), q(b)


def proposal_guidance(jurisdiction: str, fine: dict | None, instrument: str) -> list[dict]:
    """What the proposal page shows: the band and its article, each tier's amounts and when it
    applies, where the tiers come from (Casework's default said as such), and the hearing
    thresholds with theirs (`hearing_guidance`)."""
    if not fine:
        return [{"zh": "所适用条款未规定罚款，只能给予警告或者不予处罚。",
                 "en": "The cited article provides no fine: a warning or no penalty only."}]
    table = discretion_table(jurisdiction)
    low, high = int(fine.get("min") or 0), int(fine["max"])
    article = f"{instrument}{fine.get('article', '')}"
    lines = [{"zh": f"罚款幅度：{low}元以上{high}元以下（{article}）。",
              "en": f"Fine band: {low}–{high} yuan ({article})."}]
    when = {"lighter": (f"有{table['lighter_when']}所列从轻、减轻情形的", "with the mitigating circumstances of "
                        f"{table['lighter_when']}"),
            "ordinary": ("无从轻、从重情形的，适用本档", "without mitigating or aggravating circumstances: "
                         "this tier applies"),
            "heavier": (f"有{table['heavier_when']}所列从重情形的", "with the aggravating circumstances of "
                        f"{table['heavier_when']}")}
    for tier, (zh, en) in TIERS.items():
        a, b = discretion_range(jurisdiction, fine, tier)
        lines.append({"zh": f"{zh}档：{a}元至{b}元（{when[tier][0]}）。",
                      "en": f"{en.capitalize()} tier: {a}–{b} yuan ({when[tier][1]})."})
    if table.get("casework_default"):
        lines.append({
            "zh": f"裁量档次来源：{table['source']}。{table['searched'] or '本辖区规范'}未规定裁量基准；"
                  f"上述档次是 Casework 的默认值，不是公安机关依{table['article']}公布的裁量基准。",
            "en": f"Source of the tiers: {table['source_en']}. {table['searched'] or 'The local text'} sets "
                  "no discretion standard; these tiers are Casework's default, not a standard a bureau "
                  f"published under {table['article']}."})
    else:
        lines.append({"zh": f"裁量基准：{table['source']}{table['article']}。",
                      "en": f"Discretion standard: {table['source']} {table['article']}."})
    return lines + hearing_guidance(jurisdiction, fine)


def tier_note(discretion: dict, amount: int) -> dict:
    """The proposal against its tier, for the reviewer: tier, range, inside or not, source."""
    zh, en = TIERS[discretion["tier"]]
    default = "（Casework 默认裁量档次）" if discretion.get("casework_default") else ""
    inside = ("在该档范围内" if discretion["within"] else "不在该档范围内，须说明理由",
              "inside it" if discretion["within"] else "outside it: reasons required")
    return {"zh": f"拟罚款{amount}元，{zh}档{discretion['low']}元至{discretion['high']}元{default}，{inside[0]}。",
            "en": f"Proposed fine {amount} yuan; {en} tier {discretion['low']}–{discretion['high']} yuan"
                  f"{' (Casework default tiers)' if default else ''}; {inside[1]}."}


def hearing_threshold(jurisdiction: str) -> dict:
    """The amounts from which a fine is 较大数额 (a hearing must be offered) with their source:
    the jurisdiction's own where its text sets them, else the Ministry's rule, marked
    `set_locally = False` and naming the text searched (and, for a local government rule, the
    local provision the Ministry's rule defers to, which the library lacks: `missing`)."""
    data = _settings()
    entry = data.get(jurisdiction, {}).get("hearing") or {"set_locally": False, "searched": ""}
    if not entry.get("set_locally"):
        return {**data["default"]["hearing"], "jurisdiction": jurisdiction, "set_locally": False,
                "searched": entry.get("searched", ""), "local_rule": bool(entry.get("local_rule")),
                "missing": entry.get("missing", "")}
    return {**entry, "jurisdiction": jurisdiction, "set_locally": True}


def hearing_right(jurisdiction: str, party_type: str, penalty_kind: str, amount: int) -> bool:
    """较大数额罚款 gives the right to request a hearing (APL 第六十三条)."""
    if penalty_kind != "fine":
        return False
    return amount >= int(hearing_threshold(jurisdiction)[party_kind(party_type)])


def hearing_guidance(jurisdiction: str, fine: dict) -> list[dict]:
    """What the proposal page says of the hearing: the thresholds, their article, and where they
    come from (the Ministry's rule where no local text sets them, said as such)."""
    found = hearing_threshold(jurisdiction)
    cited = f"《{found['source']}》{found['article']}"
    lines = [{"zh": f"听证：拟对单位处{found['unit']}元以上、对个人处{found['person']}元以上罚款的，属较大数额罚款，"
                    f"应当告知当事人有要求听证的权利（{APL}第六十三条；{cited}）。",
              "en": f"Hearing: a fine of {found['unit']} yuan or more on a unit, {found['person']} yuan or "
                    f"more on a person, is a large fine and the party must be offered a hearing "
                    f"(APL art. 63; {cited})."}]
    if found["set_locally"]:
        return lines
    lines.append({"zh": f"听证数额来源：{found['searched'] or '本辖区规范'}未规定较大数额罚款的标准，"
                        f"适用{cited}的全国标准。",
                  "en": f"Source of the thresholds: {found['searched'] or 'the local text'} sets no threshold "
                        f"for a large fine; the national figure of {cited} applies."})
    if found["local_rule"] and fine.get("source") == jurisdiction:
        lines.append({"zh": f"本罚款依据地方政府规章作出，{cited}规定“{found['defers_quote']}”；"
                            f"{found['missing']}未收录于本系统的法规文本，暂按全国标准计算，请核对。",
                      "en": f"This fine is imposed under a local government rule, for which {cited} defers to "
                            f"the local provision; that provision ({found['missing']}) is not in the "
                            "system's texts, so the national figure is used: please check it."})
    return lines


def simplified(jurisdiction: str, party_type: str, penalty_kind: str, amount: int) -> bool:
    """简易程序 (APL 第五十一条): a warning, or a fine up to the on-the-spot ceiling."""
    if penalty_kind == "warning":
        return True
    return penalty_kind == "fine" and amount <= int(setting(jurisdiction, "simplified")[party_kind(party_type)])


def time_barred(act_on: date, found_on: date) -> bool:
    """Undiscovered for two years: no penalty any more (APL 第三十六条)."""
    try:
        limit = act_on.replace(year=act_on.year + LIMITATION_YEARS)
    except ValueError:  # 29 February
        limit = act_on.replace(year=act_on.year + LIMITATION_YEARS, day=28)
    return found_on > limit


def no_penalty(first_violation: bool, minor: bool, corrected_in_time: bool, harm: bool) -> str:
    """APL 第三十三条: why no penalty is given, or "" when the law does not excuse it."""
    if minor and corrected_in_time and not harm:
        return f"违法行为轻微并及时改正，没有造成危害后果，依据{APL}第三十三条第一款不予行政处罚"
    if first_violation and minor and corrected_in_time:
        return f"初次违法且危害后果轻微并及时改正，依据{APL}第三十三条第一款可以不予行政处罚"
    return ""


def not_raised(proposed: int, final: int) -> None:
    """A statement or defence never makes the penalty heavier (APL 第四十五条第二款)."""
    if final > proposed:
        raise RuleViolation(f"不得因当事人陈述、申辩而给予更重的处罚（{APL}第四十五条）：拟 {proposed} 元，"
                            f"现 {final} 元 / the penalty cannot be raised after a statement")


def surcharge(fine: int, due: date, on: date) -> dict:
    """Late-payment surcharge: 3% of the fine a day after `due`, never above the fine."""
    days = max(0, (on - due).days)
    raw = (Decimal(fine) * SURCHARGE_RATE * days).quantize(Decimal("0.01"))
    capped = min(raw, Decimal(fine).quantize(Decimal("0.01")))
    return {"days": days, "amount": capped, "capped": raw > Decimal(fine), "fine": Decimal(fine),
            "total": Decimal(fine) + capped, "as_of": on, "article": ARTICLES["surcharge"]}


def mask_name(name: str) -> str:
    """An individual's name for publication: the surname kept, the rest masked."""
    name = name.strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def mask_identity(text: str) -> str:
    """Every identity number (身份证号 18 chars, credit codes, phone numbers) masked."""
    out, run = [], []
    for ch in text + "\0":
        if ch.isascii() and ch.isalnum():
            run.append(ch)
            continue
        if len(run) >= 6 and any(c.isdigit() for c in run):
            out.append(run[0] + "*" * (len(run) - 2) + run[-1])
        else:
            out.append("".join(run))
        run = []
        out.append(ch)
    return "".join(out)[:-1]
