"""accounts: one-time activation codes for unit accounts, form submission keys

Revision ID: d1c995704b4f
Revises: 7d3a91c0b2e4
"""
from alembic import op
import sqlalchemy as sa
import casework.models.base

revision = 'd1c995704b4f'
down_revision = '5f0c2a9d81e3'
branch_labels = None
depends_on = None

_AT = casework.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('submission_key',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('endpoint', sa.String(length=120), nullable=False),
    sa.Column('created_at', _AT, nullable=False),
    sa.Column('result', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_submission_key'))
    )
    op.create_index(op.f('ix_submission_key_created_at'), 'submission_key', ['created_at'], unique=False)
    op.create_table('activation_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('code_hash', sa.String(length=200), nullable=False),
    sa.Column('issued_by', sa.String(length=80), nullable=False),
    sa.Column('issued_at', _AT, nullable=False),
    sa.Column('expires_at', _AT, nullable=False),
    sa.Column('used_at', _AT, nullable=True),
    sa.Column('revoked_at', _AT, nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_activation_code_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activation_code'))
    )
    op.create_index(op.f('ix_activation_code_user_id'), 'activation_code', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_activation_code_user_id'), table_name='activation_code')
    op.drop_table('activation_code')
    op.drop_index(op.f('ix_submission_key_created_at'), table_name='submission_key')
    op.drop_table('submission_key')
