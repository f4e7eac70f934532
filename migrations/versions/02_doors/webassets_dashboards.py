"""dashboards: case_file indexes for open cases by age and closed cases by month

Revision ID: 384309776c35
Revises: 554a941fd1dc
"""
from alembic import op

revision = '384309776c35'
down_revision = '554a941fd1dc'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_case_file_kind_status_opened', 'case_file', ['kind', 'status', 'opened_at'],
                    unique=False)
    op.create_index('ix_case_file_kind_status_closed', 'case_file', ['kind', 'status', 'closed_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_file_kind_status_closed', table_name='case_file')
    op.drop_index('ix_case_file_kind_status_opened', table_name='case_file')
