"""person country: where a person's national phone numbers are read (CNF305)

Revision ID: 0012_person_country
Revises: 0011_raw_payload
Create Date: 2026-12-02 02:00:00

The registry's `country` column (ISO 3166 alpha-2, optional): CNF305 reads the person's
national phone numbers in that country's numbering plan first. Existing people have none,
which keeps the configured `[rules.CNF305] region` as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0012_person_country'
down_revision: str | None = '0011_raw_payload'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('country')
