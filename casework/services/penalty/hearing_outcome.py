"""A hearing suspended (中止) and resumed, or terminated (终止): what the host records instead of
holding it to the end.

公安程序规定 第一百四十八条: while the hearing is under way the host may suspend it when new
witnesses, new evidence or a new expert opinion or inspection are needed (第一项), when a recusal
keeps it from going on (第二项), or for another need (第三项); once the cause is gone the host
resumes it promptly (第二款). 第一百四十九条: the hearing ends when the applicant withdraws the
request (第一项); when the applicant and its agent stay away without good reason or leave without
the host's leave (第二项; APL 第六十四条第六项: the right is deemed waived); when the applicant dies
or, as an organisation, is revoked or dissolved (第三项); when it is disrupted past warnings so
that it cannot go on (第四项); or for another need (第五项). Both are the host's (第一百二十八条
第四项), so the legal reviewer's lane, as for a postponement.

The host records the outcome on the hearing task (`hearing_result`): held to the end (the
听证笔录, `hearing.penalty_hearing_record`), suspended or terminated, with the ground and what
happened. Suspended: the case waits on the host's resumption task. Resuming sets a new date and,
as for a granted postponement, a new 听证通知书 served seven working days before it (APL 第六十四条
第二项, 第一百三十六条); that date becomes `hearing_limit`. The text puts no number on 及时, so the
task has no due date; APL 第六十条's 90 days keep running and the task says when they end. A
第一百四十九条 ground that arises while suspended ends the hearing from that task. Terminated: no
record; the case goes on to the legal review as when no hearing is held, with the ground kept
(`hearing.termination`, `hearing_withdrawn`), audited and shown on the case pages. A suspension,
and a termination for absence or disorder, happen at the hearing, so not before its day; a
withdrawal, the applicant's end or another ground may come earlier.
"""
from __future__ import annotations

from datetime import date


from casework import audit, clock
from casework.engine import action
from casework.errors import InvalidInput, RuleViolation
from casework.services.penalty import hearing, serving, terms

PROCEDURE = "《公安机关办理行政案件程序规定》"
SUSPENDED = terms.ARTICLES["hearing_suspended"]
TERMINATED = terms.ARTICLES["hearing_terminated"]
RESUME_ARTICLE = f"{PROCEDURE}第一百四十八条第二款"
# ground -> (article, the text's words, English)
SUSPENSION_GROUNDS = {
    "new_evidence": (f"{PROCEDURE}第一百四十八条第一款第一项",
                     "需要通知新的证人到会、调取新的证据或者需要重新鉴定或者勘验",
                     "new witnesses, new evidence, or a new expert opinion or inspection are needed"),
    "recusal": (f"{PROCEDURE}第一百四十八条第一款第二项", "因回避致使听证不能继续进行",
                "a recusal keeps the hearing from going on"),
    "other": (f"{PROCEDURE}第一百四十八条第一款第三项", "其他需要中止听证",
              "another need to suspend the hearing"),
}
TERMINATION_GROUNDS = {
    "withdrawn": (f"{PROCEDURE}第一百四十九条第一项", "听证申请人撤回听证申请",
                  "the applicant withdrew its request for a hearing"),
    "absent": (f"{PROCEDURE}第一百四十九条第二项；{terms.APL}第六十四条第六项",
               "听证申请人及其代理人无正当理由拒不出席或者未经听证主持人许可中途退出听证",
               "the applicant and its agent stayed away without good reason or left without the "
               "host's leave (the right to a hearing is deemed waived)"),
    "ceased": (f"{PROCEDURE}第一百四十九条第三项",
               "听证申请人死亡或者作为听证申请人的法人或者其他组织被撤销、解散",
               "the applicant died, or as an organisation was revoked or dissolved"),
    "disorder": (f"{PROCEDURE}第一百四十九条第四项",
                 "听证申请人或者其代理人扰乱听证秩序，不听劝阻，致使听证无法正常进行",
                 "the applicant or its agent disrupted the hearing past warnings and it could not go on"),
    "other": (f"{PROCEDURE}第一百四十九条第五项", "其他需要终止听证", "another need to terminate the hearing"),
}
AT_THE_HEARING = ("absent", "disorder")  # grounds that arise only at the hearing itself


