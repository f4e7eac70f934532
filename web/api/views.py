"""API handlers: bearer token -> actor, then one service call each."""
from __future__ import annotations

from flask import Response, g, jsonify, request

from casework.services import accounts
from casework.services.cases import downloads as case_files
from casework.services.cases import cases
from casework.services import directory
from casework.services import queues
from casework.services.processes import tasks
from web.access import address, read_uow, uow

OPEN = {"api.create_token"}


def authenticate():
    if request.endpoint in OPEN:
        return None
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    g.api_actor = accounts.actor_for_token(uow(), token) if token else None
    if g.api_actor is None:
        response = jsonify({"code": 401, "message": "需要有效的令牌 / a valid bearer token is required"})
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="casework"'
        return response
    return None


def create_token(body):
    return accounts.issue_token(uow(), username=body["username"], password=body["password"],
                                address=address())


def revoke_token(token_id: int):
    accounts.revoke_token(uow(), actor=g.api_actor, token_id=token_id)


def list_tasks(args):
    after = args.pop("after", None)
    limit = args.pop("limit", 25)
    view = args.pop("view", "group")
    if "provisional" in args:
        args["provisional"] = "1" if args["provisional"] else "0"
    return queues.queue(read_uow(), actor=g.api_actor, view=view, filters=args, after=after, limit=limit)


def claim_task(item_id: int):
    tasks.claim_task(uow(), actor=g.api_actor, work_item_id=item_id)


def complete_task(body, item_id: int):
    return tasks.complete_task(uow(), actor=g.api_actor, work_item_id=item_id, data=body["data"])


def list_cases():
    return cases.list_cases(uow(), actor=g.api_actor)


def get_case(ref: str):
    return cases.show_case(uow(), ref, actor=g.api_actor)


def list_units(args):
    return directory.list_units(uow(), actor=g.api_actor, after=args["after"], limit=args["limit"])


def get_unit(unit_id: int):
    return directory.get_unit(uow(), actor=g.api_actor, unit_id=unit_id)


def get_system(system_id: int):
    return directory.get_system(uow(), actor=g.api_actor, system_id=system_id)


def get_document(document_id: int):
    return directory.document_info(uow(), actor=g.api_actor, document_id=document_id)


def document_content(document_id: int):
    _number, data = case_files.download_document(uow(), actor=g.api_actor, document_id=document_id)
    return Response(data, mimetype="application/pdf")
