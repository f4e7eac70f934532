"""Security headers on every answer (CSP without inline script, no framing, no banner), and a
signed-in session that slides: 8 hours after the last use, renewed at most every 5 minutes."""
from __future__ import annotations

from flask import Flask, Response, session

from casework import clock

SESSION_RENEW_S = 300  # the cookie is re-signed and re-sent at most this often

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    # bpmn-js and ECharts set element styles at run time; scripts stay strictly 'self'.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


def init_app(app: Flask) -> None:
    # Flask re-signs and re-sends a permanent session's cookie on every answer by default: a
    # cost per request for an 8-hour expiry that moves by seconds. Renewing it every few
    # minutes keeps the sliding expiry (to within SESSION_RENEW_S) without that cost.
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False

    @app.before_request
    def renew_session() -> None:
        if session.permanent:
            now = int(clock.now().timestamp())
            if abs(now - session.get("renewed", 0)) >= SESSION_RENEW_S:
                session["renewed"] = now

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        response.headers.pop("Server", None)
        return response
