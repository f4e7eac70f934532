"""The dashboard page: one service call, its plain data shaped into chart specs for dashboard.js."""
from __future__ import annotations

import json
from collections import defaultdict

from flask import render_template
from flask_babel import gettext as _

from casework.services import dashboards
from web.access import current_actor, signed_in, uow


def _chart(title, categories, rows, category_key, series_key, series_names, **extra) -> dict:
    counts: dict = defaultdict(int)
    for row in rows:
        counts[(row[series_key], row[category_key])] += row["cases"]
    keys = sorted({row[series_key] for row in rows}, key=str)
    return {"title": title, "type": "bar", "stack": True, "categories": [c[1] for c in categories],
            "series": [{"name": series_names.get(k, str(k)), "data": [counts[(k, c[0])] for c in categories]}
                       for k in keys],
            "empty": _("No data"), "axis_name": _("cases"), **extra}


def charts(data: dict) -> dict:
    names = {j["id"]: j["name"] for j in data["jurisdictions"]}
    stages = sorted({(r["process"], r["stage"]): r["name"] or r["process"] for r in data["open_by_stage"]}.items())
    by_stage = [{**r, "key": (r["process"], r["stage"])} for r in data["open_by_stage"]]
    kinds = sorted({r["kind"] for r in data["overdue"]})
    overdue = [{**r, "key": r["kind"]} for r in data["overdue"]]
    buckets = [(b, {"overdue": _("past the limit")}.get(b, _("%(b)s days left", b=b)))
               for b in ("overdue", "0-7", "8-15")]
    months = sorted({r["month"] for r in data["rectification_outcomes"]})
    return {
        "open_by_stage": _chart(_("Open cases by stage and jurisdiction"), [(k, v) for k, v in stages],
                                by_stage, "key", "jurisdiction_id", names, horizontal=True),
        "overdue": _chart(_("Overdue cases by process and jurisdiction"), [(k, k) for k in kinds],
                          overdue, "key", "jurisdiction_id", names),
        "near_limit": _chart(_("Cases near the 90-day decision limit"), buckets,
                             data["near_decision_limit"]["buckets"], "bucket", "jurisdiction_id", names),
        "outcomes": _chart(_("Rectification outcomes by month"), [(m, m) for m in months],
                           data["rectification_outcomes"], "month", "outcome", {}),
    }


@signed_in(*dashboards.DASHBOARD_ROLES)
def index():
    data = dashboards.dashboard(uow(), actor=current_actor())
    specs = charts(data)
    payload = json.dumps({"charts": specs}, ensure_ascii=False).replace("</", "<\\/")
    return render_template("dashboards/index.html", data=data, charts=specs, payload=payload)
