"""recorder: a tombstone's deletion link; guards vouch for retain_until and refuse REPLACE

Revision ID: 10b1b96e1e53
Revises: 6de1366a69ce
"""
from alembic import op
import sqlalchemy as sa

from recorder.catalogue.models import install_recorder_triggers

revision = '10b1b96e1e53'
down_revision = '6de1366a69ce'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('recorder_segment', sa.Column('deletion_link', sa.String(length=64), nullable=True))
    install_recorder_triggers(op.get_bind())


def downgrade() -> None:
    raise NotImplementedError("footage guards are not downgraded")
