"""Modeler views: parse, call one modeling service, render (save, pick lists and timer checks answer JSON)."""
from __future__ import annotations

import json

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale

from casework.errors import CaseworkError, InvalidInput
from casework.services.modeling import drafts, form_fields, forms, properties, versions
from web.access import container, current_actor, signed_in, uow
from web import forms as renderer
from web import i18n
from web.i18n import gettext as _

MANAGERS = ("manager",)


def _lang() -> str:
    return get_locale().language


def _int(name: str, source=None, default: int | None = None) -> int | None:
    raw = (source if source is not None else request.args).get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(_("%(name)s must be a whole number", name=name)) from None


@signed_in(*MANAGERS)
def index():
    return render_template("modeler/index.html", models=versions.models_page(uow(), actor=current_actor()))


@signed_in(*MANAGERS)
def edit(key: str):
    version = _int("version")
    opened = drafts.open_model(uow(), actor=current_actor(), key=key, version=version)
    return render_template("modeler/edit.html", m=opened,
                           problems_json=json.dumps(i18n.problems(opened["problems"], _lang()), ensure_ascii=False),
                           source_url=url_for("modeler.source", key=key, version=version))


@signed_in(*MANAGERS)
def source(key: str):
    opened = drafts.open_model(uow(), actor=current_actor(), key=key, version=_int("version"))
    return Response(opened["xml"], mimetype="application/xml")


@signed_in(*MANAGERS)
def save(key: str):
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("xml"), str):
        return jsonify({"message": _("Send JSON with xml, base_version and revision.")}), 400
    try:
        saved = drafts.save_draft(uow(), actor=current_actor(), key=key, xml=body["xml"],
                                  base_version=_int("base_version", body), revision=_int("revision", body, 0),
                                  original=body["original"] if isinstance(body.get("original"), str) else None)
    except CaseworkError as exc:
        return jsonify({"message": str(exc), "text": i18n.one_language(str(exc), _lang()),
                        "status": exc.status}), exc.status
    return jsonify({**saved, "problems": i18n.problems(saved["problems"], _lang())})


@signed_in(*MANAGERS)
def deploy(key: str):
    done = drafts.deploy_draft(uow(), actor=current_actor(), key=key, revision=_int("revision", request.form, 0),
                               reason=request.form.get("reason", ""))
    flash(_("Deployed: %(key)s v%(version)s", key=key, version=done["version"]))
    if done["edited_forms"]:
        edited = ", ".join(_("%(form)s (revision %(revision)s)", form=form, revision=rev)
                           for form, rev in sorted(done["edited_forms"].items()))
        flash(_("Edited forms stored with this version: %(forms)s", forms=edited))
    return redirect(url_for("modeler.index"))


@signed_in(*MANAGERS)
def discard(key: str):
    drafts.discard_draft(uow(), actor=current_actor(), key=key, revision=_int("revision", request.form, 0))
    flash(_("Draft discarded: %(key)s", key=key))
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
    shown = [{**r, "reasons": [i18n.one_language(why, _lang()) for why in r["reasons"]]} for r in rows]
    return render_template("modeler/migrate.html", key=key, source=source_v, target=target_v, rows=shown)


@signed_in(*MANAGERS)
def migrate(key: str):
    chosen = [int(i) for i in request.form.getlist("instance") if i.isdigit()]
    results = versions.apply_bulk(uow(), actor=current_actor(), key=key, from_version=_int("from", request.form),
                                  to_version=_int("to", request.form), instances=chosen)
    moved = sum(r["ok"] for r in results)
    flash(_("Migrated: %(moved)s/%(total)s", moved=moved, total=len(results)))
    for r in results:
        if not r["ok"]:
            flash(f"#{r['instance']}: {i18n.one_language(r['message'], _lang())}", "error")
    return redirect(url_for("modeler.index"))


@signed_in(*MANAGERS)
def palette():
    return jsonify(properties.palette(uow(), actor=current_actor(), actions=container().actions))


@signed_in(*MANAGERS)
def timer_check():
    answer = properties.check_timer(request.args.get("kind", ""), request.args.get("text", "")[:4000])
    return jsonify({**answer, "text": i18n.one_language(answer["message"], _lang())})


@signed_in(*MANAGERS)
def forms_index():
    wanted = (request.args.get("key") or "").strip()
    if wanted:
        return redirect(url_for("modeler.form", key=wanted))
    return render_template("modeler/forms.html", forms=forms.list_forms(uow(), actor=current_actor()))


