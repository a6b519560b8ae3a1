"""review search: folded post text, the review history behind Undo, missed posts

Revision ID: 0014_review_search
Revises: 0013_week_aggregates
Create Date: 2026-12-02 01:50:00

`postsearch` holds each post's text folded in Python (case, accents, compatibility forms),
so the review queue's search finds "garcia" in "García" on SQLite and PostgreSQL alike with
one LIKE; the posts stored before it are folded here. `reviewdecision` keeps every review
decision with the states it replaced: the finding's review history and what Undo restores.
`missedpost` records a post a reviewer says breaks a rule the checks did not raise, for
`socialaudit eval export`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from socialaudit.search import fold

revision: str = '0014_review_search'
down_revision: str | None = '0013_week_aggregates'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'postsearch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('text_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['post.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('post_id'),
    )
    op.create_table(
        'reviewdecision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column('previous', sa.JSON(), nullable=False),
        sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('undone_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('reviewdecision', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_reviewdecision_finding_id'), ['finding_id'], unique=False
        )
    op.create_table(
        'missedpost',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('rule_code', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('marked_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['post.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('post_id', 'rule_code'),
    )
    with op.batch_alter_table('missedpost', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_missedpost_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_missedpost_post_id'), ['post_id'], unique=False)
    _fold_existing_posts()


def _fold_existing_posts() -> None:
    """The posts stored before this migration, folded in pages of 5,000."""
    conn = op.get_bind()
    post = sa.table('post', sa.column('id', sa.Integer), sa.column('text', sa.String))
    search = sa.table(
        'postsearch', sa.column('post_id', sa.Integer), sa.column('text_key', sa.String)
    )
    last = 0
    while rows := conn.execute(
        sa.select(post.c.id, post.c.text).where(post.c.id > last).order_by(post.c.id).limit(5000)
    ).all():
        conn.execute(
            sa.insert(search), [{'post_id': pid, 'text_key': fold(text or '')} for pid, text in rows]
        )
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table('missedpost', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_missedpost_post_id'))
        batch_op.drop_index(batch_op.f('ix_missedpost_at'))
    op.drop_table('missedpost')
    with op.batch_alter_table('reviewdecision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviewdecision_finding_id'))
    op.drop_table('reviewdecision')
    op.drop_table('postsearch')
