"""Several accounts collected at a time (`collection.concurrency`), on both databases.

The pool must change how long a round takes and nothing else: the same posts, profiles and
API calls as one account at a time, every post stored once, an account's failure its own.
Whether calls really overlap is read from the sandbox (the most requests it was answering at
once), never from a clock.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from collectors.runner import collect_platform
from sandbox.seed import bulk_world, people_csv
from sandbox.server import Sandbox
from sandbox.world import SUSPENDED
from socialaudit.config import load_settings
from socialaudit.db import make_engine, session_scope, upgrade
from socialaudit.models import Account, AccountStatus, Post, PostVersion, ProfileSnapshot
from socialaudit.registry import import_people_csv
from tests.collectors.conftest import sandbox_environ

ACCOUNTS = 12
POSTS = 6


def _stored(engine: Engine) -> set[tuple[str, str, str]]:
    with Session(engine) as session:
        return {
            (handle, pid, text)
            for handle, pid, text in session.exec(
                select(Account.handle, Post.platform_id, Post.text).join(
                    Account, Account.id == Post.account_id
                )
            ).all()
        }


def _round(engine: Engine, box: Sandbox, db_url: str, concurrency: int, platform: str) -> object:
    settings = load_settings(
        environ=sandbox_environ(
            box.url,
            db_url,
            SOCIALAUDIT_COLLECTION_CONCURRENCY=str(concurrency),
            SOCIALAUDIT_X_BEARER_TOKEN="pool-test-bearer",
        )
    )
    return collect_platform(engine, settings, platform, now=box.world.now)


@pytest.mark.parametrize("platform", ["bluesky", "x", "mastodon"])
def test_a_pool_stores_what_one_at_a_time_stores(
    engine: Engine, db_url: str, tmp_path: Path, platform: str
) -> None:
    # The reference: the same world collected one account at a time, in a SQLite file.
    reference_world = bulk_world(ACCOUNTS, POSTS, platform)
    reference = make_engine(f"sqlite:///{tmp_path / 'one-at-a-time.db'}")
    upgrade(reference)
    with session_scope(reference) as session:
        import_people_csv(session, people_csv(reference_world))
    with Sandbox(reference_world) as box:
        alone = _round(reference, box, str(reference.url), 1, platform)
        assert box.server.peak_in_flight == 1

    world = bulk_world(ACCOUNTS, POSTS, platform)
    with session_scope(engine) as session:
        import_people_csv(session, people_csv(world))
    with Sandbox(world, latency=0.05) as box:
        pooled = _round(engine, box, db_url, 4, platform)
        # Calls of several accounts were answered at the same time.
        assert 2 <= box.server.peak_in_flight <= 4
        again = _round(engine, box, db_url, 4, platform)

    assert pooled.status == alone.status == "ok", (pooled.errors, alone.errors)
    assert pooled.api_calls == alone.api_calls
    assert pooled.new_posts == alone.new_posts == ACCOUNTS * POSTS
    assert _stored(engine) == _stored(reference)
    assert again.status == "ok" and again.new_posts == 0
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Post)).one() == ACCOUNTS * POSTS
        assert session.exec(select(func.count()).select_from(PostVersion)).one() == (
            ACCOUNTS * POSTS
        )
        assert session.exec(select(func.count()).select_from(ProfileSnapshot)).one() == ACCOUNTS
    reference.dispose()


def test_trouble_in_the_pool_stays_with_its_account(engine: Engine, db_url: str) -> None:
    world = bulk_world(ACCOUNTS, POSTS, "bluesky")
    with session_scope(engine) as session:
        import_people_csv(session, people_csv(world))
    keys = sorted(world.accounts)
    world.set_status(keys[3], SUSPENDED)
    with Sandbox(world, latency=0.02) as box:
        # Timeline calls fail twice while several are in flight: retried, nothing doubled.
        box.world.inject("bluesky.getAuthorFeed", "500", times=2)
        run = _round(engine, box, db_url, 4, "bluesky")
        served = box.world.calls("bluesky.")
    assert run.status == "ok", run.errors
    assert run.api_calls == served
    with Session(engine) as session:
        statuses = dict(session.exec(select(Account.handle, Account.status)).all())
        per_account = dict(
            session.exec(
                select(Account.handle, func.count(Post.id))
                .join(Post, Post.account_id == Account.id, isouter=True)
                .group_by(Account.handle)
            ).all()
        )
    suspended = world.accounts[keys[3]].handle
    assert statuses.pop(suspended) == AccountStatus.SUSPENDED
    assert set(statuses.values()) == {AccountStatus.OK}
    # Every other account holds all its posts, once.
    assert {per_account[h] for h in statuses} == {POSTS}
