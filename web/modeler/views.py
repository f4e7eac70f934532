"""Modeler views: parse, call one modeling service, render (the save answers JSON for modeler.js)."""
from __future__ import annotations

import json

from flask import Response, flash, jsonify, redirect, render_template, request, url_for

from casework.engine.model.deploy import default_forms_dir
from casework.errors import CaseworkError, InvalidInput
from casework.services.modeling import drafts, versions
from web.access import container, current_actor, signed_in, uow

MANAGERS = ("manager",)


def _int(name: str, source=None, default: int | None = None) -> int | None:
    raw = (source if source is not None else request.args).get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(f"参数 {name} 须为整数 / {name} must be a whole number") from None


def _form_keys() -> list[str]:
    return sorted(p.stem for p in default_forms_dir().glob("*.json"))


@signed_in(*MANAGERS)
def index():
    return render_template("modeler/index.html", models=versions.models_page(uow(), actor=current_actor()))


@signed_in(*MANAGERS)
def edit(key: str):
    version = _int("version")
    opened = drafts.open_model(uow(), actor=current_actor(), key=key, version=version)
    return render_template("modeler/edit.html", m=opened, forms_json=json.dumps(_form_keys()),
                           actions_json=json.dumps(container().actions.names()),
                           problems_json=json.dumps(opened["problems"], ensure_ascii=False),
                           source_url=url_for("modeler.source", key=key, version=version))


@signed_in(*MANAGERS)
def source(key: str):
    opened = drafts.open_model(uow(), actor=current_actor(), key=key, version=_int("version"))
    return Response(opened["xml"], mimetype="application/xml")


@signed_in(*MANAGERS)
def save(key: str):
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("xml"), str):
        return jsonify({"message": "须提交 JSON：xml、base_version、revision / send JSON with xml, base_version, revision"}), 400
    try:
        saved = drafts.save_draft(uow(), actor=current_actor(), key=key, xml=body["xml"],
                                  base_version=_int("base_version", body), revision=_int("revision", body, 0),
                                  original=body["original"] if isinstance(body.get("original"), str) else None)
    except CaseworkError as exc:
        return jsonify({"message": str(exc), "status": exc.status}), exc.status
    return jsonify(saved)


@signed_in(*MANAGERS)
def deploy(key: str):
    done = drafts.deploy_draft(uow(), actor=current_actor(), key=key, revision=_int("revision", request.form, 0),
                               reason=request.form.get("reason", ""))
    flash(f"已部署 / deployed: {key} v{done['version']}")
    return redirect(url_for("modeler.index"))


@signed_in(*MANAGERS)
def discard(key: str):
    drafts.discard_draft(uow(), actor=current_actor(), key=key, revision=_int("revision", request.form, 0))
    flash(f"草稿已丢弃 / draft discarded: {key}")
    return redirect(url_for("modeler.index"))


@signed_in(*MANAGERS)
def diff(key: str):
    old, new = _int("old", default=1), _int("new", default=2)
    changes = versions.diff_versions(uow(), actor=current_actor(), key=key, old=old, new=new)
    return render_template("modeler/diff.html", key=key, old=old, new=new, diff=changes,
                           added_json=json.dumps([e["id"] for e in changes["added"]]),
                           changed_json=json.dumps([e["id"] for e in changes["changed"]]),
                           source_url=url_for("modeler.source", key=key, version=new))


@signed_in(*MANAGERS)
def preview(key: str):
    source_v, target_v = _int("from", default=1), _int("to", default=2)
    rows = versions.preview_bulk(uow(), actor=current_actor(), key=key, from_version=source_v, to_version=target_v)
    return render_template("modeler/migrate.html", key=key, source=source_v, target=target_v, rows=rows)


@signed_in(*MANAGERS)
def migrate(key: str):
    chosen = [int(i) for i in request.form.getlist("instance") if i.isdigit()]
    results = versions.apply_bulk(uow(), actor=current_actor(), key=key, from_version=_int("from", request.form),
                                  to_version=_int("to", request.form), instances=chosen)
    moved = sum(r["ok"] for r in results)
    flash(f"已迁移 / migrated: {moved}/{len(results)}")
    for r in results:
        if not r["ok"]:
            flash(f"#{r['instance']}: {r['message']}", "error")
    return redirect(url_for("modeler.index"))
