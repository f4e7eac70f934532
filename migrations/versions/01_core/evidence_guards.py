"""evidence guards: a document's id is fixed too (reinstall the core guards)

Revision ID: 63da52268a67
Revises: 10b1b96e1e53
Create Date: 2026-12-01 22:00:00
"""
from alembic import op

from casework.models.guards import drop_core_guards, install_core_guards

revision = '63da52268a67'
down_revision = '10b1b96e1e53'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    drop_core_guards(bind)
    install_core_guards(bind)


def downgrade() -> None:
    pass
