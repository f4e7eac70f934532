"""The hearing (听证): held within ten days of the request, its notice served seven days
before, and its record.

公安程序规定 第一百三十七条: the hearing is held within ten days (natural days, 第三十五条) of the
day the request was received. When the request is registered (`penalty_hearing_requested`) that
limit becomes the `hearing_limit` period, and the clerk's scheduling task is due on the last day
a notice can still be served seven working days before it; a date after the limit is refused.
When even a notice served today cannot reach the limit (a request on a Friday; a late schedule),
the two rules cannot both hold: the seven working days are the Law's (APL 第六十四条第二项,
第八十五条) and a hearing requested is the party's right, so the latest date is then the first
working day after them, and the late schedule shows as overdue in the queue.

APL 第六十四条第二项 and 公安程序规定 第一百三十六条 require the 听证通知书 be served at least
seven days (working days, APL 第八十五条) before the hearing. The notice is issued with the date
the clerk chose (refused at once when even service today would be too late); the process then
waits for its service like the 告知书 (`serving`), and only then decides: served in time, the
hearing is held on that date; served too late, that date is refused and the clerk sets a new
one (a new notice, served again). The clerk reads why on the task (`task_notes`), the unit on
its portal case page (`hearing` in the process data).
"""
from __future__ import annotations

from datetime import date, timedelta


from casework import audit, clock, documents
from casework.engine import action
from casework.errors import InvalidInput, RuleViolation
from casework.legal_calendar import BUREAU, PARTY
from casework.services.cases.documents import issue_for_case
from casework.services.penalty import documents as penalty_documents
from casework.services.penalty import serving, terms
from casework.storage.holidays import calendar_of

ARTICLE = terms.ARTICLES["hearing_notice"]
LIMIT_ARTICLE = terms.ARTICLES["hearing_limit"]


def notice_ends(session, served_on: date) -> date:
    """The last of the seven working days that must pass between service and the hearing."""
    return date.fromisoformat(serving.period(session, served_on, terms.HEARING_NOTICE_PERIOD, PARTY,
                                             "hearing_notice")["date"])


def serve_by(session, today: date, hearing_on: date) -> date:
    """The last day the notice may be served for the hearing to keep its date."""
    day = today
    while notice_ends(session, day + timedelta(days=1)) < hearing_on:
        day += timedelta(days=1)
    return day


def first_lawful(session, today: date) -> date:
    """The first working day a hearing can be held if its notice is served today."""
    day, calendar = notice_ends(session, today) + timedelta(days=1), calendar_of(session)
    while not calendar.is_working_day(day, BUREAU):
        day += timedelta(days=1)
    return day


def latest_on(session, today: date, limit: date) -> date:
    """The latest date the clerk may set today: the limit, or when service today can no longer
    keep it, the first lawful day (the Law's seven working days prevail over the rule's ten)."""
    return max(limit, first_lawful(session, today))


def limit_of(data: dict) -> dict | None:
    """The process's `hearing_limit` period (None for a process started before it existed)."""
    return (data.get("periods") or {}).get("hearing_limit")


def held_by(limit: dict, latest: date) -> tuple[str, str]:
    """By when the hearing must be held, with the article (zh, en)."""
    end, late = limit["date"], latest.isoformat() != limit["date"]
    later = (f"；已无法于该日前七日送达听证通知书，最迟于 {latest} 举行" if late else "",
             f"; the notice can no longer reach it, so {latest} at the latest" if late else "")
    if limit.get("postponed_from"):
        return (f"准许延期后，听证应于 {end} 举行（{limit['article']}）{later[0]}",
                f"after the postponement the hearing is held on {end}{later[1]}")
    if limit.get("resumed_from"):
        return (f"中止后恢复听证，听证应于 {end} 举行（{limit['article']}）{later[0]}",
                f"the suspended hearing resumes on {end}{later[1]}")
    return (f"听证应当在收到听证申请之日（{limit['received_on']}）起十日内举行，即不晚于 {end}"
            f"（{limit['article']}）{later[0]}",
            f"the hearing must be held within ten days of the request received on "
            f"{limit['received_on']}, by {end}{later[1]}")


def too_late(limit: dict, on: date, latest: date) -> str:
    """Why `on` is refused: past the ten days (or the postponed date)."""
    zh, en = held_by(limit, latest)
    return f"{zh}，不得定于 {on} / {en}: not on {on}"


@action("penalty_hearing_requested", inputs={},
        outputs={"hearing_schedule_due_at": str, "periods": dict, "task_notes": dict})
