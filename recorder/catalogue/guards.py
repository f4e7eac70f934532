"""Database guards (both engines): footage in retention or held stays, whatever the application does.

- A segment row is inserted only with its own layout path (camera prefix, `_<seq>.ts`
  suffix, no `..`), so no row can point at another segment's file, and with at least
  the national 30-day retention.
- camera, seq, path and start never change; a sealed row's hashes, chain, end, size,
  truncated flag and retain_until (all vouched for by its chain link) never change; a
  writing row's retain_until only grows; states only move forward
  (writing → sealed|truncated → deleting → deleted).
- A row leaves the live states only with its deletion link and time, set in that one
  move and never changed after; an insert never replaces a row (SQLite's REPLACE).
- A row is marked for deletion or deleted only past retain_until (server clock) and
  with no active legal hold overlapping it.
- A legal hold is never deleted; what it covers never changes; it is
  released once, with a reason, by an active user holding a release role.
Row triggers do not see TRUNCATE or DDL: the application's database role must not own
these tables (grant it SELECT, INSERT, UPDATE, DELETE only).
"""
from __future__ import annotations

from sqlalchemy import DDL, event

from recorder.constants import HOLD_RELEASE_ROLES, NATIONAL_MIN_DAYS

REFUSAL = "保存期内或依法保全的录像不得删除 / footage in retention or under legal hold cannot be deleted"
IMMUTABLE = "已封存录像不可修改 / a sealed segment cannot be changed"
BAD_ROW = ("录像目录记录不合规（路径或保存期）/ a segment row needs its own layout path and "
           f"at least {NATIONAL_MIN_DAYS} days of retention")
HOLD_KEPT = "依法保全记录不得删除或改动 / a legal hold cannot be deleted or changed"
HOLD_RELEASE = ("仅负责人或法制审核人员可写明理由解除保全 / only a bureau head or legal "
                "reviewer may release a hold, with a reason")

_ROLES = ", ".join(f"'{r}'" for r in HOLD_RELEASE_ROLES)
_LIVE = "('sealed', 'truncated')"
_GONE = "('deleting', 'deleted')"
_HELD = (
    "EXISTS (SELECT 1 FROM recorder_legal_hold h WHERE h.camera_id = OLD.camera_id "
    "AND h.released_at IS NULL AND h.t0 < COALESCE(OLD.end_at, OLD.start_at) "
    "AND h.t1 > OLD.start_at)"
)
# Allowed state moves; anything else (sealed → writing, deleted → sealed ...) is refused.
_FORWARD = (
    f"(NEW.state = OLD.state OR (OLD.state = 'writing' AND NEW.state IN {_LIVE}) "
    f"OR (OLD.state IN {_LIVE} AND NEW.state IN {_GONE}) "
    "OR (OLD.state = 'deleting' AND NEW.state = 'deleted'))"
)


def _sealed_changed(ne: str) -> str:
    """SQL: a sealed row's vouched-for columns differ (`ne` is the engine's NULL-safe ≠)."""
    cols = ("sha256", "chain", "prev_chain", "end_at", "bytes", "truncated", "retain_until")
    return " OR ".join(f"NEW.{c} {ne} OLD.{c}" for c in cols)


def _deletion_bad(ne: str) -> str:
    """SQL: the deletion link or time is set outside the move out of the live states,
    missing from that move, or changed after it."""
    leaving = f"(OLD.state IN {_LIVE} AND NEW.state IN {_GONE})"
    return (f"(NEW.deletion_link {ne} OLD.deletion_link AND NOT {leaving}) "
            f"OR ({leaving} AND (NEW.deletion_link IS NULL OR NEW.deleted_at IS NULL)) "
            f"OR (OLD.state IN {_GONE} AND NEW.deleted_at {ne} OLD.deleted_at)")


def _fixed_changed(ne: str, cols: tuple[str, ...]) -> str:
    return " OR ".join(f"NEW.{c} {ne} OLD.{c}" for c in cols)


_SEGMENT_FIXED = ("camera_id", "seq", "path", "start_at")
_HOLD_FIXED = ("camera_id", "t0", "t1", "case_ref", "access_request_ref", "placed_by",
               "placed_at", "reason")
_HOLD_RELEASED = ("released_at", "released_by", "released_reason")


def _bad_path(cast_camera: str, cast_seq: str) -> str:
    return (f"(NEW.path NOT LIKE {cast_camera} || '/%!_' || {cast_seq} || '.ts' ESCAPE '!' "
            "OR NEW.path LIKE '%..%' OR NEW.path LIKE '%//%' OR NEW.path LIKE '/%')")


