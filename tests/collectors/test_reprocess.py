"""`reprocess` repairs what a broken transform stored, from the kept payloads, on both databases.

The posts are collected through tweepy over real HTTP from the sandbox with a transform
broken on purpose (entities left encoded, the profile's link lost), then the transform is
fixed and `reprocess` runs with no network at all.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from collectors.reprocess import reprocess
from collectors.runner import collect_platform
from socialaudit.cli import app
from socialaudit.models import Account, Post, PostVersion, ProfileSnapshot
from tests.collectors.rounds import rows, settings_for

pytestmark = pytest.mark.usefixtures("registered")
CHECKED = datetime(2026, 1, 1, tzinfo=UTC)


def _broken_text(tweet: dict) -> str:
    """The transform before entity decoding was fixed: `&amp;` stored as written."""
    return (tweet.get("note_tweet") or {}).get("text") or tweet.get("text", "")


def _mark_checked(engine: Engine) -> None:
    """As if `check` had read everything collected."""
    with Session(engine) as session:
        for model in (Post, ProfileSnapshot):
            for row in session.exec(select(model)).all():
                row.checked_at = CHECKED
                session.add(row)
        session.commit()


def _collect_broken(engine: Engine, sandbox, db_url: str, monkeypatch) -> None:
    world = sandbox.world
    world.add_post("x:ana", "Salt & pepper <3 > sugar", ago=timedelta(hours=1))
    world.add_post("x:ana", "A NUL\x00inside", ago=timedelta(minutes=30))
    world.update_profile("x:ana", url="https://example.org/ana")
    settings = settings_for(sandbox.url, db_url)
    with monkeypatch.context() as broken:
        broken.setattr("collectors.x.tweet_text", _broken_text)
        broken.setattr("collectors.x._expanded_url", lambda user: None)
        run = collect_platform(engine, settings, "x", now=world.now)
        assert run.status == "ok", run.errors
    _mark_checked(engine)


def _ana(session: Session) -> Account:
    return session.exec(select(Account).where(Account.handle == "ana_lima_sbx")).one()


def test_reprocess_repairs_marks_for_checking_and_is_idempotent(
    engine: Engine, sandbox, db_url: str, monkeypatch
) -> None:
    _collect_broken(engine, sandbox, db_url, monkeypatch)
    with Session(engine) as session:
        stored = session.exec(select(Post).where(Post.text.contains("pepper"))).one()
        assert stored.text == "Salt &amp; pepper &lt;3 &gt; sugar"  # what the bug stored
        broken_ids = {
            p.id for p in session.exec(select(Post)).all() if "&amp;" in p.text or "&lt;" in p.text
        }
        snapshot = session.exec(
            select(ProfileSnapshot).where(ProfileSnapshot.account_id == _ana(session).id)
        ).one()
        assert snapshot.url is None
        urls_before = {s.id: s.url for s in session.exec(select(ProfileSnapshot)).all()}
        posts_before = rows(engine, Post)

    result = reprocess(engine)  # the transform is fixed: today's code
    assert result.failed == [] and result.identity_changed == []
    assert result.posts_read == posts_before  # every post collected kept its payload
    assert result.posts_repaired == len(broken_ids) >= 1
    with Session(engine) as session:
        snapshots_after = session.exec(select(ProfileSnapshot)).all()
        changed = {s.id for s in snapshots_after if s.url != urls_before[s.id]}
        assert snapshot.id in changed and result.snapshots_repaired == len(changed)
        assert {s.id for s in snapshots_after if s.checked_at is None} == changed
    with Session(engine) as session:
        repaired = session.get(Post, stored.id)
        assert repaired is not None and repaired.text == "Salt & pepper <3 > sugar"
        versions = session.exec(select(PostVersion).where(PostVersion.post_id == stored.id)).all()
        assert [v.text for v in versions] == ["Salt & pepper <3 > sugar"]
        # Repaired posts are `check`'s again; the others keep their check.
        for post in session.exec(select(Post)).all():
            assert (post.checked_at is None) == (post.id in broken_ids), post.text
        snapshot = session.get(ProfileSnapshot, snapshot.id)
        assert snapshot is not None and snapshot.url == "https://example.org/ana"
        assert snapshot.checked_at is None
        # The NUL is replaced in the text and kept as received in the payload.
        nul = session.exec(select(Post).where(Post.text.contains("NUL"))).one()
        assert nul.text == "A NUL\ufffdinside"
        kept = session.exec(select(PostVersion).where(PostVersion.post_id == nul.id)).one()
        assert kept.raw is not None and kept.raw["tweet"]["text"] == "A NUL\x00inside"

    _mark_checked(engine)
    again = reprocess(engine)
    assert again.changed == 0 and again.referenced_repaired == 0
    assert again.posts_read == posts_before
    with Session(engine) as session:
        assert all(p.checked_at is not None for p in session.exec(select(Post)).all())

    # The next round reads the same posts and profile: nothing new, nothing updated, since
    # the store now holds what today's transform makes of them.
    snapshots = rows(engine, ProfileSnapshot)
    run = collect_platform(engine, settings_for(sandbox.url, db_url), "x", now=sandbox.world.now)
    assert run.status == "ok" and run.new_posts == 0 and run.updated_posts == 0
    assert rows(engine, ProfileSnapshot) == snapshots


def test_reprocess_since_and_platform_select_what_was_stored(
    engine: Engine, sandbox, db_url: str, monkeypatch
) -> None:
    _collect_broken(engine, sandbox, db_url, monkeypatch)
    later = datetime.now(UTC) + timedelta(days=1)
    assert reprocess(engine, since=later).posts_read == 0
    assert reprocess(engine, platform="bluesky").posts_read == 0  # none collected there
    assert reprocess(engine, platform="x", since=later - timedelta(days=2)).posts_repaired >= 1


def test_a_payload_the_transform_cannot_read_is_reported_and_the_rest_repaired(
    engine: Engine, sandbox, db_url: str, monkeypatch
) -> None:
    _collect_broken(engine, sandbox, db_url, monkeypatch)
    with Session(engine) as session:
        version = session.exec(
            select(PostVersion).join(Post).where(Post.text.contains("pepper"))
        ).one()
        version.raw = {"tweet": {"text": "no id"}}  # a payload missing what the transform needs
        session.add(version)
        session.commit()
    result = reprocess(engine)
    assert len(result.failed) == 1 and result.failed[0].startswith("x:")
    assert "KeyError" in result.failed[0] and "\n" not in result.failed[0]
    with Session(engine) as session:
        assert session.exec(select(Post).where(Post.text.contains("pepper &lt;3"))).one()
        assert rows(engine, Post) == result.posts_read


def test_reprocess_command(runner, cli_env, engine: Engine, sandbox, db_url, monkeypatch) -> None:
    _collect_broken(engine, sandbox, db_url, monkeypatch)
    result = runner.invoke(app, ["reprocess", "--platform", "X", "--since", "2020-01-01"])
    assert result.exit_code == 0, result.output
    assert "posts" in result.output and "repaired" in result.output
    with Session(engine) as session:
        assert session.exec(select(Post).where(Post.text.contains("Salt & pepper"))).one()
    again = runner.invoke(app, ["reprocess"])
    assert again.exit_code == 0, again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--platform", "myspace"], "--platform: unknown platform 'myspace'"),
        (["--since", "last tuesday"], "--since: expected a date (YYYY-MM-DD)"),
        (["--since", "2026-11-01T10:00"], "--since: give a time zone offset"),
    ],
)
def test_reprocess_refuses_a_bad_platform_or_date_in_one_line(
    runner, cli_env, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["reprocess", *args])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.output
    assert "Traceback" not in result.output
