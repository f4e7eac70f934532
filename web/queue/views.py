"""Queue views: parse, call one service, render (htmx gets the rows fragment)."""
from __future__ import annotations

import secrets
import time
from collections import namedtuple
from functools import lru_cache
from urllib.parse import quote, urlencode

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from markupsafe import Markup

from casework.errors import CaseworkError
from casework.services import queues
from casework.services.cases import titles
from casework.services.processes import tasks
from web import forms, i18n, idempotency
from web.i18n import gettext as _
from web.queue import drawn
from web.access import container, current_actor, read_uow, signed_in, uow

STAFF = ("clerk", "inspector", "legal_reviewer", "bureau_head", "manager", "scheduler", "auditor", "admin")


@signed_in()
def index():
    return redirect(url_for("queue.tasks"))


def _query() -> dict:
    return {k: v for k, v in request.args.items() if k in queues.FILTERS and v}


# What a row shows; queue/_row.html reads nothing else of it, so with the actor's two buttons and
# the link prefixes it is the key the row's HTML is kept by (queue.drawn).
ShownRow = namedtuple("ShownRow", ("id", "overdue", "due_at", "days", "provisional", "basis", "name",
                                   "process", "role", "case_path", "case_ref", "assignee"))
# The filter form's fields (queue/_filters.html): absent ones None.
ShownFilters = namedtuple("ShownFilters", queues.FILTERS, defaults=(None,) * len(queues.FILTERS))


def _shown_rows(rows: list[dict], lang: str) -> list[ShownRow]:
    """The page's rows as shown: the task's title and legal basis in `lang`, the days left or
    overdue (translated once per page) and the case link."""
    left, overdue = _("%(n)d day(s) left"), _("Overdue by %(n)d day(s)")
    shown = []
    for r, name in zip(rows, titles.task_titles(read_uow(), rows, lang)):
        texts = titles.shown_row(r, name, lang)
        days = r["remaining_days"]
        shown.append(ShownRow(
            r["id"], r["overdue"], r["due_at"],
            "" if days is None else overdue % {"n": -days} if r["overdue"] else left % {"n": days},
            r["provisional"], texts.get("basis", r["basis"]), texts["name"], r["process"], r["role"],
            _case_path(r["case_ref"] or ""), r["case_ref"], r["assignee"]))
    return shown


@lru_cache(maxsize=8192)
def _case_path(ref: str) -> str:
    return quote(ref, safe="/")


def row_html(rows: list[ShownRow], actor, lang: str) -> list[Markup]:
    u_tasks, u_cases, draw = url_for("queue.tasks"), url_for("cases.index"), drawn.ROWS.draw
    return [draw(lang, r, r.assignee == actor.name, not r.assignee and r.role in actor.roles, u_tasks, u_cases)
            for r in rows]


@signed_in()
def task_list():
    view = request.args.get("view", "group")
    page = queues.queue(read_uow(), actor=current_actor(), view=view, filters=_query(),
                        after=request.args.get("after") or None)
    args = {"view": view, **page["filters"]}
    here = url_for("queue.tasks")
    filtered = _link_query(page["filters"])  # encoded once: the page's links differ in view and cursor only

    def link(to_view: str, after: str | None = None) -> str:
        return f"{here}?{_link_query({'view': to_view})}{filtered and '&' + filtered}" + (
            f"&{_link_query({'after': after})}" if after else "")

    next_link = page["next"] and link(view, page["next"])
    lang = get_locale().language
    rows = drawn.draw("queue/_rows.html", "rows", row_html(_shown_rows(page["rows"], lang), current_actor(), lang),
                      next_link)
    if request.headers.get("HX-Request") and request.args.get("after"):
        return rows
    names = {"mine": _("My tasks"), "group": _("My group's tasks"), "all": _("All I may see")}
    tabs = [(v, names[v], link(v)) for v in queues.VIEWS]
    saved = [(s["name"], f"{here}?{_link_query(s['query'])}") for s in _saved_filters(current_actor())]
    filters = drawn.FILTERS.draw(lang, view, ShownFilters(**page["filters"]), queues.STATUSES)
    return render_template("queue/tasks.html", page=page, rows=rows, args=args, saved=saved, tabs=tabs,
                           filters=filters)


