"""JSON API door /api/v1/: every route of it. OpenAPI 3 at /api/v1/openapi.json (flask-smorest)."""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api, Blueprint

from web import idempotency
from web.api import views
from web.api.schemas import (
    CaseSchema,
    CompleteIn,
    DocumentSchema,
    IdempotencyHeader,
    ListArgs,
    QueuePage,
    SystemSchema,
    TaskArgs,
    TokenIn,
    TokenOut,
    UnitSchema,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1", description="Casework JSON API")
bp.before_request(views.authenticate)
bp.after_request(views.said_in)
BEARER = [{"bearer": []}]
# Paths answering with titles: in the language asked for, the stored Chinese beside them.
TITLED = [{
    "in": "header", "name": "Accept-Language", "required": False,
    "schema": {"type": "string", "example": "en"},
    "description": "The language of the titles in the answer: zh (the default) or en, the best "
                   "match of the header (en-US counts as en). Stored Chinese titles are always "
                   "given too (name_zh, title_zh, instrument_zh); the answer's Content-Language "
                   "says which language the titles are in."}]


def once(view):
    """A POST that acts: at most once per optional Idempotency-Key header (its schema
    documents it). Not the token issue: a replay would need the token kept in clear."""
    return bp.arguments(IdempotencyHeader, location="headers", as_kwargs=True)(bp.alt_response(
        409, description="Idempotency-Key: the first request with this key is still being "
                         "answered; retry after Retry-After seconds")(idempotency.api_once(view)))


bp.route("/tokens", methods=["POST"])(bp.arguments(TokenIn)(bp.response(201, TokenOut)(views.create_token)))
bp.route("/tokens/<int:token_id>", methods=["DELETE"])(bp.doc(security=BEARER)(bp.response(204)(views.revoke_token)))
bp.route("/tasks", methods=["GET"], parameters=TITLED)(bp.doc(security=BEARER)(bp.arguments(TaskArgs, location="query")(bp.response(200, QueuePage)(views.list_tasks))))
bp.route("/tasks/<int:item_id>/claim", methods=["POST"])(bp.doc(security=BEARER)(once(bp.response(204)(views.claim_task))))
bp.route("/tasks/<int:item_id>/complete", methods=["POST"])(bp.doc(security=BEARER)(once(bp.arguments(CompleteIn)(bp.response(200, CaseSchema)(views.complete_task)))))
bp.route("/cases", methods=["GET"], parameters=TITLED)(bp.doc(security=BEARER)(bp.response(200, CaseSchema(many=True))(views.list_cases)))
bp.route("/cases/<ref>", methods=["GET"], parameters=TITLED)(bp.doc(security=BEARER)(bp.response(200, CaseSchema)(views.get_case)))
bp.route("/units", methods=["GET"])(bp.doc(security=BEARER)(bp.arguments(ListArgs, location="query")(bp.response(200, UnitSchema(many=True))(views.list_units))))
bp.route("/units/<int:unit_id>", methods=["GET"])(bp.doc(security=BEARER)(bp.response(200, UnitSchema)(views.get_unit)))
bp.route("/systems/<int:system_id>", methods=["GET"])(bp.doc(security=BEARER)(bp.response(200, SystemSchema)(views.get_system)))
bp.route("/documents/<int:document_id>", methods=["GET"])(bp.doc(security=BEARER)(bp.response(200, DocumentSchema)(views.get_document)))
bp.route("/documents/<int:document_id>/content", methods=["GET"])(bp.doc(security=BEARER)(views.document_content))


def register_api(app: Flask, csrf) -> Api:
    app.config.update(API_TITLE="Casework API", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
                      OPENAPI_URL_PREFIX="/api/v1", OPENAPI_JSON_PATH="openapi.json")
    api = Api(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    csrf.exempt(bp)  # bearer tokens, no cookies: nothing for a forged form to ride on
    api.register_blueprint(bp)
    return api
