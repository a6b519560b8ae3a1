"""The review queue's query is read in index order on both databases, never sorted whole.

The ORDER BY must be the index's expression exactly (literal SQL, not bound parameters), or
the database sorts every open finding per page: 180 ms on 260,000 findings on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from socialaudit.web import queries
from tests.web.seed import seed_web


def _plan(engine: Engine, **filters: Any) -> str:
    statements: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", grab)
    with Session(engine) as session:
        items = queries.list_findings(session, limit=51, **filters)
        sa.event.remove(engine, "before_cursor_execute", grab)
        assert items, "the seeded findings are listed"
        statement, parameters = statements[-1]
        conn = session.connection()
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            return "\n".join(str(row[-1]) for row in rows)
        # A handful of rows would make a sequential scan cheapest: ask whether the index
        # *can* give the order, by pricing the alternatives out.
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        conn.exec_driver_sql("SET LOCAL enable_sort = off")
        rows = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        return "\n".join(str(row[0]) for row in rows)


@pytest.mark.parametrize(
    ("filters", "index"),
    [({"status": "open"}, "ix_finding_review_queue"), ({}, "ix_finding_severity_order")],
)
def test_queue_pages_come_in_index_order(
    engine: Engine, filters: dict[str, Any], index: str
) -> None:
    seed_web(engine)
    plan = _plan(engine, **filters)
    assert index in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan and "Sort" not in plan, plan


def test_collection_state_reads_one_run_per_platform(engine: Engine) -> None:
    """Part of every queue build: not every run ever recorded, and one count for all."""
    from datetime import UTC, datetime, timedelta

    from socialaudit.models import Account, CollectionRun

    seed_web(engine)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with Session(engine) as session:
        for platform in ("x", "bluesky"):
            session.add_all(
                CollectionRun(
                    platform=platform,
                    started_at=start + timedelta(hours=2 * n),
                    finished_at=start + timedelta(hours=2 * n, minutes=5),
                    status="ok" if n < 29 else "partial",
                )
                for n in range(30)
            )
        account = session.exec(sa.select(Account).limit(1)).scalars().one()
        account.status, platform_in_error = "suspended", account.platform
        session.add(account)
        session.commit()
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        with Session(engine) as session:
            state = {row["platform"]: row for row in queries.collection_state(session)}
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert state["x"]["status"] == state["bluesky"]["status"] == "partial"
    assert state["x"]["last_collection"].startswith("2026-11-03T10:00")
    assert state["mastodon"]["status"] == "never"
    assert state[platform_in_error]["accounts_in_error"] == 1
    assert sum(row["accounts_in_error"] for row in state.values()) == 1
    runs = [s for s in statements if "FROM collectionrun" in s]
    assert len(runs) == 3 and all("LIMIT" in s for s in runs)
    assert len(statements) == 4
