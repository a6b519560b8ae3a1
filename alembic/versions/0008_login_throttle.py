"""login throttle shared by workers

Revision ID: 0008_login_throttle
Revises: 0007_webload
Create Date: 2026-12-01 21:23:38.765420

Failed sign-ins per client address, so that every `serve` worker counts the same attempts
(the throttle was per process: N workers allowed N times the attempts). No user names: an
account locks on its own counter in `webuser`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0008_login_throttle'
down_revision: str | None = '0007_webload'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('loginfailure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('loginfailure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loginfailure_at'), ['at'], unique=False)
        batch_op.create_index('ix_loginfailure_client_at', ['client', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('loginfailure', schema=None) as batch_op:
        batch_op.drop_index('ix_loginfailure_client_at')
        batch_op.drop_index(batch_op.f('ix_loginfailure_at'))

    op.drop_table('loginfailure')