"""Domain errors and HTTP errors as one clear page (or JSON under /api/), never a traceback."""
from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from casework.errors import CaseworkError
from web import i18n


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _answer(status: int, message: str):
    if _wants_json():
        return jsonify({"code": status, "message": message}), status
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CaseworkError)
    def domain_error(exc: CaseworkError):
        return _answer(exc.status, str(exc) if _wants_json() else i18n.shown(exc))

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _answer(400, "表单已过期，请刷新后重试 / the form expired: reload and try again")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unexpected error on %s", request.path)
        return _answer(500, "内部错误，已记录 / internal error (logged)")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if _wants_json() and exc.code in (401, 422) and getattr(exc, "data", None):
            return jsonify({"code": exc.code, "message": exc.description,
                            "errors": exc.data.get("messages", {})}), exc.code
        if exc.code == 413:
            return _answer(413, _too_large_message())
        return _answer(exc.code or 500, exc.description or exc.name)


def _too_large_message() -> str:
    mb = current_app.config["MAX_CONTENT_LENGTH"] // 2**20
    return (f"提交内容超过 {mb} MB 上限，未被接收，请使用较小的文件重新提交"
            f" / the submission is over the {mb} MB limit and was not received: submit again with"
            " smaller files")
