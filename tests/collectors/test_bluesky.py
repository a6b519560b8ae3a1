"""The Bluesky collector through the atproto SDK, over real HTTP to the sandbox.

Every test runs on SQLite and on PostgreSQL (the `engine` fixture is parametrised).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from collectors.runner import collect, collect_platform
from sandbox.world import DEACTIVATED, SUSPENDED, World
from socialaudit.config import Settings, load_settings
from socialaudit.models import (
    Account,
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
from tests.collectors.conftest import sandbox_environ

pytestmark = pytest.mark.usefixtures("registered")


def run(engine: Engine, settings: Settings, world: World) -> CollectionRun:
    return collect_platform(engine, settings, "bluesky", now=world.now)


def rows(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def post_by_text(engine: Engine, fragment: str) -> Post:
    with Session(engine) as session:
        return session.exec(select(Post).where(Post.text.contains(fragment))).one()


def post_by_key(engine: Engine, rkey: str) -> Post:
    with Session(engine) as session:
        return session.exec(select(Post).where(Post.platform_id.endswith(f"/{rkey}"))).one()


def account(engine: Engine, handle: str) -> Account:
    with Session(engine) as session:
        return session.exec(
            select(Account).where(Account.platform == "bluesky", Account.handle == handle)
        ).one()


def visible_posts(world: World, platform: str = "bluesky") -> int:
    return sum(
        len(world.timeline(a))
        for a in world.accounts.values()
        if a.platform == platform and a.person and a.status == "active"
    )


def test_first_collection_stores_every_post_profile_and_context(engine, settings, sandbox) -> None:
    world = sandbox.world
    result = run(engine, settings, world)
    assert result.status == "ok", result.errors
    assert result.accounts == 8
    assert result.new_posts == visible_posts(world) == rows(engine, Post)
    assert rows(engine, PostVersion) == rows(engine, Post)
    assert rows(engine, ProfileSnapshot) == 8
    # The budget the seam counted is what the server saw: one batched resolve, one page each.
    assert result.api_calls == world.calls("bluesky.") == 9
    assert dict(world.counts) == {"bluesky.getProfiles": 1, "bluesky.getAuthorFeed": 8}

    with Session(engine) as session:
        accounts = session.exec(select(Account).where(Account.platform == "bluesky")).all()
        for acc in accounts:
            sandbox_account = world.account_by_handle("bluesky", acc.handle)
            assert acc.platform_id == sandbox_account.id and acc.status == AccountStatus.OK
            assert acc.last_post_count == world.post_count(sandbox_account, reposts=False)

    facets = post_by_text(engine, "Neuer Bericht")
    assert facets.mentions == ["kemi-a.sandbox.test"]
    assert facets.hashtags == ["Asyl"]
    assert facets.links == ["https://www.amnesty.org/en/documents/asylum/"]
    assert facets.lang == "de" and facets.version_key.startswith("bafyrei")

    reply = post_by_text(engine, "You are an idiot")
    critic = world.accounts["bluesky:critic"]
    assert reply.kind == PostKind.REPLY and reply.reply_to_account_id == critic.id
    assert post_by_text(engine, "border camp").media == [
        {"type": "image", "alt": "Children detained behind a fence at the border camp"}
    ]
    assert post_by_text(engine, "Protesters").media[0]["type"] == "video"

    with Session(engine) as session:
        repost = session.exec(
            select(Post).where(
                Post.kind == PostKind.REPOST,
                Post.repost_of_account_id == world.accounts["bluesky:party"].id,
            )
        ).one()
        context = {r.platform_id: r for r in session.exec(select(ReferencedPost)).all()}
    assert repost.repost_of_id in context
    assert context[repost.repost_of_id].text.startswith("Progress Alliance")
    assert context[reply.reply_to_id].text == "Amnesty staff are useless hypocrites."


def test_a_quiet_round_pages_nothing_and_changes_nothing(engine, settings, sandbox) -> None:
    world = sandbox.world
    run(engine, settings, world)
    before = [rows(engine, m) for m in (Post, PostVersion, ProfileSnapshot, ReferencedPost)]
    world.reset_counts()
    quiet = run(engine, settings, world)
    assert quiet.status == "ok"
    assert dict(world.counts) == {"bluesky.getProfiles": 1}
    assert quiet.api_calls == 1
    assert (quiet.new_posts, quiet.updated_posts, quiet.deleted_posts) == (0, 0, 0)
    assert [rows(engine, m) for m in (Post, PostVersion, ProfileSnapshot, ReferencedPost)] == before


def test_rewrites_in_place_are_versions_and_corrections_are_linked(
    engine, settings, sandbox, db_url
) -> None:
    world = sandbox.world
    run(engine, settings, world)
    with Session(engine) as session:
        original = session.exec(select(Post).where(Post.text.contains("webinar"))).one()
        session.exec(select(Post)).all()
    eager = load_settings(
        environ=sandbox_environ(sandbox.url, db_url, SOCIALAUDIT_COLLECTION_PAGE_EVERY_HOURS="0")
    )
    world.advance(hours=13)  # rewrite at +5h, correcting reply at +6h, quote at +12h
    result = run(engine, eager, world)
    assert result.status == "ok"
    rewritten = post_by_text(engine, "webinar")
    assert rewritten.id == original.id and rewritten.platform_id == original.platform_id
    assert rewritten.text == "Join our webinar on Wednesday at 5pm."
    assert rewritten.version_key != original.version_key
    assert rewritten.edited and rewritten.checked_at is None
    with Session(engine) as session:
        versions = session.exec(
            select(PostVersion)
            .where(PostVersion.post_id == original.id)
            .order_by(PostVersion.position)
        ).all()
    assert [v.text for v in versions] == [
        "Join our webinar on Tuesday at 5pm.",
        "Join our webinar on Wednesday at 5pm.",
    ]
    assert [v.version_key for v in versions] == [original.version_key, rewritten.version_key]

    wrong = post_by_text(engine, "Over 5,000 people")
    fix = post_by_text(engine, "Correction: it was over 500")
    assert fix.kind == PostKind.REPLY and fix.reply_to_id == wrong.platform_id
    source = post_by_text(engine, "asylum ruling is due on Friday")
    quote = post_by_text(engine, "Correction: the ruling")
    assert quote.kind == PostKind.QUOTE and quote.quote_of_id == source.platform_id
    again = run(engine, eager, world)  # nothing new: nothing stored twice
    assert (again.new_posts, again.updated_posts) == (0, 0)


def test_deletions_are_found_by_the_count_and_a_batched_sweep(engine, settings, sandbox) -> None:
    world = sandbox.world
    run(engine, settings, world)
    world.advance(hours=29)  # Kemi deletes the report that Dev reposted
    world.reset_counts()
    result = run(engine, settings, world)
    assert result.status == "ok" and result.deleted_posts == 1
    assert world.counts["bluesky.getPosts"] == 1
    deleted = post_by_text(engine, "forced evictions")
    assert deleted.deletion_cause == DeletionCause.DELETED and deleted.deleted_at == world.now
    with Session(engine) as session:
        repost = session.exec(select(Post).where(Post.repost_of_id == deleted.platform_id)).one()
    assert repost.deletion_cause == DeletionCause.ORIGINAL_DELETED

    # One new post and one deletion on the same account in one round are both seen.
    ana = next(p for p in world.timeline(world.accounts["bluesky:ana"]) if "vigil" in p.text)
    world.delete_post(ana)
    world.add_post("bluesky:ana", "A brand new post.")
    world.advance(hours=25)
    result = run(engine, settings, world)
    assert result.deleted_posts == 1 and result.new_posts >= 1
    assert post_by_key(engine, ana.id).deletion_cause == DeletionCause.DELETED
    post_by_text(engine, "A brand new post.")


def test_unreadable_accounts_keep_their_posts_with_the_cause(engine, settings, sandbox) -> None:
    world = sandbox.world
    run(engine, settings, world)
    hugo_posts = len(world.timeline(world.accounts["bluesky:hugo"]))
    world.set_status("bluesky:hugo", DEACTIVATED)
    world.set_status("bluesky:ben", SUSPENDED)
    result = run(engine, settings, world)
    assert result.status == "ok" and result.deleted_posts == 0
    hugo = account(engine, "hugo-weber.sandbox.test")
    assert hugo.status == AccountStatus.DEACTIVATED
    assert account(engine, "ben-okafor.sandbox.test").status == AccountStatus.SUSPENDED
    with Session(engine) as session:
        causes = dict(
            session.exec(
                select(Post.deletion_cause, func.count())
                .where(Post.deleted_at.is_not(None))
                .group_by(Post.deletion_cause)
            ).all()
        )
    assert causes[DeletionCause.ACCOUNT_DEACTIVATED] == hugo_posts
    assert DeletionCause.ACCOUNT_SUSPENDED in causes and DeletionCause.DELETED not in causes

    world.set_status("bluesky:hugo", "active")  # back: the posts reappear, nothing duplicated
    total = rows(engine, Post)
    run(engine, settings, world)
    assert account(engine, "hugo-weber.sandbox.test").status == AccountStatus.OK
    with Session(engine) as session:
        hidden = session.exec(
            select(func.count())
            .select_from(Post)
            .where(Post.account_id == hugo.id, Post.deleted_at.is_not(None))
        ).one()
    assert hidden == 0 and rows(engine, Post) == total


def test_an_unknown_handle_is_not_found_and_errors_never_stop_the_round(
    engine, settings, sandbox
) -> None:
    from socialaudit.db import session_scope
    from socialaudit.registry import add_account, find_person

    with session_scope(engine) as session:
        add_account(session, find_person(session, "Ana Lima"), "bluesky", "nobody.sandbox.test")
    world = sandbox.world
    world.inject("bluesky.getAuthorFeed", "500", times=4)  # one account's feed fails for good
    result = run(engine, settings, world)
    assert account(engine, "nobody.sandbox.test").status == AccountStatus.NOT_FOUND
    assert result.status == "partial"
    assert [e["stage"] for e in result.errors] == ["timeline"]
    assert "500" in result.errors[0]["error"]
    failed = account(engine, "ana-lima.sandbox.test")
    assert failed.status == AccountStatus.ERROR and "getAuthorFeed" in failed.status_detail
    assert result.new_posts == visible_posts(world) - len(
        world.timeline(world.accounts["bluesky:ana"])
    )
    # The failed account is simply collected next round; no error leaves a half-saved state.
    second = run(engine, settings, world)
    assert second.status == "ok" and rows(engine, Post) == visible_posts(world)
    assert account(engine, "ana-lima.sandbox.test").status == AccountStatus.OK


def test_a_round_in_which_every_account_failed_is_failed_not_partial(
    engine, settings, sandbox
) -> None:
    world = sandbox.world
    with Session(engine) as session:
        accounts = len(session.exec(select(Account).where(Account.platform == "bluesky")).all())
    # Every feed fails for good (four tries each: three retries allowed).
    world.inject("bluesky.getAuthorFeed", "500", times=4 * accounts)
    result = run(engine, settings, world)
    assert result.accounts == accounts
    assert len({e["account_id"] for e in result.errors}) == accounts
    assert result.status == "failed", result.errors
    assert rows(engine, Post) == 0
    # One account answering again makes the next round partial, all of them ok.
    world.inject("bluesky.getAuthorFeed", "500", times=4 * (accounts - 1), skip=1)
    assert run(engine, settings, world).status == "partial"
    assert run(engine, settings, world).status == "ok"


def test_a_stop_during_a_rate_limit_wait_ends_the_round_at_once_and_says_where(
    engine, sandbox, db_url, tmp_path, monkeypatch
) -> None:
    """The third feed answers 429 with a reset ten minutes away; the service is asked to
    stop while the round waits for it: the round ends within seconds as `stopped`, keeps
    what it collected and records the account and the wait it stopped in."""
    import threading
    import time

    from socialaudit.stopping import STOP

    monkeypatch.chdir(tmp_path)
    settings = load_settings(
        environ=sandbox_environ(
            sandbox.url, db_url, SOCIALAUDIT_PLATFORMS_BLUESKY_MAX_BACKOFF_SECONDS="900"
        )
    )
    world = sandbox.world
    world.inject("bluesky.getAuthorFeed", "429", seconds=600, skip=2)
    with Session(engine) as session:
        third = session.exec(
            select(Account).where(Account.platform == "bluesky").order_by(Account.id)
        ).all()[2]
    asked: list[float] = []

    def stop_once_limited() -> None:
        while world.counts["bluesky.getAuthorFeed"] < 3:
            time.sleep(0.01)
        time.sleep(0.5)  # the round is in its wait now
        asked.append(time.monotonic())
        STOP.set()

    helper = threading.Thread(target=stop_once_limited, daemon=True)
    helper.start()
    try:
        result = run(engine, settings, world)
        ended = time.monotonic()
    finally:
        STOP.set()
        helper.join(timeout=10)
        STOP.clear()
    assert asked and ended - asked[0] < 5
    assert result.status == "stopped", result.errors
    assert world.counts["bluesky.getAuthorFeed"] == 3  # no retry, no account after the stop
    [where] = result.errors
    assert where["stage"] == "stopped" and where["handle"] == third.handle
    assert "rate-limit wait" in where["error"] and "getAuthorFeed" in where["error"]
    assert f"{result.accounts - 2} account(s) left" in where["error"]
    assert 0 < rows(engine, Post) < visible_posts(world)
    # The stop is not the account's fault: it is collected as usual next time.
    assert account(engine, third.handle).status != AccountStatus.ERROR
    assert run(engine, settings, world).status == "ok"
    assert rows(engine, Post) == visible_posts(world)


def test_handle_change_and_a_bio_that_loses_its_disclaimer(engine, settings, sandbox) -> None:
    world = sandbox.world
    run(engine, settings, world)
    grace_id = account(engine, "grace-kim.sandbox.test").id
    world.advance(days=3, hours=1)
    run(engine, settings, world)
    with Session(engine) as session:
        grace = session.get(Account, grace_id)
        change = session.exec(select(HandleChange)).one()
        ben = session.exec(select(Account).where(Account.handle == "ben-okafor.sandbox.test")).one()
        bios = session.exec(
            select(ProfileSnapshot.bio)
            .where(ProfileSnapshot.account_id == ben.id)
            .order_by(ProfileSnapshot.id)
        ).all()
    assert grace.handle == "gracekim.sandbox.test"
    assert grace.platform_id == world.accounts["bluesky:grace"].id
    assert change.seen_at == world.now
    assert (change.old_handle, change.new_handle) == (
        "grace-kim.sandbox.test",
        "gracekim.sandbox.test",
    )
    assert bios == [
        "Press officer, Amnesty International UK. Views my own.",
        "Press officer, Amnesty International UK.",
    ]


def test_rate_limits_server_errors_time_outs_and_bad_json_are_retried(
    engine, settings, sandbox
) -> None:
    world = sandbox.world
    # Three failures in a row at most: settings allow three retries.
    world.inject("bluesky.getProfiles", "429", times=1, seconds=1)
    world.inject("bluesky.getProfiles", "slow", times=1, seconds=2.5)  # past the 2 s time-out
    world.inject("bluesky.getAuthorFeed", "500", times=2)
    world.inject("bluesky.getAuthorFeed", "malformed", times=1)
    result = run(engine, settings, world)
    assert result.status == "ok", result.errors
    assert result.rate_limited == 1
    assert rows(engine, Post) == visible_posts(world)
    # One batched resolve, eight feeds, five retries.
    assert result.api_calls == world.calls("bluesky.") == 1 + 8 + 5
    world.advance(hours=29)
    world.inject("bluesky.getPosts", "429", times=1, seconds=1)
    swept = run(engine, settings, world)
    assert swept.status == "ok" and swept.deleted_posts == 1 and swept.rate_limited == 1


def test_collect_for_one_person_only(engine, settings, sandbox) -> None:
    from socialaudit.db import session_scope
    from socialaudit.registry import find_person

    with session_scope(engine) as session:
        kemi = find_person(session, "Kemi Adeyemi").id
    runs = collect(engine, settings, "bluesky", kemi, now=sandbox.world.now)
    assert runs[0].accounts == 1
    with Session(engine) as session:
        owners = set(session.exec(select(Post.account_id)).all())
    assert owners == {account(engine, "kemi-a.sandbox.test").id}

    # A person removed from the registry, or an account removed, is no longer collected.
    with session_scope(engine) as session:
        find_person(session, "Kemi Adeyemi").active = False
        session.exec(
            select(Account).where(Account.handle == "ana-lima.sandbox.test")
        ).one().active = False
    runs = collect(engine, settings, "bluesky", now=sandbox.world.now)
    assert runs[0].accounts == 6


def test_the_runs_are_recorded_and_a_stale_running_round_is_closed(
    engine, settings, sandbox
) -> None:
    from socialaudit.db import session_scope

    with session_scope(engine) as session:
        session.add(CollectionRun(platform="bluesky"))
    run(engine, settings, sandbox.world)
    with Session(engine) as session:
        statuses = session.exec(select(CollectionRun.status).order_by(CollectionRun.id)).all()
    assert statuses == ["interrupted", "ok"]


def test_watch_window_limits_the_sweep(engine, settings, sandbox) -> None:
    world = sandbox.world
    run(engine, settings, world)
    old = min(world.timeline(world.accounts["bluesky:elena"]), key=lambda p: p.created_at)
    world.advance(days=16)
    world.delete_post(old)  # older than watch_days: not looked up, so not claimed
    result = run(engine, settings, world)
    assert result.status == "ok"
    stored = post_by_text(engine, old.text[:30]) if False else None
    assert stored is None
    with Session(engine) as session:
        post = session.exec(select(Post).where(Post.platform_id.endswith(old.id))).one()
    assert post.deleted_at is None
    assert old.created_at < world.now - timedelta(days=14)


def _collect_in_subprocess(sandbox, db_url: str, world: World):
    """`socialaudit collect` in its own process, patient enough to hang on a slow request."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALAUDIT_")}
    env |= sandbox_environ(sandbox.url, db_url, SOCIALAUDIT_PLATFORMS_BLUESKY_TIMEOUT_SECONDS="120")
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from socialaudit.cli import main; main()",
            "collect",
            "--platform",
            "bluesky",
            "--now",
            world.now.isoformat(),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill_when(proc, world: World, endpoint: str, count: int) -> None:
    import time

    deadline = time.monotonic() + 90
    while world.counts[endpoint] < count:
        assert proc.poll() is None, "the round finished before it could be killed"
        assert time.monotonic() < deadline, f"{endpoint} never reached {count} requests"
        time.sleep(0.05)
    proc.kill()  # SIGKILL: no cleanup, no finally
    proc.wait(timeout=30)