def penalty_hearing_requested(ctx) -> dict:
    """The request is received today: the hearing is held within ten days (第一百三十七条); the
    clerk schedules it by the last day its notice can be served seven working days before."""
    case = serving.case_of(ctx)
    received = clock.today_local()
    found = serving.period(ctx.session, received, terms.HEARING_HELD_PERIOD, BUREAU, "hearing_limit")
    limit = date.fromisoformat(found["date"])
    latest = latest_on(ctx.session, received, limit)
    by = serve_by(ctx.session, received, latest)
    zh = (f"听证申请于 {received} 收到，听证应当在十日内举行，即不晚于 {limit}（{LIMIT_ARTICLE}）；"
          f"听证通知书须于听证七日前送达（{ARTICLE}），故须于 {by} 前安排听证并送达通知书。")
    en = (f"Hearing requested on {received}: it must be held within ten days, by {limit}; the notice "
          f"must be served seven working days before, so schedule and serve it by {by}.")
    if latest > limit:
        zh += f"即使今日送达，七个工作日届满也已晚于 {limit}：听证最迟于 {latest} 举行。"
        en += f" Even served today the seven working days end after {limit}: {latest} at the latest."
    periods = dict(ctx.data.get("periods") or {}, hearing_limit={**found, "received_on": received.isoformat()})
    audit.record(ctx.session, ctx.actor, "penalty.hearing_requested", f"case:{case.ref}",
                 {"received_on": received.isoformat(), "limit": limit.isoformat(),
                  "latest": latest.isoformat(), "schedule_by": by.isoformat()})
    return {"hearing_schedule_due_at": clock.end_of_local_day_utc(by).isoformat(), "periods": periods,
            "task_notes": task_notes(ctx.data, hearing_schedule=[{"zh": zh, "en": en}])}


def task_notes(data: dict, **forms) -> dict:
    """The process's task notes with `forms` replaced (None: removed)."""
    notes = dict(data.get("task_notes") or {}, **forms)
    return {form: lines for form, lines in notes.items() if lines is not None}


@action("penalty_hearing_notice", inputs={},
        outputs={"hearing_notice_number": str, "hearing": dict, "task_notes": dict,
                 "awaiting_service": str, "serving": str, "service_route": str,
                 "receipt_by_at": str, "service_due_at": str})
def penalty_hearing_notice(ctx) -> dict:
    """听证通知书 for the date the clerk set, then wait for its service. A date that even
    service today could not reach seven working days ahead is refused now."""
    case = serving.case_of(ctx)
    today = clock.today_local()
    on = date.fromisoformat(ctx.data["hearing_on"])
    earliest = notice_ends(ctx.session, today)
    if on <= earliest:
        raise InvalidInput(f"听证通知书应于举行听证的七日前送达（{ARTICLE}），即使今日送达，听证日期也须晚于 "
                           f"{earliest} / the notice must be served seven working days before the "
                           f"hearing: even if served today, the hearing must be after {earliest}")
    limit = limit_of(ctx.data)
    if limit is not None:
        last = latest_on(ctx.session, today, date.fromisoformat(limit["date"]))
        if on > last:
            raise RuleViolation(too_late(limit, on, last))
    latest = serve_by(ctx.session, today, on)
    document = issue_for_case(ctx.session, ctx.resources["files"], case, "hearing_notice", ctx.data,
                              ctx.actor)
    before = ctx.data.get("hearing") or {}
    hearing = {"on": on.isoformat(), "place": ctx.data["place"], "notice": document.number,
               "status": "waiting_service", "serve_by": latest.isoformat(), "article": ARTICLE,
               **({"limit": limit["date"], "limit_article": limit["article"]} if limit else {}),
               **{k: before[k] for k in ("postponements", "suspensions") if before.get(k)}}
    note = {"zh": f"听证通知书{document.number}须于 {latest} 前送达，听证方能于 {on} 举行（{ARTICLE}）；"
                  "逾期送达的，须重新确定听证日期。",
            "en": f"Hearing notice {document.number} must be served by {latest} for the hearing to "
                  f"be held on {on} ({ARTICLE}); served later, a new date must be set."}
    audit.record(ctx.session, ctx.actor, "penalty.hearing_noticed", f"case:{case.ref}",
                 {"number": document.number, "hearing_on": on.isoformat(), "serve_by": latest.isoformat()})
    due = clock.end_of_local_day_utc(latest).isoformat()
    return {"hearing_notice_number": document.number, "hearing": hearing,
            "task_notes": task_notes(ctx.data, penalty_service=[note], hearing_schedule=None),
            **serving.awaiting(ctx.session, document, "hearing_notice", due)}


@action("penalty_hearing_served", inputs={},
        outputs={"hearing_notice_timely": bool, "hearing": dict, "task_notes": dict, "periods": dict,
                 "hearing_due_at": str})
