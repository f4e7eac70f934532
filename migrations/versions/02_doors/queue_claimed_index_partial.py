"""queue: the assignee index holds claimed tasks only

Revision ID: 4b8e1f0c6a73
Revises: 9c4d2e7a1b55

Unclaimed tasks (assignee NULL) have their own partial indexes by lane and process; with the
NULLs in this one too, the planner chose it for a deep page of unclaimed tasks and filtered
and sorted hundreds of rows instead of seeking the page.
"""
from alembic import op
import sqlalchemy as sa

revision = '4b8e1f0c6a73'
down_revision = '9c4d2e7a1b55'
branch_labels = None
depends_on = None

CLAIMED = "assignee IS NOT NULL"


def upgrade() -> None:
    op.drop_index('ix_engine_work_item_assignee_sort', table_name='engine_work_item')
    op.create_index('ix_engine_work_item_assignee_sort', 'engine_work_item', ['assignee', 'sort_at', 'id'],
                    unique=False, sqlite_where=sa.text(CLAIMED), postgresql_where=sa.text(CLAIMED))


def downgrade() -> None:
    op.drop_index('ix_engine_work_item_assignee_sort', table_name='engine_work_item')
    op.create_index('ix_engine_work_item_assignee_sort', 'engine_work_item', ['assignee', 'sort_at', 'id'],
                    unique=False)