# ---------------------------------------------------------------------------- SQLite
_SQ_NOW = "strftime('%Y-%m-%d %H:%M:%f','now')"
# One second of slack: strftime keeps milliseconds (rounded), rows keep microseconds.
_SQ_FLOOR = f"strftime('%Y-%m-%d %H:%M:%f', NEW.start_at, '+{NATIONAL_MIN_DAYS} days', '-1 seconds')"
_SQ_RELEASER = (
    "EXISTS (SELECT 1 FROM app_user u, json_each(u.roles) r WHERE u.username = NEW.released_by "
    f"AND u.active AND r.value IN ({_ROLES}))"
)


def _sq(name: str, when_clause: str, message: str) -> tuple[str, str]:
    return (f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} {when_clause} BEGIN SELECT RAISE(ABORT, '{message}'); END")


# SQLite's INSERT OR REPLACE deletes the row it replaces without the DELETE guards unless
# recursive_triggers is on (casework.db turns it on): refuse an insert onto an existing row
# outright, so no connection setting can replace a segment or a hold.
_SQ_TAKEN = {
    # Two lookups, each by an index (an OR in one WHERE would scan the table per insert).
    "recorder_segment": "EXISTS (SELECT 1 FROM recorder_segment s WHERE s.id = NEW.id) "
                        "OR EXISTS (SELECT 1 FROM recorder_segment s "
                        "WHERE s.camera_id = NEW.camera_id AND s.seq = NEW.seq)",
    "recorder_legal_hold": "EXISTS (SELECT 1 FROM recorder_legal_hold h WHERE h.id = NEW.id)",
}

SQLITE_SEGMENT = (
    *_sq("recorder_segment_no_replace",
         f"BEFORE INSERT ON recorder_segment WHEN {_SQ_TAKEN['recorder_segment']}", IMMUTABLE),
    *_sq("recorder_segment_insert",
         f"BEFORE INSERT ON recorder_segment WHEN {_bad_path('NEW.camera_id', 'NEW.seq')} "
         f"OR NEW.retain_until < {_SQ_FLOOR} OR NEW.deletion_link IS NOT NULL", BAD_ROW),
    *_sq("recorder_segment_no_delete",
         f"BEFORE DELETE ON recorder_segment WHEN OLD.state != 'deleted' "
         f"OR OLD.retain_until > {_SQ_NOW} OR {_HELD}", REFUSAL),
    *_sq("recorder_segment_no_mark",
         f"BEFORE UPDATE OF state ON recorder_segment WHEN NEW.state IN {_GONE} "
         f"AND OLD.state NOT IN {_GONE} AND (OLD.state NOT IN {_LIVE} "
         f"OR OLD.retain_until > {_SQ_NOW} "
         f"OR OLD.retain_until > COALESCE(NEW.deleted_at, {_SQ_NOW}) OR {_HELD})", REFUSAL),
    *_sq("recorder_segment_sealed",
         f"BEFORE UPDATE ON recorder_segment WHEN {_fixed_changed('IS NOT', _SEGMENT_FIXED)} "
         f"OR (OLD.state != 'writing' AND ({_sealed_changed('IS NOT')})) "
         f"OR NEW.retain_until < OLD.retain_until OR NOT {_FORWARD} "
         f"OR {_deletion_bad('IS NOT')}", IMMUTABLE),
)

SQLITE_HOLD = (
    *_sq("recorder_legal_hold_no_replace",
         f"BEFORE INSERT ON recorder_legal_hold WHEN {_SQ_TAKEN['recorder_legal_hold']}", HOLD_KEPT),
    *_sq("recorder_legal_hold_no_delete", "BEFORE DELETE ON recorder_legal_hold", HOLD_KEPT),
    *_sq("recorder_legal_hold_fixed",
         f"BEFORE UPDATE ON recorder_legal_hold WHEN {_fixed_changed('IS NOT', _HOLD_FIXED)} "
         f"OR (OLD.released_at IS NOT NULL AND ({_fixed_changed('IS NOT', _HOLD_RELEASED)}))",
         HOLD_KEPT),
    *_sq("recorder_legal_hold_release",
         "BEFORE UPDATE ON recorder_legal_hold WHEN OLD.released_at IS NULL "
         "AND (NEW.released_at IS NOT NULL OR NEW.released_by IS NOT NULL "
         "OR NEW.released_reason IS NOT NULL) AND (NEW.released_at IS NULL "
         f"OR trim(COALESCE(NEW.released_reason, '')) = '' OR NOT {_SQ_RELEASER})", HOLD_RELEASE),
)