def penalty_hearing_served(ctx) -> dict:
    """The notice is served: the hearing keeps its date only if seven working days lie between
    service and the hearing; otherwise the date is refused and the clerk sets a new one."""
    case = serving.case_of(ctx)
    served_on = date.fromisoformat(ctx.data["served_on"])
    on = date.fromisoformat(ctx.data["hearing_on"])
    found = serving.period(ctx.session, served_on, terms.HEARING_NOTICE_PERIOD, PARTY, "hearing_notice")
    ends = date.fromisoformat(found["date"])
    timely = on > ends
    number = ctx.data["hearing_notice_number"]
    hearing = {**(ctx.data.get("hearing") or {}), "served_on": served_on.isoformat(),
               "earliest": (ends + timedelta(days=1)).isoformat()}
    due = ""
    if timely:
        hearing["status"] = "scheduled"
        hearing["postpone_by"] = (on - timedelta(days=1)).isoformat()  # 第一百三十八条: before the day
        due = clock.end_of_local_day_utc(on).isoformat()
        note = {"zh": f"听证通知书{number}已于 {served_on} 送达，距听证日 {on} 已满七日（{ARTICLE}）。",
                "en": f"Hearing notice {number} was served on {served_on}, seven working days or more "
                      f"before the hearing on {on} ({ARTICLE})."}
        notes = task_notes(ctx.data, hearing_record=[note], hearing_schedule=None, penalty_service=None)
    else:
        hearing["status"] = "date_refused"
        hearing["reason"] = (f"听证通知书{number}于 {served_on} 送达，距听证日 {on} 不足七日（{ARTICLE}），"
                             f"不得于该日举行听证；须重新确定听证日期（不早于 {ends + timedelta(days=1)}）"
                             f"并重新送达听证通知书。")
        hearing["reason_en"] = (f"Hearing notice {number} was served on {served_on}, less than seven "
                                f"working days before the hearing on {on} ({ARTICLE}): the hearing cannot "
                                f"be held that day; a new date (not before {ends + timedelta(days=1)}) and "
                                "a new notice are needed.")
        note = {"zh": hearing["reason"], "en": hearing["reason_en"]}
        limit = limit_of(ctx.data)
        if limit is not None:
            last = latest_on(ctx.session, clock.today_local(), date.fromisoformat(limit["date"]))
            zh, en = held_by(limit, last)
            note = {"zh": f"{note['zh']}{zh}。", "en": f"{note['en']} {en[0].upper()}{en[1:]}."}
        notes = task_notes(ctx.data, hearing_schedule=[note], hearing_record=None, penalty_service=None)
    periods = dict(ctx.data.get("periods") or {}, hearing_notice={**found, "served_on": served_on.isoformat()})
    audit.record(ctx.session, ctx.actor, "penalty.hearing_notice_served", f"case:{case.ref}",
                 {"number": number, "served_on": served_on.isoformat(), "hearing_on": on.isoformat(),
                  "notice_ends": ends.isoformat(), "timely": timely})
    return {"hearing_notice_timely": timely, "hearing": hearing, "task_notes": notes, "periods": periods,
            "hearing_due_at": due or ctx.data.get("hearing_due_at", "")}


@action("penalty_hearing_record", inputs={}, outputs={"hearing_record_number": str, "hearing": dict})
def penalty_hearing_record(ctx) -> dict:
    """听证笔录 (APL 第六十四条第八项; 公安程序规定 第一百五十一条): issued as a document of the
    case from what the record task holds; kept in the file, not offered for service. No record
    before the day the served notice set for the hearing."""
    case = serving.case_of(ctx)
    on = date.fromisoformat(ctx.data["hearing_on"])
    if clock.today_local() < on:
        raise RuleViolation(f"听证定于 {on} 举行，听证通知书载明的日期之前不得举行听证（{ARTICLE}） / "
                            f"the hearing is set for {on}: it cannot be held before the date the notice states")
    context = penalty_documents.hearing_record(ctx.session, case, case.unit,
                                               {**ctx.data, "recorder": ctx.data.get("recorder") or ctx.actor})
    document = documents.issue(ctx.session, ctx.resources["files"], kind="hearing_record",
                               jurisdiction_id=case.jurisdiction_id, unit_id=case.unit_id,
                               case_ref=case.ref, context=context, actor=ctx.actor)
    audit.record(ctx.session, ctx.actor, "penalty.hearing_recorded", f"case:{case.ref}",
                 {"number": document.number, "outcome": ctx.data.get("outcome", "")})
    hearing = {**(ctx.data.get("hearing") or {}), "status": "held", "record": document.number}
    return {"hearing_record_number": document.number, "hearing": hearing}
