"""PostgreSQL roles: an owner that migrates, an application role that owns nothing.

Row triggers guard the evidence tables, but the owner of a table can drop its triggers,
TRUNCATE it or switch triggers off (`session_replication_role` needs a superuser). So
the application (web, CLI, flows, recorder) and the test suite connect as `<db>_app`:
no superuser, owns nothing, may only SELECT/INSERT/UPDATE/DELETE. Migrations run as
`<db>_owner`, which owns the schema and is not a superuser either.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from casework.errors import InvalidInput

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

_NAME = re.compile(r"[a-z_][a-z0-9_]{0,53}")
_PASSWORD = re.compile(r"[A-Za-z0-9_-]{16,200}")
_FLAGS = "NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
DML = "SELECT, INSERT, UPDATE, DELETE"


@dataclass(frozen=True)
class Roles:
    owner: str
    app: str


def role_names(database: str) -> Roles:
    if not _NAME.fullmatch(database):
        raise InvalidInput(f"数据库名不适合作角色名前缀 / database name {database!r} cannot "
                           "prefix role names (lower-case letters, digits, _)")
    return Roles(f"{database}_owner", f"{database}_app")


def role_url(url: str, role: str, password: str | None) -> str:
    """The same server and database, signed in as `role`."""
    return make_url(url).set(username=role, password=password).render_as_string(
        hide_password=False)


def provision(admin: Connection, database: str, *, owner_password: str | None = None,
              app_password: str | None = None) -> Roles:
    """Create (or repair) both roles, give the owner every object of the `public` schema
    and grant the app DML only. Run as a superuser in the target database; idempotent.
    A None password leaves the role's password as it is (new roles get none: trust auth)."""
    roles = role_names(database)
    for role, password in ((roles.owner, owner_password), (roles.app, app_password)):
        exists = admin.exec_driver_sql(
            "SELECT 1 FROM pg_roles WHERE rolname = %(r)s", {"r": role}).first()
        admin.exec_driver_sql(f'{"ALTER" if exists else "CREATE"} ROLE "{role}" LOGIN {_FLAGS}')
        if password is not None:
            if not _PASSWORD.fullmatch(password):  # inlined: utility statements take no binds
                raise InvalidInput("数据库密码只能含字母数字和 _- / role passwords: letters, "
                                   "digits, _ and - only (16+ characters)")
            admin.exec_driver_sql(f"ALTER ROLE \"{role}\" PASSWORD '{password}'")
    owner, app = roles.owner, roles.app
    for statement in (
        f'ALTER SCHEMA public OWNER TO "{owner}"',
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f'GRANT CONNECT ON DATABASE "{database}" TO "{owner}", "{app}"',
        f'GRANT USAGE ON SCHEMA public TO "{app}"',
    ):
        admin.exec_driver_sql(statement)
    _hand_over(admin, owner)
    for statement in (
        f'GRANT {DML} ON ALL TABLES IN SCHEMA public TO "{app}"',
        f'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "{app}"',
        f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public GRANT {DML} ON TABLES TO "{app}"',
        f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public '
        f'GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO "{app}"',
    ):
        admin.exec_driver_sql(statement)
    if admin.exec_driver_sql("SELECT to_regclass('public.alembic_version')").scalar():
        admin.exec_driver_sql(f'REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM "{app}"')
    return roles


def _hand_over(admin: Connection, owner: str) -> None:
    """Make `owner` the owner of every table, view, sequence, function and type in public."""
    relations = admin.exec_driver_sql(
        "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
        "AND pg_get_userbyid(c.relowner) <> %(o)s "
        "AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid "
        "AND d.deptype IN ('a', 'i')))", {"o": owner}).all()
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    for name, kind in relations:
        admin.exec_driver_sql(f'ALTER {kinds[kind]} public."{name}" OWNER TO "{owner}"')
    functions = admin.exec_driver_sql(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> %(o)s", {"o": owner}).all()
    for (signature,) in functions:
        admin.exec_driver_sql(f'ALTER FUNCTION {signature} OWNER TO "{owner}"')
    types = admin.exec_driver_sql(
        "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
        "WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd') "
        "AND pg_get_userbyid(t.typowner) <> %(o)s", {"o": owner}).all()
    for (name,) in types:
        admin.exec_driver_sql(f'ALTER TYPE public."{name}" OWNER TO "{owner}"')


def new_password() -> str:
    return secrets.token_urlsafe(24)
