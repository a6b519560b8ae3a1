"""Bad input from a platform fails that account's round, in one line; the others carry on.

Through the sandbox's fault injection, on each platform's timeline endpoint: a truncated
body (`malformed`), an HTML page instead of JSON (`html`), items without their ids and times
(`missing`) and a string where the list of posts should be (`wrongtype`).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from collectors.runner import collect_platform
from socialaudit.models import Account, Post
from tests.collectors.rounds import settings_for

pytestmark = pytest.mark.usefixtures("registered")

TIMELINE = {"x": "x.user_tweets", "bluesky": "bluesky.getAuthorFeed"}
TIMELINE["mastodon"] = "mastodon.account_statuses"


def _posts_by_account(engine) -> dict[int, int]:
    with Session(engine) as session:
        rows = session.exec(select(Post.account_id, func.count()).group_by(Post.account_id))
        return dict(rows.all())


@pytest.mark.parametrize("platform", ["x", "bluesky", "mastodon"])
@pytest.mark.parametrize("kind", ["malformed", "html", "missing", "wrongtype"])
def test_a_bad_timeline_answer_fails_one_account_and_keeps_what_was_stored(
    engine, sandbox, db_url, platform: str, kind: str
) -> None:
    world = sandbox.world
    prefix = f"SOCIALAUDIT_PLATFORMS_{platform.upper()}_"
    settings = settings_for(
        sandbox.url,
        db_url,
        SOCIALAUDIT_COLLECTION_PAGE_EVERY_HOURS="0",
        **{prefix + "MAX_RETRIES": "0"},
    )
    first = collect_platform(engine, settings, platform, now=world.now)
    assert first.status == "ok", first.errors
    stored = _posts_by_account(engine)
    staff = [a for a in world.accounts.values() if a.platform == platform and a.person]
    for account in staff:
        world.add_post(account.key, f"News from {account.handle}.")
    world.advance(hours=1)
    world.inject(TIMELINE[platform], kind, times=1)

    run = collect_platform(engine, settings, platform, now=world.now)

    assert run.status == "partial"
    assert len(run.errors) == 1, run.errors
    error = run.errors[0]
    assert error["error"] and "\n" not in error["error"]
    assert "Traceback" not in error["error"]
    after = _posts_by_account(engine)
    with Session(engine) as session:
        failed = session.get(Account, error["account_id"])
        assert failed.status == "error" and "\n" not in (failed.status_detail or "")
        others = session.exec(
            select(Account).where(Account.platform == platform, Account.id != failed.id)
        ).all()
    assert after.get(failed.id, 0) == stored.get(failed.id, 0)  # what it had is kept
    grew = [a for a in others if after.get(a.id, 0) > stored.get(a.id, 0)]
    assert grew, "the other accounts' new posts were not stored"


PROFILES = {"x": "x.users", "bluesky": "bluesky.getProfiles", "mastodon": "mastodon.account"}


@pytest.mark.parametrize("platform", ["x", "bluesky", "mastodon"])
@pytest.mark.parametrize("kind", ["malformed", "html", "missing", "wrongtype"])
def test_a_bad_profile_answer_fails_the_accounts_asked_for_never_the_round(
    engine, sandbox, db_url, platform: str, kind: str
) -> None:
    """A profile call asks for a batch (X 100, Bluesky 25; Mastodon one): those fail."""
    world = sandbox.world
    prefix = f"SOCIALAUDIT_PLATFORMS_{platform.upper()}_"
    settings = settings_for(sandbox.url, db_url, **{prefix + "MAX_RETRIES": "0"})
    assert collect_platform(engine, settings, platform, now=world.now).status == "ok"
    stored = _posts_by_account(engine)
    world.advance(hours=1)
    world.inject(PROFILES[platform], kind, times=1)

    run = collect_platform(engine, settings, platform, now=world.now)

    # The round went on: the accounts of the bad batch failed, one line each, and the round is
    # "failed" only when that batch was every account (X reads up to 100 profiles a call).
    failed_ids = {e["account_id"] for e in run.errors if "account_id" in e}
    with Session(engine) as session:
        registered = session.exec(select(Account).where(Account.platform == platform)).all()
    if not failed_ids:
        expected = "ok"
    elif failed_ids == {a.id for a in registered}:
        expected = "failed"
    else:
        expected = "partial"
    assert run.status == expected, run.errors
    assert all(e.get("stage") != "round" for e in run.errors), run.errors
    assert all("\n" not in e["error"] and e["error"] for e in run.errors)
    if kind != "missing" or platform != "mastodon":  # an account's fields are not its identity
        assert run.errors and all("account_id" in e for e in run.errors)
    assert _posts_by_account(engine) == stored  # nothing stored was lost


LOOKUPS = {"x": "x.tweets", "bluesky": "bluesky.getPosts", "mastodon": "mastodon.statuses"}


@pytest.mark.parametrize("platform", ["x", "bluesky", "mastodon"])
@pytest.mark.parametrize("kind", ["malformed", "html", "missing", "wrongtype"])
def test_a_bad_lookup_answer_deletes_nothing_and_the_next_sweep_finds_the_deletion(
    engine, sandbox, db_url, platform: str, kind: str
) -> None:
    """A deletion sweep's batch look-up answered badly proves nothing: no post is marked."""
    world = sandbox.world
    prefix = f"SOCIALAUDIT_PLATFORMS_{platform.upper()}_"
    settings = settings_for(sandbox.url, db_url, **{prefix + "MAX_RETRIES": "0"})
    staff = next(a for a in world.accounts.values() if a.platform == platform and a.person)
    gone = world.add_post(staff.key, "A post deleted later.", ago=timedelta(hours=2))
    assert collect_platform(engine, settings, platform, now=world.now).status == "ok"
    stored = _posts_by_account(engine)
    world.delete_post(gone)
    world.advance(minutes=5)  # before the sandbox's scripted edit at 09:10
    world.inject(LOOKUPS[platform], kind, times=1)

    run = collect_platform(engine, settings, platform, now=world.now)

    assert run.status != "ok" and run.errors, "the bad look-up was not recorded"
    assert all(e["error"] and "\n" not in e["error"] for e in run.errors), run.errors
    assert all("Traceback" not in e["error"] for e in run.errors)
    assert _posts_by_account(engine) == stored  # nothing stored was lost or duplicated
    with Session(engine) as session:
        marked = session.exec(select(Post).where(Post.deleted_at.is_not(None))).all()
    if kind != "missing":  # `missing` drops ids: what is left proves nothing either
        assert marked == [], [(p.platform_id, p.deletion_cause) for p in marked]

    world.advance(minutes=1)  # the fault is spent: the next round's sweep sees the deletion
    again = collect_platform(engine, settings, platform, now=world.now)
    assert again.status == "ok", again.errors
    with Session(engine) as session:
        deleted = session.exec(select(Post).where(Post.deletion_cause == "deleted")).all()
    assert len(deleted) == 1
