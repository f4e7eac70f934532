"""A portal form post: the generic renderer's parse and validation, plus the files already given.

A file input cannot be refilled by the browser, so a page that comes back with an error (or a
returned filing) lists the files it already holds, each with a ticked "keep" box whose value is
the attachment's token signed for this user: a post can keep only what this user was shown,
never name another unit's file by its hash.
"""
from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.exceptions import RequestEntityTooLarge

from web import forms
from web.access import container

SALT = "portal-attachment"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def keeper(user: str):
    """The function templates call to sign a kept attachment's token for `user`."""
    return lambda token: _signer().dumps([user, token])


def _kept(path: str, user: str) -> list[str]:
    tokens = []
    for value in request.form.getlist(f"keep.{path}"):
        try:
            owner, token = _signer().loads(value)
        except (BadSignature, ValueError, TypeError):
            continue
        if owner == user and isinstance(token, str) and token.startswith("sha256:") and token not in tokens:
            tokens.append(token)
    return tokens


def attachment_paths(schema: dict, prefix: str = "") -> list[tuple[str, bool]]:
    """(dotted path, holds several) of every attachment field of the schema."""
    out = []
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        if prop.get("type") == "object":
            out += attachment_paths(prop, f"{path}.")
        elif prop.get("format") == "attachment":
            out.append((path, False))
        elif prop.get("type") == "array" and prop.get("items", {}).get("format") == "attachment":
            out.append((path, True))
    return out


def read(form: dict, user: str) -> tuple[dict, dict, dict]:
    """(data, raw values to show again, errors by field) from the posted page."""
    uploads = {k: request.files.getlist(k) for k in request.files}
    data, raw, errors = forms.parse(form, request.form, uploads, container().files)
    for path, many in attachment_paths(form.get("schema", {})):
        fresh = _get(data, path)
        fresh = fresh if isinstance(fresh, list) else ([fresh] if fresh else [])
        kept = _kept(path, user)
        tokens = (kept + [t for t in fresh if t not in kept]) if many else (fresh or kept)[-1:]
        if tokens:
            _set(data, path, tokens if many else tokens[0])
        raw[path] = tokens
    errors = {**forms.validate(form, data), **errors}
    return data, raw, errors


def too_large(exc: RequestEntityTooLarge):
    """A post over the request limit, refused before its body was read: the portal's page
    saying the limits, with the way back to the form (nothing of the refused post is kept)."""
    args = request.view_args or {}
    if request.endpoint == "portal.submit":
        back = url_for("portal.case", ref=args["ref"])
    elif request.endpoint == "portal.new_filing":
        back = request.full_path
    else:
        back = url_for("portal.home")
    limit = current_app.config["MAX_CONTENT_LENGTH"] // 2**20
    return render_template("portal/too_large.html", back=back, limit=limit,
                           file_limit=forms.ATTACHMENT_MAX_BYTES // 2**20), 413


def _get(data: dict, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _set(data: dict, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value
