"""engine incidents: steps refused for going over their budget

Revision ID: 6de1366a69ce
Revises: 1496789977c7
"""
from alembic import op
import sqlalchemy as sa
import casework.models.base

revision = '6de1366a69ce'
down_revision = '1496789977c7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('engine_incident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('element', sa.String(length=120), nullable=False),
    sa.Column('limit', sa.String(length=40), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('created_at', casework.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engine_incident')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('engine_incident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engine_incident_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_engine_incident_instance_id'), ['instance_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('engine_incident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engine_incident_instance_id'))
        batch_op.drop_index(batch_op.f('ix_engine_incident_created_at'))
    op.drop_table('engine_incident')
