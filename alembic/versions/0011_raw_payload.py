"""raw payload: each post version and profile snapshot keeps the platform's JSON

Revision ID: 0011_raw_payload
Revises: 0010_check_batches
Create Date: 2026-12-02 01:40:00

`postversion.raw` and `profilesnapshot.raw` hold the JSON each was derived from, compressed
(`socialaudit.models.CompressedJSON`), so that `socialaudit reprocess` can re-derive stored
columns after a transform is fixed. `postversion.change` records what an edit changed (a
Mastodon edit of the poll alone is not a text edit) and `postversion.poll` the poll's options
as that version had them. Rows stored before this revision get NULL in all four: there is no
payload to recover, and their change is unknown.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011_raw_payload'
down_revision: str | None = '0010_check_batches'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('postversion') as batch:
        batch.add_column(sa.Column('change', sa.String(length=8), nullable=True))
        batch.add_column(sa.Column('poll', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('raw', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('profilesnapshot') as batch:
        batch.add_column(sa.Column('raw', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('profilesnapshot') as batch:
        batch.drop_column('raw')
    with op.batch_alter_table('postversion') as batch:
        batch.drop_column('raw')
        batch.drop_column('poll')
        batch.drop_column('change')
