"""Archive imports: a generated X archive and a generated Bluesky CAR, each imported twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from collectors.bluesky_repo import read_car
from sandbox.seed import people_csv
from socialaudit.cli import app
from socialaudit.models import DeletionCause, Post, PostKind, PostVersion, ProfileSnapshot
from tests.collectors.archive_files import repo_car, write_x_archive
from tests.collectors.rounds import environ, rows

MODELS = (Post, PostVersion, ProfileSnapshot)


@pytest.fixture
def cli(runner, cli_env, sandbox, tmp_path, monkeypatch):
    """The CLI against the test database, the sandbox's people registered."""
    for key, value in environ(sandbox.url, cli_env["SOCIALAUDIT_DATABASE_URL"]).items():
        monkeypatch.setenv(key, value)
    csv = tmp_path / "people.csv"
    csv.write_text(people_csv(sandbox.world))
    assert runner.invoke(app, ["people", "import", str(csv)]).exit_code == 0

    def invoke(*args: str):
        return runner.invoke(app, list(args))

    return invoke


def _db(cli_env):
    from socialaudit.db import make_engine

    return make_engine(cli_env["SOCIALAUDIT_DATABASE_URL"])


@pytest.mark.parametrize("zipped", [True, False], ids=["zip", "folder"])
def test_x_archive_import_is_complete_and_idempotent(cli, cli_env, sandbox, tmp_path, zipped):
    world = sandbox.world
    long_text = "Why the ruling matters, in full. " * 12
    world.add_post("x:ana", long_text.strip(), ago=timedelta(hours=2))
    world.advance(minutes=11)  # Ana posts and edits within the edit window
    gone = world.add_post("x:ana", "A post I regret.", ago=timedelta(hours=1))
    world.delete_post(gone)
    path = write_x_archive(world, "x:ana", tmp_path, zipped=zipped)

    first = cli("import", "x-archive", str(path))
    assert first.exit_code == 0, first.output
    assert "imported x ana_lima_sbx" in first.output and "1 deleted" in first.output
    engine = _db(cli_env)
    ana = world.accounts["x:ana"]
    own = [p for p in world.posts.values() if p.account == "x:ana" and not p.repost_of]
    assert rows(engine, Post) == len(own)
    with Session(engine) as session:
        posts = {p.platform_id: p for p in session.exec(select(Post)).all()}
        edited = next(p for p in own if len(p.edit_ids) > 1)
        stored = posts[edited.edit_ids[0]]
        versions = session.exec(
            select(PostVersion)
            .where(PostVersion.post_id == stored.id)
            .order_by(PostVersion.position)
        ).all()
        snapshot = session.exec(select(ProfileSnapshot)).one()
    assert stored.text == "Our new report is out today." and stored.edited
    assert stored.version_key == edited.edit_ids[-1]
    assert [v.text for v in versions] == [
        "Our new report is out todya.",
        "Our new report is out today.",
    ]
    assert posts[gone.id].deletion_cause == DeletionCause.DELETED
    assert posts[gone.id].deleted_at == gone.deleted_at.replace(microsecond=0)
    long = next(p for p in posts.values() if p.text.startswith("Why the ruling"))
    assert long.text == long_text.strip()  # from note-tweet.js, not the truncated entry
    assert snapshot.bio == ana.bio and snapshot.url == ana.url
    vote = next(p for p in posts.values() if p.text.startswith("Vote for Jordan Vale"))
    assert vote.hashtags == ["VoteProgress"] and vote.kind == PostKind.ORIGINAL

    before = [rows(engine, m) for m in MODELS]
    again = cli("import", "x-archive", str(path))
    assert again.exit_code == 0, again.output
    assert "no change:" in again.output and "0 new, 0 updated" in again.output
    assert [rows(engine, m) for m in MODELS] == before


