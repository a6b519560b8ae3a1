"""`check` in batches finds exactly what the one-post-at-a-time runner found.

The store is the sandbox world collected over nine days (every rule fires in it: threads,
replies to hostile messages, shares of party accounts, profile changes). The previous
runner (`previous_runner.py`, kept verbatim) and the batched one each check it from the
same starting state, the batched one with small batches so that batch boundaries fall
inside conversations; the findings (every column but the id and the time) and the summary
must be identical. Then again from a state with findings already stored, some reviewed as
false positives under another fingerprint, so "already recorded" and "not raised again"
are compared too. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from collectors.runner import collect
from sandbox.seed import demo_config, people_csv
from socialaudit.config import load_settings
from socialaudit.models import Finding, Post, ProfileSnapshot, ReviewStatus
from socialaudit.pipeline import check_runner
from socialaudit.registry import import_people_csv

from .previous_runner import run_checks as previous_run_checks

COLUMNS = [c.name for c in Finding.__table__.columns if c.name not in {"id", "created_at"}]


def _findings(engine: sa.Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*[Finding.__table__.c[name] for name in COLUMNS])).all()
    return sorted((tuple(repr(v) for v in row) for row in rows), key=lambda row: row)


def _unchecked(engine: sa.Engine) -> int:
    with Session(engine) as session:
        posts = session.exec(select(sa.func.count()).where(Post.checked_at.is_(None))).one()
        profiles = session.exec(
            select(sa.func.count()).where(ProfileSnapshot.checked_at.is_(None))
        ).one()
    return posts + profiles


def _restore(engine: sa.Engine, stored: list[dict[str, Any]]) -> None:
    """The starting state: exactly `stored` findings, nothing checked."""
    with engine.begin() as conn:
        conn.execute(sa.delete(Finding.__table__))
        if stored:
            conn.execute(Finding.__table__.insert(), stored)
        conn.execute(sa.update(Post.__table__).values(checked_at=None))
        conn.execute(sa.update(ProfileSnapshot.__table__).values(checked_at=None))


def _compare(engine: sa.Engine, settings: Any, stored: list[dict[str, Any]], monkeypatch) -> Any:
    results = []
    runners: list[Callable[..., Any]] = [previous_run_checks, check_runner.run_checks]
    for run in runners:
        _restore(engine, stored)
        summary = run(engine, settings)
        assert _unchecked(engine) == 0
        results.append((summary, _findings(engine)))
        monkeypatch.setattr(check_runner, "BATCH", 7)  # the batched one with small batches
    (before, before_rows), (after, after_rows) = results
    assert after_rows == before_rows
    assert (after.posts, after.profiles) == (before.posts, before.profiles)
    assert (after.new_findings, after.already_known, after.suppressed) == (
        before.new_findings,
        before.already_known,
        before.suppressed,
    )
    assert after.by_rule == before.by_rule
    return before


def test_batched_check_matches_the_previous_runner(
    engine, sandbox, sandbox_world, tmp_path, monkeypatch
) -> None:
    config = tmp_path / "socialaudit.toml"
    config.write_text(demo_config(sandbox.url), encoding="utf-8")
    settings = load_settings(
        config, environ={"SOCIALAUDIT_X_BEARER_TOKEN": "sandbox-bearer-batches"}
    )
    with Session(engine) as session:
        import_people_csv(session, people_csv(sandbox_world))
        session.commit()
    for _ in range(9):
        collect(engine, settings, now=sandbox_world.now)
        sandbox_world.advance(days=1)

    fresh = _compare(engine, settings, [], monkeypatch)
    assert fresh.new_findings > 20
    assert len(fresh.by_rule) >= 10  # the rules of every family, threads among them
    assert "RSP503" in fresh.by_rule

    # Findings already there: a third kept as they are (already recorded), a third reviewed
    # as false positives under an older fingerprint (not raised again), a third gone (new).
    with engine.connect() as conn:
        rows = [dict(row._mapping) for row in conn.execute(sa.select(Finding.__table__))]
    stored = []
    for row in sorted(rows, key=lambda r: r["id"]):
        if row["id"] % 3 == 0:
            continue
        if row["id"] % 3 == 1:
            row |= {
                "fingerprint": f"older-{row['id']}",
                "review_status": ReviewStatus.FALSE_POSITIVE,
                "reviewed_at": datetime(2026, 11, 1, tzinfo=UTC),
            }
        stored.append(row)
    again = _compare(engine, settings, stored, monkeypatch)
    assert again.already_known > 0
    assert again.suppressed > 0
    assert again.new_findings > 0


def _seed_replies(engine: sa.Engine, start: int, count: int) -> None:
    """`count` replies, in conversations with another account, to messages kept as context."""
    from datetime import timedelta

    from socialaudit.models import Account, Person, ReferencedPost

    at = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
    with Session(engine) as session:
        account = session.exec(select(Account)).first()
        if account is None:
            person = Person(name="Ana Lima", email="ana@example.org")
            session.add(person)
            session.flush()
            account = Account(person_id=person.id, platform="x", platform_id="100", handle="ana")
            session.add(account)
            session.flush()
        for n in range(start, start + count):
            session.add(
                ReferencedPost(
                    platform="x",
                    platform_id=f"q{n}",
                    author_handle="asker",
                    text="Why did you say that?",
                    created_at=at,
                )
            )
            session.add(
                Post(
                    account_id=account.id,
                    platform="x",
                    platform_id=f"r{n}",
                    created_at=at + timedelta(minutes=n),
                    text=f"Reply number {n}, see the report.",
                    kind="reply",
                    reply_to_id=f"q{n}",
                    reply_to_account_id="200",
                    conversation_id=f"c{n % 5}",
                    quote_of_id=f"r{n - 1}",
                )
            )
        session.commit()


def test_statements_per_batch_do_not_grow_with_the_posts(engine, tmp_path) -> None:
    """A batch is a fixed number of statements: twice the posts, the same count."""
    (tmp_path / "audit.toml").write_text("", encoding="utf-8")
    settings = load_settings(tmp_path / "audit.toml", environ={})
    counts = []
    for start, count in ((0, 40), (40, 80)):
        _seed_replies(engine, start, count)
        statements = [0]

        def _count(*_: Any, box: list[int] = statements) -> None:
            box[0] += 1

        sa.event.listen(engine, "before_cursor_execute", _count)
        try:
            summary = check_runner.run_checks(engine, settings)
        finally:
            sa.event.remove(engine, "before_cursor_execute", _count)
        assert summary.posts == count
        counts.append(statements[0])
    assert counts[0] == counts[1]
    assert counts[1] < 20  # against three or more a post before