def _form_page(opened: dict, *, text: str, base: str, editor: dict | None = None, found: list[dict] = (),
               advanced: list[dict] = (), status: int = 200):
    """The form page: the structured editor (rows over `base`), the preview of `text` drawn by the
    task pages' renderer, the advanced text; `found` are the editor's problems, `advanced` the text's."""
    lang = _lang()
    one = [{part: i18n.one_language(str(p.get(part, "")), lang) for part in ("where", "message")} for p in found]
    if editor is None:
        try:
            parsed = json.loads(base)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):  # the advanced text is no form: the rows show what is saved
            base, parsed = opened["text"], json.loads(opened["text"])
        editor = form_fields.rows_of(parsed)
    placed = form_fields.placed(one, [r["name"] for r in editor["fields"]])
    form, _problems = forms.check_form(text) if not found else (None, found)
    preview = renderer.fields(form, {}, {}, lang) if form else None
    shown = [{part: i18n.one_language(str(p.get(part, "")), lang) for part in ("where", "message")}
             for p in advanced]
    page = "modeler/_form_workspace.html" if request.headers.get("HX-Request") else "modeler/form.html"
    return render_template(page, f=opened, text=text, base=base, editor=editor, placed=placed, preview=preview,
                           preview_title=renderer.title(form, lang) if form else "", problems=shown,
                           kinds=form_fields.KINDS), status


@signed_in(*MANAGERS)
def form(key: str):
    opened = forms.open_form(uow(), actor=current_actor(), key=key)
    return _form_page(opened, text=opened["text"], base=opened["text"])


@signed_in(*MANAGERS)
def form_save(key: str):
    text = request.form.get("text", "")
    try:
        saved = forms.save_form(uow(), actor=current_actor(), key=key, text=text,
                                revision=_int("revision", request.form, 0))
    except CaseworkError as exc:  # shown next to the text the manager typed, which is kept
        found = getattr(exc, "problems", None) or [{"where": "", "message": str(exc)}]
        return _form_page(forms.open_form(uow(), actor=current_actor(), key=key),
                          text=text, base=text, advanced=found, status=exc.status)
    flash(_("Form saved: %(key)s (revision %(revision)s)", key=key, revision=saved["revision"]))
    return redirect(url_for("modeler.form", key=key))


ROW_PARTS = ("name", "was", "kind", "label_zh", "label_en", "options", "pattern", "min_length", "max_length",
             "minimum", "maximum")


def _rows() -> list[dict]:
    count = min(_int("field_count", request.form, 0) or 0, form_fields.MAX_FIELDS + 1)
    return [{**{part: request.form.get(f"field-{i}-{part}", "") for part in ROW_PARTS},
             "required": bool(request.form.get(f"field-{i}-required"))}
            for i in range(count) if f"field-{i}-name" in request.form]


@signed_in(*MANAGERS)
def form_fields_edit(key: str):
    """The structured editor's post: `op` add / remove-N / up-N / down-N or a preview (the page or,
    for htmx, its workspace again, nothing saved), or save."""
    base, op = request.form.get("base", ""), request.form.get("op", "")
    title = {"zh": request.form.get("title_zh", ""), "en": request.form.get("title_en", "")}
    rows = form_fields.edit_rows(_rows(), op)
    editor = {"title_zh": title["zh"], "title_en": title["en"], "fields": rows}
    if op == "save":
        try:
            saved = form_fields.save_rows(uow(), actor=current_actor(), key=key, base_text=base, title=title,
                                          rows=rows, revision=_int("revision", request.form, 0))
        except CaseworkError as exc:
            found = getattr(exc, "problems", None) or [{"where": "", "message": str(exc)}]
            text, _form, _problems = form_fields.build(base, title, rows)
            opened = forms.open_form(uow(), actor=current_actor(), key=key)
            return _form_page(opened, text=text, base=base, editor=editor, found=found, status=exc.status)
        flash(_("Form saved: %(key)s (revision %(revision)s)", key=key, revision=saved["revision"]))
        return redirect(url_for("modeler.form", key=key))
    text, _form, found = form_fields.build(base, title, rows)
    opened = {**forms.open_form(uow(), actor=current_actor(), key=key), "revision": _int("revision", request.form, 0)}
    return _form_page(opened, text=text, base=base, editor=editor, found=found)


@signed_in(*MANAGERS)
def form_discard(key: str):
    forms.discard_form(uow(), actor=current_actor(), key=key, revision=_int("revision", request.form, 0))
    flash(_("Form edit discarded: %(key)s", key=key))
    return redirect(url_for("modeler.forms_index"))
