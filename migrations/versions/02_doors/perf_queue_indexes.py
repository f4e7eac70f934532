"""queue: work item indexes for a lane by process and a lane's unclaimed tasks, in deadline order

Revision ID: 5e1c0a7f3b92
Revises: 7d3a91c0b2e4
"""
from alembic import op
import sqlalchemy as sa

revision = '5e1c0a7f3b92'
down_revision = 'd1c995704b4f'
branch_labels = None
depends_on = None

UNCLAIMED = "assignee IS NULL"


def upgrade() -> None:
    op.create_index('ix_engine_work_item_role_key_sort', 'engine_work_item', ['role', 'key', 'sort_at', 'id'],
                    unique=False)
    op.create_index('ix_engine_work_item_unclaimed_sort', 'engine_work_item', ['role', 'sort_at', 'id'],
                    unique=False, sqlite_where=sa.text(UNCLAIMED), postgresql_where=sa.text(UNCLAIMED))


def downgrade() -> None:
    op.drop_index('ix_engine_work_item_unclaimed_sort', table_name='engine_work_item')
    op.drop_index('ix_engine_work_item_role_key_sort', table_name='engine_work_item')