def ground(table: dict, key: str) -> dict:
    """A ground as kept in the data: its key, article and words in both languages."""
    if key not in table:
        raise InvalidInput(f"未知的事由 {key!r} / unknown ground {key!r}")
    article, zh, en = table[key]
    return {"ground": key, "article": article, "label": zh, "label_en": en}


def _not_before_the_day(data: dict, what: tuple[str, str], article: str) -> None:
    on = date.fromisoformat(data["hearing_on"])
    if clock.today_local() < on:
        raise RuleViolation(f"听证定于 {on} 举行，{what[0]}发生在听证过程中，不得早于该日（{article}） / "
                            f"the hearing is set for {on}: {what[1]} only at the hearing, not before that day")


def _reasons(data: dict) -> str:
    reasons = (data.get("result_reasons") or "").strip()
    if not reasons:
        raise InvalidInput("请写明中止、终止或者恢复听证的具体情况和理由 / state what happened and why")
    return reasons


@action("penalty_hearing_suspended", inputs={}, outputs={"hearing": dict, "task_notes": dict})
def penalty_hearing_suspended(ctx) -> dict:
    """中止听证 (第一百四十八条): kept with its ground and reasons; the host resumes it later."""
    case, data = serving.case_of(ctx), ctx.data
    found = ground(SUSPENSION_GROUNDS, data.get("suspension_ground") or "")
    _not_before_the_day(data, ("中止听证", "a hearing is suspended"), found["article"])
    today = clock.today_local().isoformat()
    entry = {**found, "reasons": _reasons(data), "on": today, "from": data["hearing_on"], "by": ctx.actor}
    kept = {k: v for k, v in (data.get("hearing") or {}).items() if k != "postpone_by"}
    suspensions = [*kept.get("suspensions", []), entry]
    limit = data.get("limit_date")
    note = {"zh": f"听证于 {today} 中止（{found['label']}，{found['article']}），情况：{entry['reasons']}。"
                  f"中止听证的情形消除后，听证主持人应当及时恢复听证（{RESUME_ARTICLE}）：确定新的听证日期，"
                  f"重新制作听证通知书并于举行听证的七日前送达（{hearing.ARTICLE}）。中止期间出现第一百四十九条"
                  f"规定情形的，终止听证（{TERMINATED}）。"
                  + (f"中止期间办案期限不停止计算，行政处罚决定应于 {limit} 前作出（{terms.APL}第六十条）。"
                     if limit else ""),
            "en": f"The hearing was suspended on {today} ({found['label_en']}): {entry['reasons']}. Once the "
                  f"cause is gone the host resumes it promptly: a new date and a new notice served seven "
                  f"working days before it. If an art. 149 ground arises meanwhile, terminate the hearing."
                  + (f" The 90-day limit keeps running: decide by {limit}." if limit else "")}
    audit.record(ctx.session, ctx.actor, "penalty.hearing_suspended", f"case:{case.ref}",
                 {"ground": found["ground"], "article": found["article"], "reasons": entry["reasons"],
                  "hearing_on": data["hearing_on"], "count": len(suspensions)})
    return {"hearing": {**kept, "status": "suspended", "suspensions": suspensions},
            "task_notes": hearing.task_notes(data, hearing_resumption=[note], hearing_record=None)}


@action("penalty_hearing_resumed", inputs={},
        outputs={"hearing": dict, "hearing_on": str, "place": str, "periods": dict, "task_notes": dict})
