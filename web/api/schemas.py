"""The API's request and response shapes (they generate the OpenAPI document)."""
from marshmallow import EXCLUDE, Schema, fields, validate


class TokenIn(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)


class TokenOut(Schema):
    id = fields.Integer()
    token = fields.String()
    expires_at = fields.String()


class TaskArgs(Schema):
    class Meta:
        unknown = EXCLUDE
    view = fields.String(load_default="group")
    process = fields.String()
    task = fields.String()
    jurisdiction = fields.Integer()
    unit = fields.Integer()
    case = fields.String()
    status = fields.String()
    provisional = fields.Boolean()
    after = fields.String()
    limit = fields.Integer(load_default=25)


class ListArgs(Schema):
    after = fields.Integer(load_default=0)
    limit = fields.Integer(load_default=50)


LANGUAGE = "in the language asked for (Accept-Language: zh, the default, or en)"


class Task(Schema):
    id = fields.Integer()
    case_ref = fields.String(allow_none=True)
    name = fields.String(metadata={"description": (
        f"The task's title {LANGUAGE}: in Chinese its name as stored; in English the title of "
        "the form its process version runs (the task page's heading), else the stored name.")})
    name_zh = fields.String(metadata={"description": "The task's name as stored (Chinese, the process model's)."})
    role = fields.String()
    process = fields.String()
    task = fields.String()
    form_key = fields.String(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    assignee = fields.String(allow_none=True)
    due_at = fields.String()
    overdue = fields.Boolean()
    remaining_days = fields.Integer(allow_none=True)
    article = fields.String(metadata={"description": (
        "The article of the deadline's legal basis, as cited in Chinese (e.g. 第十六条第一款) "
        "in either language: the exact citation.")})
    instrument = fields.String(metadata={"description": (
        f"The title of the instrument the article is in, {LANGUAGE}: in English the rulebook's "
        "English title, followed by \"(unofficial translation)\" where no official English exists.")})
    instrument_zh = fields.String(metadata={"description": "The instrument's title as written (Chinese)."})
    provisional = fields.Boolean()


class QueuePage(Schema):
    rows = fields.List(fields.Nested(Task))
    next = fields.String(allow_none=True)


class CompleteIn(Schema):
    data = fields.Dict(required=True)


class CaseSchema(Schema):
    ref = fields.String(attribute="ref")
    case_ref = fields.String()
    kind = fields.String()
    title = fields.String(metadata={"description": (
        f"The case's title {LANGUAGE}: in English the kind's English name and the unit's name "
        "as entered (e.g. \"Order to correct: 太原某商场\").")})
    title_zh = fields.String(metadata={"description": (
        "The title as stored (Chinese), as documents, the audit trail and the CLI quote it.")})
    status = fields.String()
    outcome = fields.String()
    unit_id = fields.Integer()
    opened_at = fields.String()
    due_at = fields.String()
    closed_at = fields.String()
    tasks = fields.List(fields.Dict(), metadata={"description": (
        f"The case's open tasks (one case only): each its id, name ({LANGUAGE}), name_zh (as "
        "stored), form_key, role and due_at.")})
    documents = fields.List(fields.Dict())


class Camera(Schema):
    id = fields.Integer()
    name = fields.String()
    location = fields.String()
    place_kind = fields.String()
    enabled = fields.Boolean()


class SystemSchema(Schema):
    id = fields.Integer()
    unit_id = fields.Integer()
    site = fields.String()
    purpose = fields.String()
    status = fields.String()
    cameras = fields.List(fields.Nested(Camera))


class UnitSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    credit_code = fields.String()
    address = fields.String()
    site_category = fields.String()
    jurisdiction_id = fields.Integer()
    systems = fields.List(fields.Nested(SystemSchema))


class DocumentSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    kind = fields.String()
    case_ref = fields.String(allow_none=True)
    sha256 = fields.String()
    bytes = fields.Integer()


class IdempotencyHeader(Schema):
    """The optional header of a POST that acts (`web.idempotency.api_once`)."""

    class Meta:
        unknown = EXCLUDE
    idempotency_key = fields.String(
        data_key="Idempotency-Key", validate=validate.Regexp(r"^[\x21-\x7e]{1,255}$"),
        metadata={"description": (
            "Optional; a new unique key (e.g. a UUID) per request. The same key from the same "
            "account on the same endpoint again: nothing is done twice, the first answer is "
            "returned again (same status and body, header Idempotent-Replayed: true). The key "
            "with another path or body: 422. While the first is still being answered: 409, "
            "Retry-After. A refused request (4xx) keeps no key: it may be sent again with it.")})
