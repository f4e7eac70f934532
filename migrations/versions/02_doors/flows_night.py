"""flows: night runs and batches, recorder camera-hour summaries

Revision ID: 5c2f7e9a1d34
Revises: 384309776c35
Create Date: 2026-12-01 21:50:11.477641
"""
from alembic import op
import sqlalchemy as sa
import casework.models.base
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = '5c2f7e9a1d34'
down_revision = '384309776c35'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('night_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('flow', sa.String(length=40), nullable=False),
    sa.Column('run_key', sa.String(length=80), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('params', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('counts', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('result', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('batches', sa.Integer(), nullable=False),
    sa.Column('prefect_run_id', sa.String(length=40), nullable=True),
    sa.Column('started_at', casework.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', casework.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_night_run')),
    sa.UniqueConstraint('flow', 'run_key', name=op.f('uq_night_run_flow_run_key'))
    )
    with op.batch_alter_table('night_run', schema=None) as batch_op:
        batch_op.create_index('ix_night_run_flow_started', ['flow', 'started_at'], unique=False)

    op.create_table('night_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('items', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=120), nullable=True),
    sa.Column('lease_until', casework.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('counts', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('done_at', casework.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['night_run.id'], name=op.f('fk_night_batch_run_id_night_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_night_batch')),
    sa.UniqueConstraint('run_id', 'seq', name=op.f('uq_night_batch_run_id_seq'))
    )
    with op.batch_alter_table('night_batch', schema=None) as batch_op:
        batch_op.create_index('ix_night_batch_run_state', ['run_id', 'state', 'seq'], unique=False)

    op.create_table('recorder_camera_hour',
    sa.Column('camera_id', sa.Integer(), nullable=False),
    sa.Column('hour_start', casework.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('covered_s', sa.Float(), nullable=False),
    sa.Column('gap_s', sa.Float(), nullable=False),
    sa.Column('held_s', sa.Float(), nullable=False),
    sa.Column('segments', sa.Integer(), nullable=False),
    sa.Column('findings', sa.Integer(), nullable=False),
    sa.Column('finding_kinds', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('updated_at', casework.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['camera_id'], ['camera.id'], name=op.f('fk_recorder_camera_hour_camera_id_camera')),
    sa.PrimaryKeyConstraint('camera_id', 'hour_start', name=op.f('pk_recorder_camera_hour'))
    )
    with op.batch_alter_table('recorder_camera_hour', schema=None) as batch_op:
        batch_op.create_index('ix_recorder_camera_hour_hour', ['hour_start'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('recorder_camera_hour', schema=None) as batch_op:
        batch_op.drop_index('ix_recorder_camera_hour_hour')

    op.drop_table('recorder_camera_hour')
    with op.batch_alter_table('night_batch', schema=None) as batch_op:
        batch_op.drop_index('ix_night_batch_run_state')

    op.drop_table('night_batch')
    with op.batch_alter_table('night_run', schema=None) as batch_op:
        batch_op.drop_index('ix_night_run_flow_started')

    op.drop_table('night_run')