def test_an_archive_then_a_live_round_stores_each_post_once(cli, cli_env, sandbox, tmp_path):
    world = sandbox.world
    path = write_x_archive(world, "x:ana", tmp_path, zipped=True)
    assert cli("import", "x-archive", str(path)).exit_code == 0
    engine = _db(cli_env)
    imported = rows(engine, Post)
    result = cli(
        "collect", "--platform", "x", "--person", "Ana Lima", "--now", world.now.isoformat()
    )
    assert result.exit_code == 0, result.output
    assert rows(engine, Post) == imported  # every live post was already there
    assert rows(engine, PostVersion) == imported


def test_bluesky_car_import_walks_the_tree_and_is_idempotent(cli, cli_env, sandbox, tmp_path):
    world = sandbox.world
    kemi = world.accounts["bluesky:kemi"]
    car = tmp_path / "kemi.car"
    car.write_bytes(repo_car(world, "bluesky:kemi"))
    did, records = read_car(car.read_bytes())
    assert did == kemi.id
    expected = [p for p in world.posts.values() if p.account == "bluesky:kemi"]
    assert sorted(r.uri.rsplit("/", 1)[1] for r in records) == sorted(p.id for p in expected)

    cli(
        "accounts",
        "add",
        "Kemi Adeyemi",
        "--platform",
        "bluesky",
        "--handle",
        kemi.handle,
        "--id",
        kemi.id,
    )
    first = cli("import", "bluesky-repo", str(car))
    assert first.exit_code == 0, first.output
    assert f"{len(expected)} new" in first.output
    engine = _db(cli_env)
    with Session(engine) as session:
        reply = session.exec(select(Post).where(Post.text.contains("idiot"))).one()
    assert reply.kind == PostKind.REPLY
    assert reply.reply_to_account_id == world.accounts["bluesky:critic"].id
    assert reply.platform_id == f"at://{kemi.id}/app.bsky.feed.post/" + next(
        p.id for p in expected if "idiot" in p.text
    )
    before = [rows(engine, m) for m in MODELS]
    again = cli("import", "bluesky-repo", str(car))
    assert again.exit_code == 0 and "no change:" in again.output
    assert [rows(engine, m) for m in MODELS] == before


def test_bluesky_import_by_did_reads_the_pds(cli, cli_env, sandbox):
    world = sandbox.world
    dev = world.accounts["bluesky:dev"]
    cli(
        "accounts",
        "add",
        "Dev Patel",
        "--platform",
        "bluesky",
        "--handle",
        dev.handle,
        "--id",
        dev.id,
    )
    result = cli("import", "bluesky-repo", dev.id)
    assert result.exit_code == 0, result.output
    engine = _db(cli_env)
    with Session(engine) as session:
        posts = session.exec(select(Post)).all()
    assert len(posts) == len([p for p in world.posts.values() if p.account == "bluesky:dev"])
    repost = next(p for p in posts if p.kind == PostKind.REPOST)
    assert repost.repost_of_account_id == world.accounts["bluesky:kemi"].id
    assert "no change:" in cli("import", "bluesky-repo", dev.id).output


def test_bad_input_is_one_clear_line(cli, sandbox, tmp_path):
    missing = cli("import", "x-archive", str(tmp_path / "nope.zip"))
    assert missing.exit_code == 2 and "nope.zip: no such file or folder" in missing.output
    junk = tmp_path / "junk.car"
    junk.write_bytes(b"not a car at all")
    bad = cli("import", "bluesky-repo", str(junk))
    assert bad.exit_code == 2 and "junk.car: not a CAR file" in bad.output
    stranger = write_x_archive(sandbox.world, "x:critic", tmp_path, zipped=True)
    refused = cli("import", "x-archive", str(stranger))
    assert refused.exit_code == 2
    assert "no registered x account loud_critic_sbx" in refused.output
    broken = tmp_path / "broken"
    (broken / "data").mkdir(parents=True)
    (broken / "data" / "account.js").write_text("window.YTD.account.part0 = [{")
    assert "data/account.js: malformed JSON" in cli("import", "x-archive", str(broken)).output
