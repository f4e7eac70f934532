"""API handlers: bearer token -> actor, then one service call each."""
from __future__ import annotations

from flask import Response, g, jsonify, request

from casework.services import accounts
from casework.services.cases import downloads as case_files
from casework.services.cases import cases, titles
from casework.services import directory
from casework.services import queues
from casework.services.processes import tasks
from web.access import address, read_uow, uow

OPEN = {"api.create_token"}
LANGUAGES = ("zh", "en")  # of the titles an answer gives; Chinese first, as stored


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
    page = queues.queue(read_uow(), actor=g.api_actor, view=view, filters=args, after=after, limit=limit)
    return {**page, "rows": _tasks_titled(read_uow(), page["rows"])}


def claim_task(item_id: int):
    tasks.claim_task(uow(), actor=g.api_actor, work_item_id=item_id)


def complete_task(body, item_id: int):
    return tasks.complete_task(uow(), actor=g.api_actor, work_item_id=item_id, data=body["data"])


def list_cases():
    return [_case_titled(c) for c in cases.list_cases(uow(), actor=g.api_actor)]


def get_case(ref: str):
    return _case_titled(cases.show_case(uow(), ref, actor=g.api_actor))


def language() -> str:
    """The language asked for (Accept-Language, best of zh and en), Chinese by default; noted
    for the answer's Content-Language."""
    g.api_language = request.accept_languages.best_match(LANGUAGES, default="zh")
    return g.api_language


def said_in(response: Response) -> Response:
    """An answer with titles says their language; its caches keep one answer per language."""
    if "api_language" in g:
        response.headers["Content-Language"] = g.api_language
        response.vary.add("Accept-Language")
    return response


def _tasks_titled(unit_of_work, rows: list[dict]) -> list[dict]:
    """Tasks with their title (and instrument) in the asked language, the stored Chinese kept."""
    lang = language()
    names = titles.task_titles(unit_of_work, rows, lang)
    return [{**r, "name": name, "name_zh": r["name"],
             **({"instrument": titles.instrument_title(r["instrument"], lang), "instrument_zh": r["instrument"]}
                if "instrument" in r else {})} for r, name in zip(rows, names)]


def _case_titled(case: dict) -> dict:
    """A case with its title (and its tasks') in the asked language, the stored Chinese kept."""
    titled = {**case, "title": titles.case_title(case["title"], language()), "title_zh": case["title"]}
    if "tasks" in case:
        titled["tasks"] = _tasks_titled(uow(), case["tasks"])
    return titled


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
