"""incremental lifecycle outcomes: post.lifecycle_at, outcomesettings

Revision ID: 0015_outcome_marks
Revises: 0014_review_search
Create Date: 2026-12-02 02:00:00

The lifecycle pass of `check` re-decided every changed post of the watch window on every
run (5,753 statements at 1,000 people, 57,300 at 10,000). Now the collectors clear
`post.lifecycle_at` when they change what it reads, and `check` decides only those posts and
the ones they can affect; a partial index holds the undecided rows. Existing posts start
undecided, so the first `check` after the upgrade decides the watch window once, as before.
`outcomesettings` keeps the settings the outcomes were decided with, so changing the
correction window decides them again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015_outcome_marks'
down_revision: str | None = '0014_review_search'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNDECIDED = sa.text('lifecycle_at IS NULL')


def upgrade() -> None:
    op.add_column('post', sa.Column('lifecycle_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        'ix_post_undecided',
        'post',
        ['id'],
        sqlite_where=UNDECIDED,
        postgresql_where=UNDECIDED,
    )
    op.create_table(
        'outcomesettings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('outcomesettings')
    op.drop_index('ix_post_undecided', table_name='post')
    with op.batch_alter_table('post') as batch:
        batch.drop_column('lifecycle_at')
