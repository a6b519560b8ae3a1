"""Migrations and the store's types, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from socialaudit.db import current_revision, downgrade, ensure_schema, head_revision, upgrade
from socialaudit.models import Person, Post
from tests.factories import make_person_with_posts


def _tables(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(engine: Engine) -> None:
    expected = set(SQLModel.metadata.tables)
    assert current_revision(engine) == head_revision(engine)
    assert _tables(engine) == expected
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert _tables(engine) == set()
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    assert _tables(engine) == expected


def test_models_and_migrations_agree(engine: Engine) -> None:
    """What `alembic check` proves in CI, on both backends."""
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []


def test_ensure_schema_is_a_no_op_at_head(engine: Engine) -> None:
    before = current_revision(engine)
    ensure_schema(engine)
    assert current_revision(engine) == before == head_revision(engine)


def test_timestamps_round_trip_in_utc(engine: Engine) -> None:
    paris = timezone(timedelta(hours=1))
    created = datetime(2026, 11, 20, 10, 30, tzinfo=paris)
    with Session(engine) as session:
        _person, account, _ = make_person_with_posts(session, "Zoe Round", posts=0)
        session.add(
            Post(
                account_id=account.id,
                platform="x",
                platform_id="1",
                created_at=created,
                text="hello",
            )
        )
        session.commit()
    with Session(engine) as session:
        post = session.exec(select(Post)).one()
        assert post.created_at == created
        assert post.created_at.tzinfo is not None
        assert post.created_at.utcoffset() == timedelta(0)
        assert post.created_at.hour == 9


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Person(name="Naive", created_at=datetime(2026, 1, 1)))
        with pytest.raises(sa.exc.StatementError, match="naive datetime"):
            session.commit()


def test_post_identity_is_platform_and_id(engine: Engine) -> None:
    with Session(engine) as session:
        _, account, _ = make_person_with_posts(session, "Uma Unique", posts=1)
        session.add(
            Post(
                account_id=account.id,
                platform="x",
                platform_id="uma-0",
                created_at=datetime.now(UTC),
            )
        )
        with pytest.raises(sa.exc.IntegrityError):
            session.commit()


def test_rows_stored_before_0011_keep_everything_and_have_no_payload(engine: Engine) -> None:
    """0011_raw_payload adds the payload columns; older rows read as NULL, nothing lost."""
    from socialaudit.models import PostVersion, ProfileSnapshot

    downgrade(engine, "0010_check_batches")
    columns = {c["name"] for c in sa.inspect(engine).get_columns("postversion")}
    assert "raw" not in columns and "change" not in columns
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO person (name, role, active, nudges, timezone, language,"
                " created_at) VALUES ('Ana', 'staff', true, true, 'UTC', 'en',"
                " '2026-01-01 00:00:00')"
            )
        )
        person = conn.execute(sa.text("SELECT id FROM person")).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO account (person_id, platform, handle, active, status, created_at)"
                " VALUES (:p, 'x', 'ana', true, 'ok', '2026-01-01 00:00:00')"
            ),
            {"p": person},
        )
        account = conn.execute(sa.text("SELECT id FROM account")).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO post (account_id, platform, platform_id, created_at, text, kind,"
                " links, mentions, hashtags, media, edited, first_seen_at, last_seen_at)"
                " VALUES (:a, 'x', '1', '2026-01-01 00:00:00', 'before 0011', 'original',"
                " '[]', '[]', '[]', '[]', false, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            ),
            {"a": account},
        )
        post = conn.execute(sa.text("SELECT id FROM post")).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO postversion (post_id, version_key, position, text, seen_at)"
                " VALUES (:p, '1', 0, 'before 0011', '2026-01-01 00:00:00')"
            ),
            {"p": post},
        )
        conn.execute(
            sa.text(
                "INSERT INTO profilesnapshot (account_id, handle, fields, content_hash, seen_at)"
                " VALUES (:a, 'ana', '[]', 'h', '2026-01-01 00:00:00')"
            ),
            {"a": account},
        )
    upgrade(engine)
    with Session(engine) as session:
        version = session.exec(select(PostVersion)).one()
        assert version.text == "before 0011"
        assert (version.raw, version.change, version.poll) == (None, None, None)
        snapshot = session.exec(select(ProfileSnapshot)).one()
        assert snapshot.content_hash == "h" and snapshot.raw is None
