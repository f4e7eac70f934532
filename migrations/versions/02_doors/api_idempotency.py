"""api idempotency: submission keys keep an API request's fingerprint and first answer

Revision ID: 8b2f6c1d9e47
Revises: d1c995704b4f
"""
from alembic import op
import sqlalchemy as sa

revision = '8b2f6c1d9e47'
down_revision = '5e1c0a7f3b92'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('submission_key') as batch:
        batch.add_column(sa.Column('fingerprint', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('status', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('body', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('submission_key') as batch:
        batch.drop_column('body')
        batch.drop_column('status')
        batch.drop_column('fingerprint')
