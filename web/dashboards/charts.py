"""The dashboard service's plain data as chart specs for web/static/js/dashboard.js."""
from __future__ import annotations

from flask_babel import get_locale

from casework.services.cases import titles
from casework.services.dashboards import NEAR_LIMIT_BUCKETS
from web.i18n import gettext as _


def process_names() -> dict[str, str]:
    return {"acceptance": _("Acceptance"), "filing": _("Filing"), "rectification": _("Rectification"),
            "inspection": _("Inspection"), "footage_access": _("Footage access"),
            "penalty": _("Administrative penalty")}


def outcome_names() -> dict[str, str]:
    return {"corrected": _("Corrected"), "defence_accepted": _("Defence accepted"),
            "referred_to_penalty": _("Referred to penalty"), "overdue": _("Overdue")}


def bucket_names() -> dict[str, str]:
    return {"overdue": _("Past the limit"), "0-7": _("0–7 days left"), "8-15": _("8–15 days left")}


def chart_data(board: dict) -> dict:
    """{"charts": {key: spec}}: the JSON the dashboard page embeds."""
    places = {j["id"]: j["name"] for j in board["jurisdictions"]}
    return {"charts": {
        "open_by_stage": _open_by_stage(board["open_by_stage"], places, board.get("form_titles") or {}),
        "overdue": _overdue(board["overdue"], places),
        "near_limit": _near_limit(board["near_decision_limit"]["buckets"], places,
                                  board["decision_limit"]["days"]),
        "rectification_outcomes": _outcomes(board["rectification_outcomes"]),
    }}


def _series(rows: list[dict], categories: list, category_of, series_of, names: dict) -> list[dict]:
    """One series per key of `names` (in order) that counts anything, aligned with `categories`."""
    index = {c: i for i, c in enumerate(categories)}
    counts = {key: [0] * len(categories) for key in names}
    for row in rows:
        key, category = series_of(row), category_of(row)
        if key in counts and category in index:
            counts[key][index[category]] += row["cases"]
    return [{"name": names[key], "data": counts[key]} for key in names if any(counts[key])]


def _open_by_stage(rows: list[dict], places: dict, form_titles: dict) -> dict:
    """One bar per stage, named in the page's language; where the stage's cases run several
    versions of their process, by the newest version's form."""
    processes, lang = process_names(), get_locale().language
    stages: list[tuple] = []
    newest: dict[tuple, dict] = {}
    for row in rows:
        stage = (row["process"], row["stage"])
        if stage not in newest:
            stages.append(stage)
        if stage not in newest or (row.get("model_version_id") or 0) > (newest[stage].get("model_version_id") or 0):
            newest[stage] = row
    labels = []
    for stage in stages:
        row = newest[stage]
        step = (titles.task_title(row["name"], row.get("form_key"), lang, form_titles.get(row.get("model_version_id")))
                if row["name"] else _("no open task"))
        labels.append(f"{processes.get(row['process'], row['process'])} · {step}")
    return {"title": _("Open cases by stage and jurisdiction"), "type": "bar", "stack": True,
            "horizontal": True, "categories": labels, "empty": _("No open cases"),
            "series": _series(rows, stages, lambda r: (r["process"], r["stage"]),
                              lambda r: r["jurisdiction_id"], places)}


def _overdue(rows: list[dict], places: dict) -> dict:
    ids = [i for i in places if any(r["jurisdiction_id"] == i for r in rows)]
    kinds = {k: v for k, v in process_names().items() if any(r["kind"] == k for r in rows)}
    return {"title": _("Overdue open cases"), "type": "bar", "stack": True,
            "categories": [places[i] for i in ids], "empty": _("Nothing overdue"),
            "series": _series(rows, ids, lambda r: r["jurisdiction_id"], lambda r: r["kind"], kinds)}


def _near_limit(rows: list[dict], places: dict, days: int) -> dict:
    buckets = [name for _low, _high, name in NEAR_LIMIT_BUCKETS]
    labels = bucket_names()
    return {"title": _("Cases near the %(days)d-day decision limit", days=days), "type": "bar",
            "stack": True, "categories": [labels[b] for b in buckets],
            "empty": _("No case is near its decision limit"),
            "series": _series(rows, buckets, lambda r: r["bucket"], lambda r: r["jurisdiction_id"], places)}


def _outcomes(outcomes: dict) -> dict:
    names = outcome_names()
    seen = {r["outcome"] for r in outcomes["rows"]}
    names = {**{k: v for k, v in names.items() if k in seen}, **{k: k for k in sorted(seen - set(names))}}
    return {"title": _("Rectification outcomes by month"), "type": "bar", "stack": True,
            "categories": outcomes["months"], "empty": _("No rectification case closed in these months"),
            "series": _series(outcomes["rows"], outcomes["months"], lambda r: r["month"],
                              lambda r: r["outcome"], names)}
