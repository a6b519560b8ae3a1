"""post outcomes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 19:11:57.360980
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('postoutcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('correction_post_id', sa.Integer(), nullable=True),
    sa.Column('event_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('week', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('seconds_to_delete', sa.Integer(), nullable=True),
    sa.Column('seconds_to_correct', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['correction_post_id'], ['post.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('post_id')
    )
    with op.batch_alter_table('postoutcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postoutcome_event_at'), ['event_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_postoutcome_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_postoutcome_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_postoutcome_week'), ['week'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('postoutcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postoutcome_week'))
        batch_op.drop_index(batch_op.f('ix_postoutcome_person_id'))
        batch_op.drop_index(batch_op.f('ix_postoutcome_outcome'))
        batch_op.drop_index(batch_op.f('ix_postoutcome_event_at'))

    op.drop_table('postoutcome')
