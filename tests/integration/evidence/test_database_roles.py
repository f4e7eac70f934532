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


def test_init_creates_the_roles_and_runs_as_the_app(tmp_path, monkeypatch):
    """`casework init --admin-url` on a fresh database, as a deployment would run it."""
    import os
    import secrets as random

    import psycopg
    from click.testing import CliRunner
    from casework.cli import main
    from casework.devtools import pg

    server, _, _ = os.environ["CASEWORK_TEST_DATABASE_URL"].rpartition("/")
    name = f"evidence_init_{random.token_hex(4)}"
    assert pg.main(["create", server, name]) == 0
    url = f"{server}/{name}"
    try:
        monkeypatch.setenv("CASEWORK_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("CASEWORK_DATABASE_URL", url)
        out = CliRunner().invoke(main, ["init", "--admin-url", url])
        assert out.exit_code == 0, out.output
        assert f"{name}_app:***" in out.output
        app_url = (tmp_path / "data" / "secrets" / "database-app.url")
        assert oct(app_url.stat().st_mode & 0o777) == "0o600"
        monkeypatch.delenv("CASEWORK_DATABASE_URL")  # from here: the app URL under secrets/
        monkeypatch.setenv("CASEWORK_SYSTEM_ACCOUNT", "system.jobs")  # made by init
        out = CliRunner().invoke(main, ["audit", "verify"])
        assert out.exit_code == 0 and out.output.startswith("ok:"), out.output
        with psycopg.connect(app_url.read_text().strip().replace("+psycopg", "")) as conn:
            assert conn.execute("SELECT current_user").fetchone()[0] == f"{name}_app"
            owners = {r[0] for r in conn.execute(
                "SELECT tableowner FROM pg_tables WHERE schemaname = 'public'")}
            assert owners == {f"{name}_owner"}
    finally:
        pg.main(["drop", server, name])
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            for role in (f"{name}_app", f"{name}_owner"):
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')
