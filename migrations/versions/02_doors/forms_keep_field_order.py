"""forms keep their field order on PostgreSQL: json, not jsonb (which sorts an object's keys)

Revision ID: 9c4d2e7a1b55
Revises: 3a7e5b1c9d20

Rows stored before this revision already lost their order on PostgreSQL; a form saved or a
version deployed after it keeps the order it is written in.
"""
from alembic import op
from sqlalchemy.dialects import postgresql
import sqlalchemy as sa

revision = '9c4d2e7a1b55'
down_revision = '3a7e5b1c9d20'
branch_labels = None
depends_on = None

COLUMNS = (("engine_model_version", "forms"), ("form_draft", "form"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite keeps the JSON text as written
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.JSON(), postgresql_using=f"{column}::json")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=postgresql.JSONB(), postgresql_using=f"{column}::jsonb")
