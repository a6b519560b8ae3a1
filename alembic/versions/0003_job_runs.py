"""job runs

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 19:08:23.044985
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('jobrun',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('host', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('jobrun', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobrun_job'), ['job'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobrun_started_at'), ['started_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('jobrun', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobrun_started_at'))
        batch_op.drop_index(batch_op.f('ix_jobrun_job'))

    op.drop_table('jobrun')
