"""queue: an index for a lane's unclaimed tasks of one process, in deadline order

Revision ID: 3a7e5b1c9d20
Revises: 8b2f6c1d9e47
"""
from alembic import op
import sqlalchemy as sa

revision = '3a7e5b1c9d20'
down_revision = '8b2f6c1d9e47'
branch_labels = None
depends_on = None

UNCLAIMED = "assignee IS NULL"


def upgrade() -> None:
    op.create_index('ix_engine_work_item_unclaimed_key_sort', 'engine_work_item', ['role', 'key', 'sort_at', 'id'],
                    unique=False, sqlite_where=sa.text(UNCLAIMED), postgresql_where=sa.text(UNCLAIMED))


def downgrade() -> None:
    op.drop_index('ix_engine_work_item_unclaimed_key_sort', table_name='engine_work_item')