def test_a_round_killed_mid_timeline_is_completed_by_the_next_without_duplicates(
    engine, settings, sandbox, db_url
) -> None:
    world = sandbox.world
    world.inject("bluesky.getAuthorFeed", "slow", seconds=60, skip=3)  # the 4th account hangs
    proc = _collect_in_subprocess(sandbox, db_url, world)
    _kill_when(proc, world, "bluesky.getAuthorFeed", 4)
    saved = rows(engine, Post)
    assert 0 < saved < visible_posts(world)  # three accounts were saved before the kill
    result = run(engine, settings, world)
    assert result.status == "ok"
    assert rows(engine, Post) == visible_posts(world) == saved + result.new_posts
    assert rows(engine, PostVersion) == rows(engine, Post)
    assert rows(engine, ProfileSnapshot) == 8
    with Session(engine) as session:
        statuses = session.exec(select(CollectionRun.status).order_by(CollectionRun.id)).all()
    assert statuses == ["interrupted", "ok"]


def test_a_round_killed_mid_sweep_still_finds_the_deletion_next_time(
    engine, settings, sandbox, db_url
) -> None:
    world = sandbox.world
    run(engine, settings, world)
    world.advance(hours=29)  # Kemi deletes a post
    world.inject("bluesky.getPosts", "slow", seconds=60)
    world.reset_counts()
    proc = _collect_in_subprocess(sandbox, db_url, world)
    _kill_when(proc, world, "bluesky.getPosts", 1)
    assert post_by_text(engine, "forced evictions").deleted_at is None
    result = run(engine, settings, world)
    assert result.status == "ok" and result.deleted_posts == 1
    assert post_by_text(engine, "forced evictions").deletion_cause == DeletionCause.DELETED
    assert rows(engine, PostVersion) == rows(engine, Post) + 1  # Elena's rewrite, once


