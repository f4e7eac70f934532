"""modeler: drafts of process models (key, base version, xml, revision)

Revision ID: 7d3a91c0b2e4
Revises: 7d3a91c4e2b8
"""
from alembic import op
import sqlalchemy as sa
import casework.models.base
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = '7d3a91c0b2e4'
down_revision = '7d3a91c4e2b8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('model_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.Column('xml', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('problems', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('saved_by', sa.String(length=100), nullable=False),
    sa.Column('saved_at', casework.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_model_draft')),
    sa.UniqueConstraint('key', name=op.f('uq_model_draft_key')),
    sqlite_autoincrement=True
    )


def downgrade() -> None:
    op.drop_table('model_draft')