# ------------------------------------------------------------------------ PostgreSQL
_PG_ERR = "USING ERRCODE = 'integrity_constraint_violation'"
_PG_FLOOR = f"NEW.start_at + interval '{NATIONAL_MIN_DAYS} days'"
_PG_RELEASER = (
    "EXISTS (SELECT 1 FROM app_user u WHERE u.username = NEW.released_by AND u.active "
    f"AND u.roles ?| array[{_ROLES}])"
)


def _pg_trigger(table: str, fn: str, when: str, body: str) -> tuple[str, str, str]:
    return (f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger AS $$\nBEGIN\n{body}\nEND $$ "
            "LANGUAGE plpgsql",
            f"DROP TRIGGER IF EXISTS {fn} ON {table}",
            f"CREATE TRIGGER {fn} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {fn}()")


POSTGRES_SEGMENT = (
    *_pg_trigger("recorder_segment", "recorder_segment_guard",
                 "BEFORE INSERT OR UPDATE OR DELETE", f"""
  IF TG_OP = 'INSERT' THEN
    IF {_bad_path('NEW.camera_id::text', 'NEW.seq::text')} OR NEW.retain_until < {_PG_FLOOR}
       OR NEW.deletion_link IS NOT NULL THEN
      RAISE EXCEPTION '{BAD_ROW}' {_PG_ERR};
    END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'DELETE' THEN
    IF OLD.state <> 'deleted' OR OLD.retain_until > now() OR {_HELD} THEN
      RAISE EXCEPTION '{REFUSAL}' {_PG_ERR};
    END IF;
    RETURN OLD;
  END IF;
  IF {_fixed_changed('IS DISTINCT FROM', _SEGMENT_FIXED)}
     OR (OLD.state <> 'writing' AND ({_sealed_changed('IS DISTINCT FROM')}))
     OR NEW.retain_until < OLD.retain_until OR NOT {_FORWARD}
     OR {_deletion_bad('IS DISTINCT FROM')} THEN
    RAISE EXCEPTION '{IMMUTABLE}' {_PG_ERR};
  END IF;
  IF NEW.state IN {_GONE} AND OLD.state NOT IN {_GONE} AND (
       OLD.state NOT IN {_LIVE} OR OLD.retain_until > now()
       OR OLD.retain_until > COALESCE(NEW.deleted_at, now()) OR {_HELD}) THEN
    RAISE EXCEPTION '{REFUSAL}' {_PG_ERR};
  END IF;
  RETURN NEW;"""),
)

POSTGRES_HOLD = (
    *_pg_trigger("recorder_legal_hold", "recorder_legal_hold_guard",
                 "BEFORE UPDATE OR DELETE", f"""
  IF TG_OP = 'DELETE' OR {_fixed_changed('IS DISTINCT FROM', _HOLD_FIXED)}
     OR (OLD.released_at IS NOT NULL AND ({_fixed_changed('IS DISTINCT FROM', _HOLD_RELEASED)})) THEN
    RAISE EXCEPTION '{HOLD_KEPT}' {_PG_ERR};
  END IF;
  IF OLD.released_at IS NULL AND (NEW.released_at IS NOT NULL OR NEW.released_by IS NOT NULL
       OR NEW.released_reason IS NOT NULL) AND (NEW.released_at IS NULL
       OR trim(COALESCE(NEW.released_reason, '')) = '' OR NOT {_PG_RELEASER}) THEN
    RAISE EXCEPTION '{HOLD_RELEASE}' {_PG_ERR};
  END IF;
  RETURN NEW;"""),
)


def install_recorder_triggers(connection) -> None:
    """Create (or replace) the guards on an existing schema; the migration calls this."""
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_SEGMENT + SQLITE_HOLD:
            connection.exec_driver_sql(statement)
        return
    for statement in POSTGRES_SEGMENT + POSTGRES_HOLD:  # psycopg reads % as a placeholder
        connection.exec_driver_sql(statement.replace("%", "%%"))


def attach(segment_table, hold_table) -> None:
    """Create the guards with their tables under `create_all` (the hold guard reads
    app_user, and the segment guard the hold table, only at run time)."""
    for table, statements, dialect in (
        (segment_table, SQLITE_SEGMENT, "sqlite"), (hold_table, SQLITE_HOLD, "sqlite"),
        (segment_table, POSTGRES_SEGMENT, "postgresql"), (hold_table, POSTGRES_HOLD, "postgresql"),
    ):
        for ddl in statements:
            event.listen(table, "after_create",
                         DDL(ddl.replace("%", "%%")).execute_if(dialect=dialect))
