"""referenced posts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 19:03:18.499523
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('referencedpost',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('platform_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('author_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('author_handle', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'platform_id')
    )
    with op.batch_alter_table('referencedpost', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referencedpost_seen_at'), ['seen_at'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('referencedpost', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referencedpost_seen_at'))

    op.drop_table('referencedpost')

