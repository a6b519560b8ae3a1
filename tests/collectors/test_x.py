"""The X collector through tweepy, over real HTTP to the sandbox, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from collectors.runner import collect_platform, collector_for
from sandbox.world import DEACTIVATED, PROTECTED, SUSPENDED, World
from socialaudit.config import Settings
from socialaudit.errors import ConfigError
from socialaudit.models import (
    AccountStatus,
    CollectionRun,
    DeletionCause,
    Post,
    PostKind,
    PostVersion,
    ProfileSnapshot,
    ReferencedPost,
)
from tests.collectors.rounds import (
    TOKEN,
    account,
    collect_in_subprocess,
    kill_when,
    post_by_id,
    post_by_text,
    rows,
    settings_for,
    visible_posts,
)

pytestmark = pytest.mark.usefixtures("registered")
X_ACCOUNTS = 9


@pytest.fixture
def xs(sandbox, db_url: str, tmp_path, monkeypatch) -> Settings:
    monkeypatch.chdir(tmp_path)
    return settings_for(sandbox.url, db_url)


@pytest.fixture
def eager(sandbox, db_url: str) -> Settings:
    """Pages every timeline every round (edits do not move the post count)."""
    return settings_for(sandbox.url, db_url, SOCIALAUDIT_COLLECTION_PAGE_EVERY_HOURS="0")


def run(engine: Engine, settings: Settings, world: World) -> CollectionRun:
    return collect_platform(engine, settings, "x", now=world.now)


def test_first_collection_stores_posts_profiles_context_and_the_budget(
    engine, xs, sandbox, caplog
) -> None:
    world = sandbox.world
    caplog.set_level(logging.DEBUG)
    result = run(engine, xs, world)
    assert result.status == "ok", result.errors
    assert result.accounts == X_ACCOUNTS
    assert result.new_posts == visible_posts(world, "x") == rows(engine, Post)
    assert rows(engine, ProfileSnapshot) == X_ACCOUNTS
    # Every request the seam counted reached the server: one batched resolve (100 handles a
    # call, which also reads the profiles) and one timeline page each.
    assert result.api_calls == world.calls("x.") == 1 + X_ACCOUNTS
    assert result.posts_read >= result.new_posts  # data plus included referenced posts
    limits = result.rate_limits["/2/users/:id/tweets"]
    assert limits["x-rate-limit-limit"] == "900" and int(limits["x-rate-limit-remaining"]) < 900
    assert TOKEN not in caplog.text  # tweepy logs headers at DEBUG; the token never shows

    ana = account(engine, "x", "ana_lima_sbx")
    assert ana.platform_id == world.accounts["x:ana"].id and ana.status == AccountStatus.OK
    assert ana.last_post_count == world.post_count(world.accounts["x:ana"], reposts=True)
    assert ana.since_id == max(
        (p.current_id for p in world.timeline(world.accounts["x:ana"])), key=int
    )

    link = post_by_text(engine, "Draft campaign plan")
    assert link.links == ["https://amnesty.sharepoint.com/sites/campaigns/plan-2027.docx"]
    assert "https://amnesty.sharepoint.com/sites/campaigns/plan-2027.docx" in link.text
    assert "https://t.co/" not in link.text
    mention = post_by_text(engine, "sick leave")
    assert mention.mentions == ["ben_okafor_sbx"]
    assert post_by_text(engine, "Vote for Jordan Vale").hashtags == ["VoteProgress"]
    hasty = post_by_text(engine, "That's not true")
    critic = world.accounts["x:critic"]
    assert hasty.kind == PostKind.REPLY and hasty.reply_to_account_id == critic.id
    with Session(engine) as session:
        repost = session.exec(
            select(Post).where(Post.repost_of_account_id == world.accounts["x:party"].id)
        ).one()
        context = {r.platform_id: r for r in session.exec(select(ReferencedPost)).all()}
    assert repost.kind == PostKind.REPOST and repost.text == ""
    assert context[repost.repost_of_id].text == "Our manifesto launches today. Join us!"
    assert context[hasty.reply_to_id].author_handle == "loud_critic_sbx"


def test_long_posts_media_and_quotes(engine, xs, sandbox) -> None:
    world = sandbox.world
    long_text = "A long thread-free post. " * 14 + "https://www.amnesty.org/en/long/"
    world.add_post("x:grace", long_text.strip())
    world.add_post("x:grace", "At the camp.", media=[{"type": "image", "alt": "A fence"}])
    critic = world.add_post("x:critic", "Nobody believes your numbers.")
    world.add_post("x:grace", "Here are the numbers.", quote_of=critic)
    run(engine, xs, world)
    long = post_by_text(engine, "A long thread-free post.")
    assert long.text == long_text.strip()  # from note_tweet, not the truncated text
    assert long.links == ["https://www.amnesty.org/en/long/"]
    assert post_by_text(engine, "At the camp.").media == [{"type": "image", "alt": "A fence"}]
    quote = post_by_text(engine, "Here are the numbers.")
    assert quote.text == "Here are the numbers."
    assert quote.kind == PostKind.QUOTE and quote.quote_of_id == critic.current_id
    assert quote.links == []


def test_a_quiet_round_reads_only_the_profiles(engine, xs, sandbox) -> None:
    world = sandbox.world
    run(engine, xs, world)
    before = [rows(engine, m) for m in (Post, PostVersion, ProfileSnapshot, ReferencedPost)]
    world.reset_counts()
    quiet = run(engine, xs, world)
    assert quiet.status == "ok"
    assert dict(world.counts) == {"x.users": 1}  # nine accounts in one batch of 100
    assert (quiet.api_calls, quiet.posts_read) == (1, 0)
    assert (quiet.new_posts, quiet.updated_posts, quiet.deleted_posts) == (0, 0, 0)
    assert [rows(engine, m) for m in (Post, PostVersion, ProfileSnapshot, ReferencedPost)] == before


def test_an_edit_chain_is_one_post_with_versions(engine, xs, eager, sandbox) -> None:
    world = sandbox.world
    run(engine, xs, world)
    world.advance(minutes=11)  # Ana posts and edits within the window
    result = run(engine, xs, world)
    assert result.new_posts == 1
    ana = post_by_text(engine, "Our new report is out today.")
    chain = next(p for p in world.posts.values() if p.text == "Our new report is out today.")
    assert ana.platform_id == chain.edit_ids[0] and ana.version_key == chain.edit_ids[-1]
    assert ana.edited and ana.created_at == chain.created_at

    # An edit of a post already stored: same row, both texts kept as versions.
    known = next(p for p in world.timeline(world.accounts["x:luca"]) if "data is here" in p.text)
    first_id = known.id
    world.edit_post(known, "Yes, the full data is here: https://www.amnesty.org/en/documents/data/")
    world.reset_counts()
    result = run(engine, eager, world)
    assert result.updated_posts == 1 and result.new_posts == 0
    edited = post_by_id(engine, first_id)
    assert edited.text.startswith("Yes, the full data is here") and edited.checked_at is None
    with Session(engine) as session:
        versions = session.exec(
            select(PostVersion)
            .where(PostVersion.post_id == edited.id)
            .order_by(PostVersion.position)
        ).all()
    assert [v.version_key for v in versions] == known.edit_ids
    assert versions[0].text.startswith("Yes, the data is here")
    again = run(engine, eager, world)
    assert (again.new_posts, again.updated_posts) == (0, 0)


def test_deletions_need_proof_and_reposts_lose_their_original(engine, xs, sandbox) -> None:
    world = sandbox.world
    run(engine, xs, world)
    world.advance(hours=15)  # Chloé posts a wrong figure
    run(engine, xs, world)
    world.advance(hours=10)  # Ben and Chloé delete
    world.reset_counts()
    result = run(engine, xs, world)
    assert result.status == "ok" and result.deleted_posts == 2
    assert world.counts["x.tweets"] == 1  # both accounts' watched posts in one look-up
    ben = post_by_text(engine, "The minister lied")
    assert ben.deletion_cause == DeletionCause.DELETED and ben.deleted_at == world.now
    assert post_by_text(engine, "3,000 people").deletion_cause == DeletionCause.DELETED

    world.advance(hours=4)  # Isla deletes the post Luca retweeted; Grace her SharePoint link
    result = run(engine, xs, world)
    assert result.deleted_posts == 2
    assert post_by_text(engine, "sharepoint").deletion_cause == DeletionCause.DELETED
    isla = post_by_text(engine, "We are hiring")
    assert isla.deletion_cause == DeletionCause.DELETED
    with Session(engine) as session:
        retweet = session.exec(select(Post).where(Post.repost_of_id == isla.platform_id)).one()
    assert retweet.deletion_cause == DeletionCause.ORIGINAL_DELETED


def test_unreadable_accounts_keep_their_posts_with_the_cause(engine, xs, sandbox) -> None:
    world = sandbox.world
    run(engine, xs, world)
    elena_posts = len(world.timeline(world.accounts["x:elena"]))
    world.set_status("x:ben", SUSPENDED)
    world.set_status("x:elena", DEACTIVATED)
    world.set_status("x:isla", PROTECTED)
    result = run(engine, xs, world)
    assert result.status == "ok" and result.deleted_posts == 0
    statuses = {
        h: account(engine, "x", h).status for h in ("ben_okafor_sbx", "elena_g_sbx", "isla_m_sbx")
    }
    assert statuses == {
        "ben_okafor_sbx": AccountStatus.SUSPENDED,
        "elena_g_sbx": AccountStatus.DEACTIVATED,
        "isla_m_sbx": AccountStatus.PROTECTED,
    }
    with Session(engine) as session:
        causes = dict(
            session.exec(
                select(Post.deletion_cause, func.count())
                .where(Post.deleted_at.is_not(None))
                .group_by(Post.deletion_cause)
            ).all()
        )
    assert causes[DeletionCause.ACCOUNT_DEACTIVATED] == elena_posts
    assert causes[DeletionCause.ACCOUNT_PROTECTED] > 0
    assert DeletionCause.ACCOUNT_SUSPENDED in causes and DeletionCause.DELETED not in causes

    # A look-up of a protected author's post says "Authorization Error": not a deletion.
    collector = collector_for("x", xs)
    isla_post = world.timeline(world.accounts["x:isla"])[0]
    lookup = collector.lookup_posts([isla_post.id, "1"])
    assert lookup.missing == {
        isla_post.id: DeletionCause.ACCOUNT_PROTECTED,
        "1": DeletionCause.DELETED,
    }
    collector.close()

    for key in ("x:ben", "x:elena", "x:isla"):
        world.set_status(key, "active")
    total = rows(engine, Post)
    run(engine, xs, world)
    with Session(engine) as session:
        hidden = session.exec(
            select(func.count()).select_from(Post).where(Post.deleted_at.is_not(None))
        ).one()
    assert hidden == 0 and rows(engine, Post) == total


def test_an_unknown_handle_is_not_found(engine, xs, sandbox) -> None:
    from socialaudit.db import session_scope
    from socialaudit.registry import add_account, find_person

    with session_scope(engine) as session:
        add_account(session, find_person(session, "Ana Lima"), "x", "nobody_sbx")
    result = run(engine, xs, sandbox.world)
    assert result.status == "ok"
    assert account(engine, "x", "nobody_sbx").status == AccountStatus.NOT_FOUND


def test_rate_limits_server_errors_time_outs_and_bad_json_are_retried(engine, xs, sandbox) -> None:
    world = sandbox.world
    world.inject("x.users_by", "429", times=1, seconds=1)
    world.inject("x.users_by", "slow", times=1, seconds=2.5)  # past the 2 s time-out
    world.inject("x.user_tweets", "500", times=2)
    world.inject("x.user_tweets", "malformed", times=1)
    result = run(engine, xs, world)
    assert result.status == "ok", result.errors
    assert result.rate_limited == 1
    assert rows(engine, Post) == visible_posts(world, "x")
    assert result.api_calls == world.calls("x.") == 1 + X_ACCOUNTS + 5
    world.advance(hours=25)
    world.inject("x.tweets", "429", times=1, seconds=1)
    swept = run(engine, xs, world)
    assert swept.status == "ok" and swept.deleted_posts == 1 and swept.rate_limited == 1


def test_an_error_that_outlasts_the_retries_fails_one_account_only(engine, xs, sandbox) -> None:
    world = sandbox.world
    run(engine, xs, world)
    world.add_post("x:ana", "New on Monday.")
    world.add_post("x:ben", "New on Monday too.")
    world.inject("x.user_tweets", "500", times=4)  # the first account's page fails for good
    result = run(engine, xs, world)
    assert result.status == "partial"
    assert [e["stage"] for e in result.errors] == ["timeline"]
    assert "500" in result.errors[0]["error"] and TOKEN not in result.errors[0]["error"]
    assert result.new_posts == 1
    again = run(engine, xs, world)
    assert again.status == "ok" and again.new_posts == 1
    assert rows(engine, Post) == visible_posts(world, "x")


def test_without_a_bearer_token_the_error_says_where_to_put_it(sandbox, db_url) -> None:
    from socialaudit.config import load_settings
    from tests.collectors.conftest import sandbox_environ

    settings = load_settings(environ=sandbox_environ(sandbox.url, db_url))
    with pytest.raises(ConfigError, match="SOCIALAUDIT_X_BEARER_TOKEN"):
        collector_for("x", settings)


def test_a_round_killed_mid_timeline_is_completed_without_duplicates(
    engine, xs, sandbox, db_url
) -> None:
    world = sandbox.world
    world.inject("x.user_tweets", "slow", seconds=60, skip=3)  # the 4th account hangs
    proc = collect_in_subprocess(sandbox.url, db_url, "x", world)
    kill_when(proc, world, "x.user_tweets", 4)
    saved = rows(engine, Post)
    assert 0 < saved < visible_posts(world, "x")
    result = run(engine, xs, world)
    assert result.status == "ok"
    assert rows(engine, Post) == visible_posts(world, "x") == saved + result.new_posts
    assert rows(engine, PostVersion) == rows(engine, Post)
    assert rows(engine, ProfileSnapshot) == X_ACCOUNTS
    with Session(engine) as session:
        statuses = session.exec(select(CollectionRun.status).order_by(CollectionRun.id)).all()
    assert statuses == ["interrupted", "ok"]


def test_a_round_killed_mid_sweep_still_finds_the_deletion(engine, xs, sandbox, db_url) -> None:
    world = sandbox.world
    run(engine, xs, world)
    world.advance(hours=25)  # Ben deletes a post
    world.inject("x.tweets", "slow", seconds=60)
    world.reset_counts()
    proc = collect_in_subprocess(sandbox.url, db_url, "x", world)
    kill_when(proc, world, "x.tweets", 1)
    assert post_by_text(engine, "The minister lied").deleted_at is None
    result = run(engine, xs, world)
    assert result.status == "ok" and result.deleted_posts >= 1
    assert post_by_text(engine, "The minister lied").deletion_cause == DeletionCause.DELETED
