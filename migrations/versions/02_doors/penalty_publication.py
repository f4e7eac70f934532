"""penalty: published penalty decisions (行政执法公示)

Revision ID: 7d3a91c4e2b8
Revises: 5c2f7e9a1d34
"""
from alembic import op
import sqlalchemy as sa
import casework.models.base

revision = '7d3a91c4e2b8'
down_revision = '5c2f7e9a1d34'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('penalty_publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_ref', sa.String(length=40), nullable=False),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.Column('decision_number', sa.String(length=80), nullable=False),
    sa.Column('organ', sa.String(length=200), nullable=False),
    sa.Column('party', sa.String(length=200), nullable=False),
    sa.Column('act', sa.Text(), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('penalty', sa.String(length=200), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('publish_by', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('withdraw_by', sa.Date(), nullable=True),
    sa.Column('withdrawal_reason', sa.Text(), nullable=False),
    sa.Column('published_at', casework.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdiction.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_ref')
    )
    op.create_index('ix_penalty_publication_published', 'penalty_publication', ['published_on'], unique=False)
    op.create_index(op.f('ix_penalty_publication_jurisdiction_id'), 'penalty_publication', ['jurisdiction_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_penalty_publication_jurisdiction_id'), table_name='penalty_publication')
    op.drop_index('ix_penalty_publication_published', table_name='penalty_publication')
    op.drop_table('penalty_publication')
