"""week aggregates: the dashboard's counts per week, person, rule and severity

Revision ID: 0013_week_aggregates
Revises: 0012_person_country
Create Date: 2026-12-02 01:45:00

The dashboard counted every finding of its weeks on each build (52 weeks: 260,000 findings at
1,000 people). `week_aggregate` keeps those counts per (week, person, rule, severity), and
`week_aggregate_state` how far they reach; `socialaudit.aggregates.sync` counts again only
what changed after each `check`. The upgrade counts the findings already stored, so the first
dashboard after it is a read too.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0013_week_aggregates'
down_revision: str | None = '0012_person_country'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'week_aggregate',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('week', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('rule_code', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('severity', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('findings', sa.Integer(), nullable=False),
        sa.Column('outstanding', sa.Integer(), nullable=False),
        sa.Column('unreviewed', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('week', 'person_id', 'rule_code', 'severity'),
    )
    with op.batch_alter_table('week_aggregate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_week_aggregate_week'), ['week'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_week_aggregate_person_id'), ['person_id'], unique=False
        )
    op.create_table(
        'week_aggregate_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('last_finding_id', sa.Integer(), nullable=False),
        sa.Column('last_reviewed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('findings', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    # The findings already stored, counted once (the same sums as socialaudit.aggregates).
    op.execute(
        """
        INSERT INTO week_aggregate
            (week, person_id, rule_code, severity, findings, outstanding, unreviewed, total)
        SELECT week, person_id, rule_code, severity,
            SUM(CASE WHEN review_status <> 'false-positive' THEN 1 ELSE 0 END),
            SUM(CASE WHEN review_status IN ('open', 'acknowledged') THEN 1 ELSE 0 END),
            SUM(CASE WHEN review_status = 'open' THEN 1 ELSE 0 END),
            COUNT(id)
        FROM finding
        GROUP BY week, person_id, rule_code, severity
        """
    )
    op.execute(
        """
        INSERT INTO week_aggregate_state (id, last_finding_id, last_reviewed_at, findings)
        SELECT 1, COALESCE(MAX(id), 0), MAX(reviewed_at), COUNT(id) FROM finding
        """
    )


def downgrade() -> None:
    op.drop_table('week_aggregate_state')
    with op.batch_alter_table('week_aggregate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_week_aggregate_person_id'))
        batch_op.drop_index(batch_op.f('ix_week_aggregate_week'))
    op.drop_table('week_aggregate')