def _link_query(args: dict) -> str:
    """A queue link's query: a yes/no filter as 1/0, as the filter form sends it."""
    return urlencode({k: "1" if v is True else "0" if v is False else v for k, v in args.items()})


SAVED_FILTERS_TTL_S = 5.0
_saved: dict[tuple, tuple[float, list]] = {}


def _saved_filters(actor) -> list[dict]:
    """The user's saved filters, kept a few seconds per worker (a queue page then costs one
    query, its rows). Keyed by the session's filters revision, which saving or deleting one
    renews: the user's own change shows at once on any worker, another browser's within
    SAVED_FILTERS_TTL_S."""
    key, now = (actor.name, session.get("filters_rev")), time.monotonic()
    hit = _saved.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    rows = queues.list_saved_filters(read_uow(), actor=actor)
    if len(_saved) >= 10_000:
        _saved.clear()
    _saved[key] = (now + SAVED_FILTERS_TTL_S, rows)
    return rows


def _back():
    target = request.form.get("back") or ""
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("queue.tasks"))


@signed_in()
def claim(item_id: int):
    tasks.claim_task(uow(), actor=current_actor(), work_item_id=item_id)
    flash(_("Task %(id)d claimed.", id=item_id))
    return _back()


@signed_in()
def unclaim(item_id: int):
    tasks.unclaim_task(uow(), actor=current_actor(), work_item_id=item_id)
    flash(_("Task %(id)d given back.", id=item_id))
    return _back()


@signed_in(*STAFF)
def bulk():
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    if not ids:
        flash(_("Select at least one task."), "error")
        return _back()
    if request.form.get("action") == "reassign":
        queues.hand_over(uow(), actor=current_actor(), ids=ids, to=request.form.get("to", "").strip())
        flash(_("%(n)d task(s) handed over.", n=len(ids)))
    else:
        queues.bulk_claim(uow(), actor=current_actor(), ids=ids)
        flash(_("%(n)d task(s) claimed.", n=len(ids)))
    return _back()


@signed_in()
def task(item_id: int):
    if request.method == "POST":  # a double click or a retry completes the task once
        return idempotency.once(lambda: _task(item_id), fallback=url_for("queue.tasks"))
    return _task(item_id)


def _task(item_id: int):
    actor = current_actor()
    item = tasks.task_form(uow(), actor=actor, work_item_id=item_id)
    lang = get_locale().language
    raw, errors, problem, status = {}, {}, "", 200
    if request.method == "POST":
        uploads = {k: request.files.getlist(k) for k in request.files}
        data, raw, errors = forms.parse(item["form"], request.form, uploads, container().files)
        errors = {**forms.validate(item["form"], data), **errors}
        if not errors:
            try:
                result = tasks.complete_task(uow(), actor=actor, work_item_id=item_id, data=data)
            except CaseworkError as exc:
                problem, status = i18n.shown(exc), exc.status
            else:
                flash(_("Done: %(ref)s", ref=result["case_ref"]))
                return redirect(url_for("queue.tasks"))
        else:
            status = 422
    return render_template("queue/task.html", item=item, title=forms.title(item["form"], lang),
                           fields=forms.fields(item["form"], raw, errors, lang),
                           problem=problem, errors=errors), status


@signed_in()
def save_filter():
    query = {k: v for k, v in request.form.items() if k in queues.FILTERS or k == "view"}
    queues.save_filter(uow(), actor=current_actor(), name=request.form.get("name", ""), query=query)
    session["filters_rev"] = secrets.token_hex(4)
    flash(_("Filter saved."))
    return redirect(url_for("queue.tasks", **{k: v for k, v in query.items() if v}))


@signed_in()
def delete_filter(filter_id: int):
    queues.delete_filter(uow(), actor=current_actor(), filter_id=filter_id)
    session["filters_rev"] = secrets.token_hex(4)
    return redirect(url_for("queue.tasks"))
