"""A malformed or oversized X archive is one line and exit 2, never a traceback."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from collectors.x_archive import ArchiveLimits, read_x_archive
from socialaudit.cli import app
from socialaudit.errors import UsageError

ACCOUNT = [{"account": {"accountId": "1001", "username": "ana_lima", "accountDisplayName": "Ana"}}]


def tweet(**fields: Any) -> dict[str, Any]:
    base = {
        "id_str": "2001",
        "full_text": "Our report is out.",
        "created_at": "Sat Feb 18 12:33:11 +0000 2023",
        "entities": {"hashtags": [], "user_mentions": [], "urls": []},
    }
    base.update(fields)
    return {"tweet": {k: v for k, v in base.items() if v is not ...}}


def js(name: str, value: Any) -> bytes:
    return f"window.YTD.{name}.part0 = {json.dumps(value)}".encode()


def write_zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"twitter-archive/{name}", data)
    return path


def archive(tmp_path: Path, *tweets: dict, tweets_js: bytes | None = None) -> Path:
    return write_zip(
        tmp_path / "archive.zip",
        {
            "data/account.js": js("account", ACCOUNT),
            "data/tweets.js": tweets_js if tweets_js is not None else js("tweets", list(tweets)),
        },
    )


def test_a_good_minimal_archive_reads(tmp_path: Path) -> None:
    read = read_x_archive(archive(tmp_path, tweet()))
    assert [p.platform_id for p in read.posts] == ["2001"]
    assert read.posts[0].text == "Our report is out."


@pytest.mark.parametrize(
    ("tweets", "raw", "expected"),
    [
        ([tweet(created_at="yesterday")], None, "expected a date such as"),
        ([tweet(created_at=None)], None, "expected a date such as"),
        ([tweet(created_at="Sat Feb 31 12:33:11 +0000 2023")], None, "expected a date such"),
        ([tweet(id_str=...)], None, "lacks an expected field (no 'id_str')"),
        ([tweet(id_str="9" * 400)], None, "id_str: expected an X id (up to 20 digits)"),
        ([tweet(id_str="12a")], None, "id_str: expected an X id"),
        ([tweet(in_reply_to_status_id_str="1" * 400)], None, "in_reply_to_status_id_str"),
        ([tweet(edit_info={"initial": {"editTweetIds": ["1" * 400]}})], None, "editTweetIds"),
        ([tweet(entities="none")], None, "lacks an expected field"),
        ([], b"window.YTD.tweets.part0 = [\xff\xfe]", "data/tweets.js is not UTF-8 text"),
        ([], b"window.YTD.tweets.part0 = " + b"[" * 100_000, "nested too deeply"),
        ([], b"window.YTD.tweets.part0 = [1, 2", "malformed JSON"),
        ([], b"no prefix here", "not an X archive data file"),
        ([], js("tweets", {"not": "a list"}), "lacks an expected field"),
        ([], js("tweets", [None, 5]), "lacks an expected field"),
    ],
)
def test_malformed_archives_are_one_usage_error(
    tmp_path: Path, tweets: list, raw: bytes | None, expected: str
) -> None:
    path = archive(tmp_path, *tweets, tweets_js=raw)
    with pytest.raises(UsageError) as err:
        read_x_archive(path)
    message = str(err.value)
    assert "\n" not in message and message.startswith(str(path)), message
    assert expected in message, message


def test_null_full_text_is_an_empty_post_not_a_crash(tmp_path: Path) -> None:
    read = read_x_archive(archive(tmp_path, tweet(full_text=None)))
    assert read.posts[0].text == ""


def test_a_zip_bomb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    import tracemalloc

    body = b"window.YTD.tweets.part0 = [" + b" " * (64 * 1024 * 1024) + b"]"
    path = archive(tmp_path, tweets_js=body)
    assert path.stat().st_size < 1024 * 1024  # 64 MiB of data in well under 1 MiB
    tracemalloc.start()
    with pytest.raises(UsageError, match=r"over the limit of 16 MiB; refused"):
        read_x_archive(path, ArchiveLimits(max_bytes=16 * 1024 * 1024))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 * 1024 * 1024, peak


def test_too_many_members_are_refused(tmp_path: Path) -> None:
    files = {"data/account.js": js("account", ACCOUNT)}
    files |= {f"data/tweets_media/{n}.jpg": b"x" for n in range(50)}
    path = write_zip(tmp_path / "many.zip", files)
    with pytest.raises(UsageError, match="more than 20 entries; refused unread"):
        read_x_archive(path, ArchiveLimits(max_members=20))
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(path) as unpacked:
        unpacked.extractall(folder)
    with pytest.raises(UsageError, match="more than 20 entries"):
        read_x_archive(folder, ArchiveLimits(max_members=20))


def test_the_cli_reads_the_limits_from_the_config(runner, cli_env, tmp_path: Path) -> None:
    body = b"window.YTD.tweets.part0 = [" + b" " * (3 * 1024 * 1024) + b"]"
    path = archive(tmp_path, tweets_js=body)
    (tmp_path / "socialaudit.toml").write_text("[imports]\nmax_uncompressed_mb = 2\n")
    result = runner.invoke(app, ["import", "x-archive", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "over the limit of 2 MiB" in lines[0], result.stderr
    car = tmp_path / "repo.car"
    car.write_bytes(b"\0" * (3 * 1024 * 1024))
    result = runner.invoke(app, ["import", "bluesky-repo", str(car)])
    assert result.exit_code == 2 and "over the limit of 2 MiB" in result.stderr


def test_a_crafted_car_whose_tree_loops_is_refused() -> None:
    from collectors.bluesky_repo import read_car
    from tests.collectors.archive_files import Link, cid_of, dag_cbor, write_car

    node_cid = Link(bytes([0x01, 0x71, 0x12, 0x20]) + b"\x11" * 32)  # not the block's hash
    node = dag_cbor({"l": node_cid, "e": []})  # its left subtree is itself
    commit = dag_cbor({"did": "did:plc:loop", "version": 3, "data": node_cid, "prev": None})
    car = write_car(cid_of(commit), {cid_of(commit): commit, node_cid: node})
    with pytest.raises(UsageError, match=r"node .* repeats"):
        read_car(car)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"$type": "app.bsky.feed.post", "text": "hi"}, "malformed"),
        ({"$type": "app.bsky.feed.post", "text": None, "createdAt": "nope"}, "malformed"),
    ],
)
def test_malformed_car_records_are_one_usage_error(record: dict, expected: str) -> None:
    from collectors.bluesky_repo import read_car, records_as_posts
    from tests.collectors.archive_files import cid_of, dag_cbor, write_car

    blocks = {}
    value = dag_cbor(record)
    blocks[cid_of(value)] = value
    node = dag_cbor(
        {"l": None, "e": [{"p": 0, "k": b"app.bsky.feed.post/3l", "v": cid_of(value), "t": None}]}
    )
    blocks[cid_of(node)] = node
    commit = dag_cbor({"did": "did:plc:ana", "version": 3, "data": cid_of(node), "prev": None})
    blocks[cid_of(commit)] = commit
    did, records = read_car(write_car(cid_of(commit), blocks))
    with pytest.raises(UsageError, match=expected) as err:
        records_as_posts(records, did, "ana.example.org")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    "bad",
    [
        {"id_str": "9" * 400},
        {"created_at": "yesterday"},
        {"id_str": ...},
    ],
    ids=["400-digit-id", "bad-created-at", "no-id-str"],
)
def test_the_cli_refuses_a_malformed_archive_in_one_line(
    runner, cli_env, tmp_path: Path, bad: dict
) -> None:
    path = archive(tmp_path, tweet(**bad))
    result = runner.invoke(app, ["import", "x-archive", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("socialaudit: error: "), result.stderr
    assert "Traceback" not in result.output


def test_nul_and_odd_language_tags_are_stored_on_every_backend(
    runner, cli_env, tmp_path: Path
) -> None:
    from sqlmodel import Session, select

    from socialaudit.db import make_engine
    from socialaudit.models import Post

    path = archive(tmp_path, tweet(full_text="before\x00after", lang="a-language-tag-far-too-long"))
    assert runner.invoke(app, ["people", "add", "Ana Lima"]).exit_code == 0
    added = runner.invoke(
        app, ["accounts", "add", "Ana Lima", "-p", "x", "--handle", "ana_lima", "--id", "1001"]
    )
    assert added.exit_code == 0, added.output
    result = runner.invoke(app, ["import", "x-archive", str(path)])
    assert result.exit_code == 0, (result.output, result.exception)
    with Session(make_engine(cli_env["SOCIALAUDIT_DATABASE_URL"])) as session:
        post = session.exec(select(Post)).one()
    assert (post.text, post.lang) == ("beforeafter", None)
