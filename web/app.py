"""The Flask app factory: one container, the doors' blueprints, security and language."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_request_context, request, session, url_for
from flask_wtf.csrf import CSRFProtect, generate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix

from casework.bootstrap import Container, bootstrap
from casework.services.actor import ActorCache
from web import access, errors, i18n, idempotency, security
from web.api.blueprint import register_api
from web.auth.blueprint import bp as auth_bp
from web.cases.blueprint import bp as cases_bp
from web.dashboards.blueprint import bp as dashboards_bp
from web.gongshi.blueprint import bp as gongshi_bp
from web.portal.blueprint import bp as portal_bp
from web.modeler.blueprint import bp as modeler_bp
from web.queue.blueprint import bp as queue_bp
from web.scheduler.blueprint import bp as scheduler_bp
from web.vendor import bp as vendor_bp

csrf = CSRFProtect()


def create_app(container: Container | None = None, config: dict[str, Any] | None = None) -> Flask:
    container = container or bootstrap()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=_secret_key(container),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("CASEWORK_WEB_TLS") == "1",
        SESSION_COOKIE_NAME="casework_session",
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        MAX_CONTENT_LENGTH=25 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        BEHIND_PROXY=os.environ.get("CASEWORK_WEB_BEHIND_PROXY") == "1",
        JSON_AS_ASCII=False,
    )
    app.config.update(config or {})
    app.extensions["casework"] = container
    app.extensions["casework_actors"] = ActorCache()
    if app.config["BEHIND_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    csrf.init_app(app)
    app.teardown_request(access.close_uow)
    i18n.init_app(app)
    security.init_app(app)
    idempotency.init_app(app)
    for bp in (auth_bp, queue_bp, cases_bp, dashboards_bp, scheduler_bp, gongshi_bp, portal_bp,
               modeler_bp, vendor_bp):
        app.register_blueprint(bp)
    register_api(app, csrf)
    errors.init_app(app)  # after flask-smorest's own handlers, so ours answer
    app.jinja_env.globals["url_for"] = template_url_for
    app.jinja_env.globals["csrf_token"] = template_csrf_token
    # flask-wtf hands csrf_token() to templates twice: as a global and from a context processor
    # run on every render; the global (ours, above) is enough.
    app.template_context_processors[None] = [
        p for p in app.template_context_processors[None] if p.__module__ != "flask_wtf.csrf"]
    return app


_SIGNED_CSRF: dict[tuple[str, str], str] = {}


def template_csrf_token() -> str:
    """Templates' csrf_token(): flask-wtf's signed token, signed once per session token and
    worker rather than on each page (its check reads only the session token, as no time limit
    is set: WTF_CSRF_TIME_LIMIT), then kept where flask-wtf keeps it for the request."""
    request_globals = g._get_current_object().__dict__
    token = request_globals.get("csrf_token")
    if token is not None:
        return token
    if current_app.config["WTF_CSRF_TIME_LIMIT"] is not None:  # a signature dates the token
        return generate_csrf()
    key = (current_app.secret_key, session.get("csrf_token"))
    token = _SIGNED_CSRF.get(key) if key[1] else None
    if token is None:
        token = generate_csrf()
        if len(_SIGNED_CSRF) >= 10_000:
            _SIGNED_CSRF.clear()
        _SIGNED_CSRF[(current_app.secret_key, session["csrf_token"])] = token
    request_globals["csrf_token"] = token  # what flask-wtf's own calls read this request
    return token


_LINKS: dict[tuple, str] = {}


def template_url_for(endpoint: str, **values) -> str:
    """Templates' url_for: a link without values (the nav, a form's action) is built once per
    mount point and kept; a page draws a dozen, each a route map build otherwise."""
    if values or not has_request_context():
        return url_for(endpoint, **values)
    key = (request.script_root, request.blueprint if endpoint.startswith(".") else "", endpoint)
    link = _LINKS.get(key)
    if link is None:
        link = _LINKS[key] = url_for(endpoint)
    return link


def _secret_key(container: Container) -> str:
    """From CASEWORK_SECRET_KEY, else one kept in the data folder (shared by workers)."""
    if os.environ.get("CASEWORK_SECRET_KEY"):
        return os.environ["CASEWORK_SECRET_KEY"]
    path = Path(container.settings.data_dir) / "web-secret-key"
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(secrets.token_hex(32))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # the first worker wins; the others read its key
        except FileExistsError:
            pass
        tmp.unlink()
    return path.read_text().strip()