def penalty_hearing_resumed(ctx) -> dict:
    """恢复听证 (第一百四十八条第二款): a new date a new notice can reach seven working days ahead;
    that date becomes the hearing's limit, and the notice is issued and served as after a
    granted postponement."""
    case, data = serving.case_of(ctx), ctx.data
    today = clock.today_local()
    new = _new_date(ctx.session, data.get("resume_on") or "", today)
    place = (data.get("resume_place") or "").strip() or data["place"]
    found = dict(data.get("hearing") or {})
    suspensions = list(found.get("suspensions") or [{}])
    suspensions[-1] = {**suspensions[-1], "resumed_on": today.isoformat(), "to": new.isoformat(),
                       "resume_reasons": _reasons(data)}
    periods = dict(data.get("periods") or {})
    limit = {k: v for k, v in (periods.get("hearing_limit") or {}).items() if k != "postponed_from"}
    periods["hearing_limit"] = {**limit, "date": new.isoformat(), "article": SUSPENDED,
                                "at": clock.end_of_local_day_utc(new).isoformat(),
                                "resumed_from": suspensions[-1].get("on", ""), "provisional": False}
    audit.record(ctx.session, ctx.actor, "penalty.hearing_resumed", f"case:{case.ref}",
                 {"suspended_on": suspensions[-1].get("on", ""), "to": new.isoformat(), "place": place,
                  "reasons": suspensions[-1]["resume_reasons"]})
    return {"hearing": {**found, "status": "resumed", "suspensions": suspensions}, "hearing_on": new.isoformat(),
            "place": place, "periods": periods, "task_notes": hearing.task_notes(data, hearing_resumption=None)}


def _new_date(session, text: str, today: date) -> date:
    """The resumed hearing's date: one a notice served today still reaches seven working days ahead."""
    try:
        new = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("恢复听证的，须填写新的听证日期（YYYY-MM-DD） / resuming needs the new hearing "
                           "date (YYYY-MM-DD)") from None
    earliest = hearing.notice_ends(session, today)
    if new <= earliest:
        raise RuleViolation(f"恢复听证须重新送达听证通知书，并于举行听证的七日前送达（{hearing.ARTICLE}）：即使今日送达，"
                            f"听证日期也须晚于 {earliest} / a new notice must be served seven working days before "
                            f"the resumed hearing: even if served today, the date must be after {earliest}")
    return new


@action("penalty_hearing_terminated", inputs={},
        outputs={"hearing": dict, "hearing_withdrawn": bool, "task_notes": dict})
def penalty_hearing_terminated(ctx) -> dict:
    """终止听证 (第一百四十九条): no record; the case goes on to the legal review, the ground kept."""
    case, data = serving.case_of(ctx), ctx.data
    key = data.get("termination_ground") or ""
    found = ground(TERMINATION_GROUNDS, key)
    if key in AT_THE_HEARING:
        _not_before_the_day(data, ("该情形", "this ground arises"), found["article"])
    today = clock.today_local().isoformat()
    kept = {k: v for k, v in (data.get("hearing") or {}).items() if k != "postpone_by"}
    termination = {**found, "reasons": _reasons(data), "on": today, "hearing_on": data["hearing_on"],
                   "by": ctx.actor, "while_suspended": kept.get("status") == "suspended",
                   "withdrawn": key == "withdrawn", "waived": key == "absent"}
    extra = ("当事人撤回听证申请。" if key == "withdrawn" else
             "视为放弃听证权利。" if key == "absent" else "")
    note = {"zh": f"听证已于 {today} 终止（{found['label']}，{found['article']}），情况：{termination['reasons']}。"
                  f"{extra}本案未制作听证笔录，依据案卷中的证据和当事人的陈述、申辩进行审核。",
            "en": f"The hearing was terminated on {today} ({found['label_en']}): {termination['reasons']}. "
                  "There is no hearing record; review on the file's evidence and the party's statement."}
    review = [*(data.get("task_notes") or {}).get("penalty_legal_review", []), note]
    audit.record(ctx.session, ctx.actor, "penalty.hearing_terminated", f"case:{case.ref}",
                 {"ground": key, "article": found["article"], "reasons": termination["reasons"],
                  "hearing_on": data["hearing_on"], "withdrawn": key == "withdrawn",
                  "while_suspended": termination["while_suspended"]})
    return {"hearing": {**kept, "status": "terminated", "termination": termination},
            "hearing_withdrawn": key == "withdrawn",
            "task_notes": hearing.task_notes(data, penalty_legal_review=review, hearing_record=None, hearing_resumption=None)}
