"""The dashboard's weekly aggregates, kept in `week_aggregate` and updated incrementally.

The dashboard used to count every finding of its 52 weeks on each build. The counts it needs
(per week, person, rule and severity: the findings that count, those still open or
acknowledged, those nobody reviewed, and all of them) are kept in a table instead, and only
the (week, person) pairs whose findings changed are counted again:

- findings added since the last sync (ids above `last_finding_id`), by `check` or the
  lifecycle pass;
- findings decided since then (`reviewed_at` after `last_reviewed_at`); a review decision
  also refreshes its own pairs at once (`refresh`, from `reports.review`);
- findings deleted (the retention purge; `forget` cascades with the person): the number of
  findings in the store no longer matches the sum of `total`, and the weeks whose count
  differs are counted again whole.

`sync` runs after every `check` (CLI, scheduler, demo: one call) and before the dashboard
reads the table, where it is a read of three indexed maxima when nothing changed. Writers take
the state row first (an UPDATE), so two syncs never count the same pairs at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from socialaudit.models import Finding, ReviewStatus, WeekAggregate, WeekAggregateState

CHUNK = 500  # people per DELETE / INSERT ... SELECT
STATE_ID = 1
_TABLE: sa.Table = WeekAggregate.__table__  # type: ignore[assignment]
_STATE: sa.Table = WeekAggregateState.__table__  # type: ignore[assignment]
_COLUMNS = [
    "week",
    "person_id",
    "rule_code",
    "severity",
    "findings",
    "outstanding",
    "unreviewed",
    "total",
]


def _counts(where: Any) -> sa.Select[Any]:
    """The aggregate rows of the findings matching `where`, counted in SQL."""
    status = Finding.review_status

    def tally(condition: Any) -> Any:
        return sa.func.sum(sa.case((condition, 1), else_=0))

    return (
        sa.select(
            Finding.week,
            Finding.person_id,
            Finding.rule_code,
            Finding.severity,
            tally(status != ReviewStatus.FALSE_POSITIVE),
            tally(status.in_([ReviewStatus.OPEN, ReviewStatus.ACKNOWLEDGED])),
            tally(status == ReviewStatus.OPEN),
            sa.func.count(Finding.id),
        )
        .where(where)
        .group_by(Finding.week, Finding.person_id, Finding.rule_code, Finding.severity)
    )


def _lock(conn: Connection) -> None:
    """Take the state row for writing (created when missing): concurrent writers queue here."""
    touched = conn.execute(
        sa.update(_STATE)
        .where(_STATE.c.id == STATE_ID)
        .values(last_finding_id=_STATE.c.last_finding_id)
    ).rowcount
    if not touched:
        conn.execute(
            sa.insert(_STATE).values(
                id=STATE_ID, last_finding_id=0, last_reviewed_at=None, findings=-1
            )
        )


def _recount(conn: Connection, week: str, person_ids: list[int] | None) -> None:
    where = [_TABLE.c.week == week]
    source = [Finding.week == week]
    if person_ids is not None:
        where.append(_TABLE.c.person_id.in_(person_ids))
        source.append(Finding.person_id.in_(person_ids))
    conn.execute(sa.delete(_TABLE).where(*where))
    conn.execute(sa.insert(_TABLE).from_select(_COLUMNS, _counts(sa.and_(*source))))


def refresh(conn: Connection, pairs: Iterable[tuple[str, int]]) -> int:
    """Count again the findings of these (week, person_id) pairs; returns how many pairs.
    Runs in the caller's transaction (a review decision refreshes what it changed)."""
    by_week: dict[str, set[int]] = defaultdict(set)
    for week, person_id in pairs:
        by_week[week].add(person_id)
    if not by_week:
        return 0
    _lock(conn)
    for week, people in sorted(by_week.items()):
        ordered = sorted(people)
        for start in range(0, len(ordered), CHUNK):
            _recount(conn, week, ordered[start : start + CHUNK])
    return sum(len(p) for p in by_week.values())


def _marks(conn: Connection) -> tuple[int, Any, int]:
    last_id, last_review, count = conn.execute(
        sa.select(
            sa.func.coalesce(sa.func.max(Finding.id), 0),
            sa.func.max(Finding.reviewed_at),
            sa.func.count(Finding.id),
        )
    ).one()
    return int(last_id), last_review, int(count)


def _state(conn: Connection) -> tuple[int, Any, int] | None:
    row = conn.execute(
        sa.select(
            WeekAggregateState.last_finding_id,
            WeekAggregateState.last_reviewed_at,
            WeekAggregateState.findings,
        ).where(WeekAggregateState.id == STATE_ID)
    ).first()
    return None if row is None else (int(row[0]), row[1], int(row[2]))


def is_current(conn: Connection) -> bool:
    """Whether the table counts every finding as the store holds it now."""
    return _state(conn) == _marks(conn)


def sync(engine: Engine) -> int:
    """Bring `week_aggregate` up to date with the findings; returns the pairs counted again
    (0, and no write, when nothing changed since the last sync)."""
    with engine.connect() as conn:
        if is_current(conn):
            return 0
    with engine.begin() as conn:
        _lock(conn)
        state = _state(conn)
        last_id, last_review, count = _marks(conn)
        assert state is not None  # `_lock` made it
        seen_id, seen_review, seen_count = state
        pairs: set[tuple[str, int]] = set()
        if seen_count < 0:  # never counted: every week
            weeks = set(conn.scalars(sa.select(Finding.week).distinct()))
        else:
            changed = sa.and_(Finding.id > seen_id, Finding.id <= last_id)
            if seen_review is None:
                changed = sa.or_(changed, Finding.reviewed_at.is_not(None))
            else:
                changed = sa.or_(changed, Finding.reviewed_at > seen_review)
            pairs = {
                (w, p)
                for w, p in conn.execute(
                    sa.select(Finding.week, Finding.person_id).distinct().where(changed)
                )
            }
            weeks = set()
        refreshed = refresh(conn, pairs)
        for week in sorted(weeks):
            _recount(conn, week, None)
            refreshed += 1
        kept = conn.scalar(sa.select(sa.func.coalesce(sa.func.sum(_TABLE.c.total), 0)))
        if int(kept or 0) != count:  # a finding deleted, or one committed out of id order
            refreshed += _recount_differing_weeks(conn)
        conn.execute(
            sa.update(_STATE)
            .where(_STATE.c.id == STATE_ID)
            .values(last_finding_id=last_id, last_reviewed_at=last_review, findings=count)
        )
    return refreshed


def _recount_differing_weeks(conn: Connection) -> int:
    """Count again every week whose findings no longer add up to the table's total."""
    stored = dict(
        conn.execute(
            sa.select(Finding.week, sa.func.count(Finding.id)).group_by(Finding.week)
        ).all()
    )
    kept = dict(
        conn.execute(
            sa.select(_TABLE.c.week, sa.func.sum(_TABLE.c.total)).group_by(_TABLE.c.week)
        ).all()
    )
    differing = sorted(w for w in set(stored) | set(kept) if stored.get(w, 0) != kept.get(w, 0))
    for week in differing:
        _recount(conn, week, None)
    return len(differing)