def test_a_falling_count_sweeps_first_and_pages_only_when_the_drop_hides_new_posts(
    engine, settings, sandbox
) -> None:
    world = sandbox.world
    run(engine, settings, world)
    ana, elena = (world.timeline(world.accounts[k]) for k in ("bluesky:ana", "bluesky:elena"))
    world.delete_post(ana[-1])
    world.delete_post(elena[-1])
    world.reset_counts()
    result = run(engine, settings, world)
    assert result.deleted_posts == 2 and result.new_posts == 0
    assert dict(world.counts) == {"bluesky.getProfiles": 1, "bluesky.getPosts": 1}

    world.delete_post(ana[-2])
    world.delete_post(ana[-3])
    world.add_post("bluesky:ana", "Posted between two deletions.")
    world.reset_counts()
    result = run(engine, settings, world)
    assert result.deleted_posts == 2 and result.new_posts == 1
    assert dict(world.counts) == {
        "bluesky.getProfiles": 1,
        "bluesky.getPosts": 1,
        "bluesky.getAuthorFeed": 1,
    }
    quiet = run(engine, settings, world)
    assert (quiet.api_calls, quiet.new_posts, quiet.deleted_posts) == (1, 0, 0)


def test_optional_app_password_login(
    engine, sandbox, db_url, tmp_path, monkeypatch, caplog
) -> None:
    monkeypatch.chdir(tmp_path)
    secret = "sbx1-app2-pass3-word"
    logged_in = load_settings(
        environ=sandbox_environ(
            sandbox.url,
            db_url,
            SOCIALAUDIT_PLATFORMS_BLUESKY_LOGIN="auditor.sandbox.example",
            SOCIALAUDIT_BLUESKY_APP_PASSWORD=secret,
        )
    )
    result = run(engine, logged_in, sandbox.world)
    assert result.status == "ok"
    assert sandbox.world.counts["bluesky.createSession"] == 1
    assert result.api_calls == 1 + 1 + 8  # the session, one resolve batch, eight feeds
    assert secret not in caplog.text


