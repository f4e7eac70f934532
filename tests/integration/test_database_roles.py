"""On PostgreSQL the application's role cannot switch off, drop or bypass the guards."""
from __future__ import annotations

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.postgres_only


@pytest.mark.parametrize("statement, refusal", [
    ("SET session_replication_role = replica", "permission denied"),
    ("DROP TRIGGER audit_event_guard ON audit_event", "must be owner"),
    ("ALTER TABLE document DISABLE TRIGGER document_guard", "must be owner"),
    ("TRUNCATE audit_event", "permission denied"),
    ("DROP TABLE audit_head", "must be owner"),
    ("CREATE TABLE mallory (x int)", "permission denied"),
    ("UPDATE alembic_version SET version_num = 'x'", "permission denied|does not exist"),
])
def test_the_app_role_cannot_lift_the_guards(container, statement, refusal):
    with pytest.raises(Exception, match=refusal):
        with container.engine.begin() as conn:
            conn.exec_driver_sql(statement)


def test_the_app_role_owns_nothing_and_is_no_superuser(container):
    with container.engine.connect() as conn:
        me = conn.execute(text("SELECT current_user")).scalar()
        assert me.endswith("_app")
        assert not conn.execute(text("SELECT rolsuper OR rolcreaterole OR rolcreatedb OR "
                                     "rolbypassrls FROM pg_roles WHERE rolname = current_user")).scalar()
        owned = conn.execute(text(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user")).scalar()
        assert owned == 0
