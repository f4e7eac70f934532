"""Database guards (both engines) for the records that are evidence.

- An issued document never changes what it is (number, file, hash, context ...) and is
  never deleted; its service is recorded once and then fixed.
- Audit events are append-only: no UPDATE, no DELETE.
- SQLite's `INSERT OR REPLACE` deletes the old row first; with `recursive_triggers` on
  (casework.storage.db turns it on for every connection) that delete fires the guards too.
Row triggers do not see TRUNCATE or DDL: the application's database role must not own
these tables (grant it SELECT, INSERT, UPDATE, DELETE only).
"""
from __future__ import annotations

from sqlalchemy import DDL, event

from casework.models.audit import AuditEvent
from casework.models.documents import Document

DOCUMENT_FIXED = ("id", "number", "kind", "year", "seq", "jurisdiction_id", "unit_id", "case_ref",
                  "file_key", "sha256", "bytes", "template_version", "lang", "context",
                  "issued_at", "issued_by", "supersedes_id")
SERVICE = ("served_at", "served_by", "service_method")
DOCUMENT_REFUSAL = "已制发文书不得修改或删除 / an issued document cannot be changed or deleted"
AUDIT_REFUSAL = "审计记录只能追加 / audit events are append-only"


def _changed(ne: str, cols: tuple[str, ...]) -> str:
    return " OR ".join(f"NEW.{c} {ne} OLD.{c}" for c in cols)


SQLITE_DDL = (
    "CREATE TRIGGER IF NOT EXISTS document_no_delete BEFORE DELETE ON document "
    f"BEGIN SELECT RAISE(ABORT, '{DOCUMENT_REFUSAL}'); END",
    "CREATE TRIGGER IF NOT EXISTS document_fixed BEFORE UPDATE ON document "
    f"WHEN {_changed('IS NOT', DOCUMENT_FIXED)} "
    f"OR (OLD.served_at IS NOT NULL AND ({_changed('IS NOT', SERVICE)})) "
    f"BEGIN SELECT RAISE(ABORT, '{DOCUMENT_REFUSAL}'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{AUDIT_REFUSAL}'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{AUDIT_REFUSAL}'); END",
)
POSTGRES_DDL = (
    f"""CREATE OR REPLACE FUNCTION casework_document_guard() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN RAISE EXCEPTION '{DOCUMENT_REFUSAL}'; END IF;
      IF {_changed('IS DISTINCT FROM', DOCUMENT_FIXED)}
         OR (OLD.served_at IS NOT NULL AND ({_changed('IS DISTINCT FROM', SERVICE)})) THEN
        RAISE EXCEPTION '{DOCUMENT_REFUSAL}';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS document_guard ON document",
    "CREATE TRIGGER document_guard BEFORE UPDATE OR DELETE ON document "
    "FOR EACH ROW EXECUTE FUNCTION casework_document_guard()",
    f"""CREATE OR REPLACE FUNCTION casework_audit_guard() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{AUDIT_REFUSAL}'; END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS audit_event_guard ON audit_event",
    "CREATE TRIGGER audit_event_guard BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION casework_audit_guard()",
)


SQLITE_TRIGGERS = ("document_no_delete", "document_fixed", "audit_event_no_update",
                   "audit_event_no_delete")
POSTGRES_TRIGGERS = (("document_guard", "document"), ("audit_event_guard", "audit_event"))


def install_core_guards(connection) -> None:
    """Create the guards on an existing schema (the migrations call this)."""
    statements = SQLITE_DDL if connection.dialect.name == "sqlite" else POSTGRES_DDL
    for statement in statements:
        connection.exec_driver_sql(statement)


def drop_core_guards(connection) -> None:
    """Remove the guards (needs the owner's rights): before reinstalling a new version, or
    for `casework audit rekey`, which reinstalls them in the same transaction."""
    if connection.dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name, table in POSTGRES_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")


def _attach() -> None:
    """`create_all` installs the guards too (tests and scratch databases)."""
    for table, sqlite, postgres in (
        (Document.__table__, SQLITE_DDL[:2], POSTGRES_DDL[:3]),
        (AuditEvent.__table__, SQLITE_DDL[2:], POSTGRES_DDL[3:]),
    ):
        for statement in sqlite:
            event.listen(table, "after_create", DDL(statement).execute_if(dialect="sqlite"))
        for statement in postgres:
            event.listen(table, "after_create", DDL(statement).execute_if(dialect="postgresql"))


_attach()