def test_the_three_week_script_plays_out_over_daily_rounds(engine, settings, sandbox) -> None:
    world = sandbox.world
    hugo_id = None
    for day in range(22):
        world.reset_counts()
        result = run(engine, settings, world)
        assert result.status == "ok", (day, result.errors)
        assert result.api_calls == world.calls("bluesky."), day
        if day == 7:  # Hugo deactivated on day 6, back on day 8
            hugo = account(engine, "hugo-weber.sandbox.test")
            hugo_id = hugo.id
            assert hugo.status == AccountStatus.DEACTIVATED
        world.advance(days=1)
    registered = {k for k, a in world.accounts.items() if a.platform == "bluesky" and a.person}
    published = [
        p for p in world.posts.values() if p.account in registered and p.created_at <= world.now
    ]
    assert rows(engine, Post) == len(published)
    assert rows(engine, PostVersion) == len(published) + 1  # Elena's one rewrite
    assert post_by_text(engine, "forced evictions").deletion_cause == DeletionCause.DELETED
    with Session(engine) as session:
        causes = session.exec(select(Post.deletion_cause).where(Post.deleted_at.is_not(None))).all()
        hidden_hugo = session.exec(
            select(func.count())
            .select_from(Post)
            .where(Post.account_id == hugo_id, Post.deleted_at.is_not(None))
        ).one()
        assert len(session.exec(select(HandleChange)).all()) == 1
    assert sorted(causes) == [DeletionCause.DELETED, DeletionCause.ORIGINAL_DELETED]
    assert (
        hidden_hugo == 0 and account(engine, "hugo-weber.sandbox.test").status == AccountStatus.OK
    )
    daily = run(engine, settings, world)  # a day on: every timeline is due for its paging
    assert daily.api_calls == 1 + 8 and daily.new_posts == 0
    quiet = run(engine, settings, world)
    assert quiet.api_calls == 1 and quiet.new_posts == 0


def test_a_failed_login_fails_the_platforms_round_with_a_recorded_error(
    engine, sandbox, db_url, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    secret = "sbx9-app8-pass7-word"
    failing = load_settings(
        environ=sandbox_environ(
            sandbox.url,
            db_url,
            SOCIALAUDIT_PLATFORMS_BLUESKY_LOGIN="auditor.sandbox.example",
            SOCIALAUDIT_BLUESKY_APP_PASSWORD=secret,
            SOCIALAUDIT_PLATFORMS_BLUESKY_MAX_RETRIES="0",
        )
    )
    sandbox.world.inject("bluesky.createSession", "500")
    result = run(engine, failing, sandbox.world)
    assert result.status == "failed" and rows(engine, Post) == 0
    assert result.errors[0]["stage"] == "round" and "createSession" in result.errors[0]["error"]
    assert secret not in str(result.errors)
