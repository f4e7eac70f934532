"""Modeler views: parse, call one modeling service, render (save, pick lists and timer checks answer JSON)."""
from __future__ import annotations

import json

from flask import Response, flash, jsonify, redirect, render_template, request, url_for

from casework.errors import CaseworkError, InvalidInput
from casework.services.modeling import drafts, forms, properties, versions
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


@signed_in(*MANAGERS)
def index():
    return render_template("modeler/index.html", models=versions.models_page(uow(), actor=current_actor()))


@signed_in(*MANAGERS)
def edit(key: str):
    version = _int("version")
    opened = drafts.open_model(uow(), actor=current_actor(), key=key, version=version)
    return render_template("modeler/edit.html", m=opened,
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
    if done["edited_forms"]:
        edited = ", ".join(f"{form} (修订 / revision {rev})" for form, rev in sorted(done["edited_forms"].items()))
        flash(f"随此版本部署的已修改表单 / edited forms stored with this version: {edited}")
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


@signed_in(*MANAGERS)
def palette():
    return jsonify(properties.palette(uow(), actor=current_actor(), actions=container().actions))


@signed_in(*MANAGERS)
def timer_check():
    return jsonify(properties.check_timer(request.args.get("kind", ""), request.args.get("text", "")[:4000]))


@signed_in(*MANAGERS)
def forms_index():
    wanted = (request.args.get("key") or "").strip()
    if wanted:
        return redirect(url_for("modeler.form", key=wanted))
    return render_template("modeler/forms.html", forms=forms.list_forms(uow(), actor=current_actor()))


@signed_in(*MANAGERS)
def form(key: str):
    return render_template("modeler/form.html", f=forms.open_form(uow(), actor=current_actor(), key=key), problems=[])


@signed_in(*MANAGERS)
def form_save(key: str):
    text = request.form.get("text", "")
    try:
        saved = forms.save_form(uow(), actor=current_actor(), key=key, text=text,
                                revision=_int("revision", request.form, 0))
    except CaseworkError as exc:  # shown next to the text the manager typed, which is kept
        shown = {**forms.open_form(uow(), actor=current_actor(), key=key), "text": text}
        problems = getattr(exc, "problems", None) or [{"where": "", "message": str(exc)}]
        return render_template("modeler/form.html", f=shown, problems=problems), exc.status
    flash(f"表单已保存 / form saved: {key} (修订 / revision {saved['revision']})")
    return redirect(url_for("modeler.form", key=key))


@signed_in(*MANAGERS)
def form_discard(key: str):
    forms.discard_form(uow(), actor=current_actor(), key=key, revision=_int("revision", request.form, 0))
    flash(f"表单修改已丢弃 / form edit discarded: {key}")
    return redirect(url_for("modeler.forms_index"))
