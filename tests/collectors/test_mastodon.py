"""The Mastodon collector through Mastodon.py, over real HTTP to the sandbox.

Every test runs on SQLite and on PostgreSQL (the `engine` fixture is parametrised).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from collectors.mastodon import html_to_text
from collectors.runner import collect_platform
from sandbox import mastodon as sandbox_mastodon
from sandbox.world import DEACTIVATED, SUSPENDED, World
from socialaudit.config import Settings
from socialaudit.models import (
    AccountStatus,
    CollectionRun,
    DeletionCause,
    HandleChange,
    Post,
    PostKind,
    PostVersion,
    ProfileSnapshot,
    ReferencedPost,
)
from tests.collectors.rounds import (
    account,
    collect_in_subprocess,
    kill_when,
    post_by_id,
    post_by_text,
    replies_to_others,
    rows,
    settings_for,
    visible_posts,
)

pytestmark = pytest.mark.usefixtures("registered")
ACCOUNTS = 7


@pytest.fixture
def ms(sandbox, db_url: str, tmp_path, monkeypatch) -> Settings:
    monkeypatch.chdir(tmp_path)
    return settings_for(sandbox.url, db_url)


@pytest.fixture
def eager(sandbox, db_url: str) -> Settings:
    return settings_for(sandbox.url, db_url, SOCIALAUDIT_COLLECTION_PAGE_EVERY_HOURS="0")


def run(engine: Engine, settings: Settings, world: World) -> CollectionRun:
    return collect_platform(engine, settings, "mastodon", now=world.now)


def versions_of(engine: Engine, post_id: int) -> list[PostVersion]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(PostVersion)
                .where(PostVersion.post_id == post_id)
                .order_by(PostVersion.position)
            ).all()
        )


def test_html_becomes_text_with_link_targets_kept() -> None:
    html = (
        '<p>Read <a href="https://www.amnesty.org/en/documents/protest/" rel="nofollow">'
        '<span class="invisible">https://www.</span><span class="ellipsis">amnesty.org/en/doc'
        '</span><span class="invisible">uments/protest/</span></a> now, '
        '<span class="h-card"><a href="https://social.example/@kemi" class="u-url mention">'
        "@<span>kemi</span></a></span> &amp; "
        '<a href="https://social.example/tags/rights" class="mention hashtag" rel="tag">'
        "#<span>Rights</span></a></p><p>Line one<br />line two</p>"
    )
    text, links = html_to_text(html, "social.example")
    assert text == (
        "Read https://www.amnesty.org/en/documents/protest/ now, @kemi & #Rights\n\n"
        "Line one\nline two"
    )
    assert links == ["https://www.amnesty.org/en/documents/protest/"]
    # Read from another server's author, the mention keeps its server (the h-card hides it).
    remote, _ = html_to_text(html, "mastodon.example")
    assert "now, @kemi@social.example & #Rights" in remote


def test_first_collection_stores_posts_profiles_and_context(engine, ms, sandbox) -> None:
    world = sandbox.world
    result = run(engine, ms, world)
    assert result.status == "ok", result.errors
    assert result.accounts == ACCOUNTS
    assert result.new_posts == visible_posts(world, "mastodon") == rows(engine, Post)
    # A lookup and one page per account, and one status_context per reply to someone else.
    answers = replies_to_others(world, "mastodon")
    assert answers == 11
    assert result.api_calls == world.calls("mastodon.") == 2 * ACCOUNTS + answers
    assert world.counts["mastodon.status_context"] == answers
    assert result.posts_read == result.new_posts
    assert result.rate_limits["/api/v1/accounts/:id/statuses"]["x-ratelimit-limit"] == "300"
    assert rows(engine, HandleChange) == 0  # user@instance stays user@instance

    ana = account(engine, "mastodon", "ana@social.example")
    assert ana.platform_id == world.accounts["mastodon:ana"].id
    assert ana.status == AccountStatus.OK and ana.since_id is not None
    with Session(engine) as session:
        snapshot = session.exec(
            select(ProfileSnapshot).where(ProfileSnapshot.account_id == ana.id)
        ).one()
    assert snapshot.bio == "Campaigner at Amnesty International. Opiniões pessoais."
    assert snapshot.fields[0] == {
        "name": "Work",
        "value": "https://www.amnesty.org",
        "verified": False,
    }
    assert snapshot.url == "https://www.amnesty.org"

    memo = post_by_text(engine, "Internal memo")
    assert memo.kind == PostKind.ORIGINAL and memo.lang == "en"
    linked = post_by_text(engine, "documented 12 cases")
    assert linked.links == ["https://www.amnesty.org/en/latest/news/"]
    reply = post_by_text(engine, "I have answered this already, point 1.")
    critic = world.accounts["mastodon:critic"]
    assert reply.kind == PostKind.REPLY and reply.reply_to_account_id == critic.id
    # The status entity names only the parent; status_context gives its words and the
    # conversation's root, which the thread rules (RSP502, RSP503) need.
    taunts = sorted(
        (p for p in world.posts.values() if p.account == "mastodon:critic"),
        key=lambda p: p.created_at,
    )
    assert reply.reply_to_id == taunts[0].id
    assert reply.conversation_id == reply.reply_root_id == taunts[0].id
    last = post_by_text(engine, "I have answered this already, point 4.")
    assert last.conversation_id == taunts[0].id and last.reply_to_id == taunts[3].id
    with Session(engine) as session:
        context = session.exec(
            select(ReferencedPost).where(ReferencedPost.platform == "mastodon")
        ).all()
    texts = {ref.text for ref in context if ref.author_id == critic.id}
    assert texts == {f"Pathetic answer number {i}, you clowns." for i in range(1, 5)}


def test_boosts_media_and_hashtags(engine, ms, sandbox) -> None:
    world = sandbox.world
    original = world.add_post("mastodon:kemi", "Our report on evictions. #Housing")
    world.add_post("mastodon:dev", "", repost_of=original)
    world.add_post(
        "mastodon:dev", "At the camp.", media=[{"type": "image", "alt": "A fence at night"}]
    )
    run(engine, ms, world)
    with Session(engine) as session:
        boost = session.exec(select(Post).where(Post.kind == PostKind.REPOST)).one()
        context = session.exec(
            select(ReferencedPost).where(ReferencedPost.platform_id == original.id)
        ).one()
    assert boost.repost_of_id == original.id and boost.text == ""
    assert boost.repost_of_account_id == world.accounts["mastodon:kemi"].id
    assert context.text == "Our report on evictions. #Housing"
    assert post_by_text(engine, "Our report on evictions").hashtags == ["housing"]
    assert post_by_text(engine, "At the camp.").media == [
        {"type": "image", "alt": "A fence at night"}
    ]


def test_a_quiet_round_reads_only_the_profiles(engine, ms, sandbox) -> None:
    world = sandbox.world
    run(engine, ms, world)
    before = [rows(engine, m) for m in (Post, PostVersion, ProfileSnapshot)]
    world.reset_counts()
    quiet = run(engine, ms, world)
    assert quiet.status == "ok"
    assert dict(world.counts) == {"mastodon.account": ACCOUNTS}
    assert (quiet.new_posts, quiet.updated_posts, quiet.deleted_posts) == (0, 0, 0)
    assert [rows(engine, m) for m in (Post, PostVersion, ProfileSnapshot)] == before


def test_edits_are_versions_from_edited_at_and_the_history(engine, ms, eager, sandbox) -> None:
    world = sandbox.world
    run(engine, ms, world)
    stored = post_by_text(engine, "Our office will be closed on Monday.")
    world.advance(hours=3)  # Luca edits at +2h: the count does not move, a timed page sees it
    result = run(engine, eager, world)
    assert result.updated_posts == 1 and result.new_posts == 0
    edited = post_by_id(engine, stored.platform_id)
    assert edited.id == stored.id and edited.edited and edited.checked_at is None
    assert edited.text == "Our office will be closed on Monday and Tuesday."
    assert [v.text for v in versions_of(engine, edited.id)] == [
        "Our office will be closed on Monday.",
        "Our office will be closed on Monday and Tuesday.",
    ]
    assert (run(engine, eager, world).updated_posts, rows(engine, PostVersion)) == (
        0,
        rows(engine, Post) + 1,
    )


def test_a_post_first_seen_edited_gets_its_history(engine, ms, sandbox) -> None:
    world = sandbox.world
    world.advance(hours=3)
    world.reset_counts()
    run(engine, ms, world)
    assert world.counts["mastodon.status_history"] == 1
    edited = post_by_text(engine, "closed on Monday and Tuesday")
    versions = versions_of(engine, edited.id)
    assert [v.text for v in versions] == [
        "Our office will be closed on Monday.",
        "Our office will be closed on Monday and Tuesday.",
    ]
    assert versions[-1].version_key == edited.version_key


def test_deletions_and_boosts_of_deleted_posts(engine, ms, sandbox) -> None:
    world = sandbox.world
    original = world.add_post("mastodon:kemi", "A post Dev boosts.")
    world.add_post("mastodon:dev", "", repost_of=original)
    run(engine, ms, world)
    world.delete_post(original)
    hugo = world.timeline(world.accounts["mastodon:hugo"])[-1]
    world.delete_post(hugo)
    world.reset_counts()
    result = run(engine, ms, world)
    assert result.status == "ok" and result.deleted_posts == 2
    assert world.counts["mastodon.statuses"] == 1  # both accounts' watched posts, one batch
    assert post_by_id(engine, original.id).deletion_cause == DeletionCause.DELETED
    assert post_by_id(engine, hugo.id).deletion_cause == DeletionCause.DELETED
    with Session(engine) as session:
        boost = session.exec(select(Post).where(Post.repost_of_id == original.id)).one()
    assert boost.deletion_cause == DeletionCause.ORIGINAL_DELETED


def test_an_instance_without_batch_lookups_is_asked_per_status(engine, ms, sandbox) -> None:
    world = sandbox.world
    run(engine, ms, world)
    older = sandbox_mastodon.MastodonApi()
    older.routes = [r for r in older.routes if r.endpoint != "mastodon.statuses"]
    sandbox.server.apis = [older if a is sandbox_mastodon.API else a for a in sandbox.server.apis]
    gone = world.timeline(world.accounts["mastodon:chloe"])[0]
    world.delete_post(gone)
    world.reset_counts()
    result = run(engine, ms, world)
    assert result.status == "ok" and result.deleted_posts == 1
    watched = len(world.timeline(world.accounts["mastodon:chloe"])) + 1
    assert world.counts["mastodon.statuses"] == 0  # no route: not counted by the sandbox
    assert world.counts["mastodon.status"] == watched
    assert post_by_id(engine, gone.id).deletion_cause == DeletionCause.DELETED


def test_suspended_and_deactivated_accounts_are_not_deletions(engine, ms, sandbox) -> None:
    world = sandbox.world
    run(engine, ms, world)
    farid_posts = len(world.timeline(world.accounts["mastodon:farid"]))
    world.set_status("mastodon:farid", SUSPENDED)
    world.set_status("mastodon:hugo", DEACTIVATED)
    result = run(engine, ms, world)
    assert result.status == "ok" and result.deleted_posts == 0
    assert account(engine, "mastodon", "farid@social.example").status == AccountStatus.SUSPENDED
    assert account(engine, "mastodon", "hugo@social.example").status == AccountStatus.DEACTIVATED
    with Session(engine) as session:
        causes = dict(
            session.exec(
                select(Post.deletion_cause, func.count())
                .where(Post.deleted_at.is_not(None))
                .group_by(Post.deletion_cause)
            ).all()
        )
    assert causes[DeletionCause.ACCOUNT_SUSPENDED] == farid_posts
    assert DeletionCause.ACCOUNT_DEACTIVATED in causes and DeletionCause.DELETED not in causes
    world.set_status("mastodon:farid", "active")
    world.set_status("mastodon:hugo", "active")
    run(engine, ms, world)
    with Session(engine) as session:
        hidden = session.exec(
            select(func.count()).select_from(Post).where(Post.deleted_at.is_not(None))
        ).one()
    assert hidden == 0


def test_an_unknown_handle_is_not_found(engine, ms, sandbox) -> None:
    from socialaudit.db import session_scope
    from socialaudit.registry import add_account, find_person

    with session_scope(engine) as session:
        add_account(session, find_person(session, "Ana Lima"), "mastodon", "nobody@social.example")
    assert run(engine, ms, sandbox.world).status == "ok"
    assert account(engine, "mastodon", "nobody@social.example").status == AccountStatus.NOT_FOUND


def test_rate_limits_server_errors_time_outs_and_bad_json_are_retried(engine, ms, sandbox) -> None:
    world = sandbox.world
    world.inject("mastodon.account_lookup", "429", times=1, seconds=1)
    world.inject("mastodon.account_lookup", "slow", times=1, seconds=2.5)
    world.inject("mastodon.account_statuses", "500", times=2)
    world.inject("mastodon.account_statuses", "malformed", times=1)
    result = run(engine, ms, world)
    assert result.status == "ok", result.errors
    assert result.rate_limited == 1
    assert rows(engine, Post) == visible_posts(world, "mastodon")
    contexts = replies_to_others(world, "mastodon")
    assert result.api_calls == world.calls("mastodon.") == 2 * ACCOUNTS + 5 + contexts
    world.delete_post(world.timeline(world.accounts["mastodon:ana"])[0])
    world.inject("mastodon.statuses", "429", times=1, seconds=1)
    swept = run(engine, ms, world)
    assert swept.status == "ok" and swept.deleted_posts == 1 and swept.rate_limited == 1


def test_a_round_killed_mid_timeline_is_completed_without_duplicates(
    engine, ms, sandbox, db_url
) -> None:
    world = sandbox.world
    world.inject("mastodon.account_statuses", "slow", seconds=60, skip=3)
    proc = collect_in_subprocess(sandbox.url, db_url, "mastodon", world)
    kill_when(proc, world, "mastodon.account_statuses", 4)
    saved = rows(engine, Post)
    assert 0 < saved < visible_posts(world, "mastodon")
    result = run(engine, ms, world)
    assert result.status == "ok"
    assert rows(engine, Post) == visible_posts(world, "mastodon") == saved + result.new_posts
    assert rows(engine, ProfileSnapshot) == ACCOUNTS
    with Session(engine) as session:
        statuses = session.exec(select(CollectionRun.status).order_by(CollectionRun.id)).all()
    assert statuses == ["interrupted", "ok"]


def test_a_round_killed_mid_sweep_still_finds_the_deletion(engine, ms, sandbox, db_url) -> None:
    world = sandbox.world
    run(engine, ms, world)
    gone = world.timeline(world.accounts["mastodon:luca"])[0]
    world.delete_post(gone)
    world.inject("mastodon.statuses", "slow", seconds=60)
    world.reset_counts()
    proc = collect_in_subprocess(sandbox.url, db_url, "mastodon", world)
    kill_when(proc, world, "mastodon.statuses", 1)
    assert post_by_id(engine, gone.id).deleted_at is None
    result = run(engine, ms, world)
    assert result.status == "ok" and result.deleted_posts == 1
    assert post_by_id(engine, gone.id).deletion_cause == DeletionCause.DELETED


def test_a_round_is_stamped_with_the_clock_it_runs_on(engine, ms, sandbox) -> None:
    # A replay (the demo, `collect --now`) stamps its round like the posts it stores, so the
    # weekly report of that week finds the round.
    world = sandbox.world
    result = run(engine, ms, world)
    with Session(engine) as session:
        saved = session.get(CollectionRun, result.id)
        assert saved is not None
        started = saved.started_at.replace(tzinfo=world.now.tzinfo)
        finished = saved.finished_at.replace(tzinfo=world.now.tzinfo)
    assert started == world.now
    assert world.now <= finished < world.now + timedelta(minutes=5)
