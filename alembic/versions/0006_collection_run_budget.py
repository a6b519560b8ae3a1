"""collection run budget

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 19:44:08.435058
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing rounds read 0 posts and recorded no limits (server defaults fill them).
    with op.batch_alter_table('collectionrun', schema=None) as batch_op:
        batch_op.add_column(sa.Column('posts_read', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('rate_limits', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('collectionrun', schema=None) as batch_op:
        batch_op.drop_column('rate_limits')
        batch_op.drop_column('posts_read')
