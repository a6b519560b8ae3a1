"""check in batches: partial indexes on the unchecked rows, post (account_id, created_at)

Revision ID: 0010_check_batches
Revises: 0008_login_throttle
Create Date: 2026-12-01 22:30:00

`check` reads the next batch of unchecked posts with `checked_at IS NULL ORDER BY created_at,
id`. With only the created_at index, SQLite walked every post already checked to find them
(138 ms a batch at 1,000 people, 1.39 s at 10,000); a partial index holding only the unchecked
rows (on both databases) makes a batch one index range. The same for profile snapshots by
(seen_at, id). The thread context reads one account's replies within a window: an index on
post (account_id, created_at) keeps that per account (PostgreSQL's generic plan of the
prepared query walked every account's day of posts).

The plain index on post.checked_at goes: nothing else reads it, and while it existed SQLite
preferred it to the partial one, reading every unchecked post and sorting them for each
batch (a backlog of a million posts sorted two thousand times).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010_check_batches'
down_revision: str | None = '0008_login_throttle'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNCHECKED = sa.text('checked_at IS NULL')


def upgrade() -> None:
    op.drop_index('ix_post_checked_at', table_name='post')
    op.create_index(
        'ix_post_unchecked',
        'post',
        ['created_at', 'id'],
        sqlite_where=UNCHECKED,
        postgresql_where=UNCHECKED,
    )
    op.create_index('ix_post_account_created', 'post', ['account_id', 'created_at'])
    op.create_index(
        'ix_profilesnapshot_unchecked',
        'profilesnapshot',
        ['seen_at', 'id'],
        sqlite_where=UNCHECKED,
        postgresql_where=UNCHECKED,
    )


def downgrade() -> None:
    op.drop_index('ix_profilesnapshot_unchecked', table_name='profilesnapshot')
    op.drop_index('ix_post_account_created', table_name='post')
    op.drop_index('ix_post_unchecked', table_name='post')
    op.create_index('ix_post_checked_at', 'post', ['checked_at'], unique=False)
