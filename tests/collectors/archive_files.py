"""Generators for the archive-import tests: an X archive and a Bluesky repository CAR file.

The atproto SDK reads CAR files but cannot write them (libipld encodes no CID links), so a
minimal DAG-CBOR encoder and CAR v1 writer live here: canonical map-key order (length, then
bytes), CID links as tag 42, blocks as varint(len) + CID + bytes. Only the tests write CARs.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sandbox import bluesky as render
from sandbox.world import World

# -- DAG-CBOR and CAR ----------------------------------------------------------------------


class Link(bytes):
    """A CID (binary form) to be encoded as a DAG-CBOR link (tag 42)."""


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if value < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, value)
    raise ValueError("integer too large")


def dag_cbor(value: Any) -> bytes:
    if value is None:
        return b"\xf6"
    if value is True or value is False:
        return b"\xf5" if value else b"\xf4"
    if isinstance(value, Link):
        payload = b"\x00" + bytes(value)
        return b"\xd8\x2a" + _head(2, len(payload)) + payload
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode()
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(dag_cbor(v) for v in value)
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (len(k.encode()), k.encode()))
        return _head(5, len(keys)) + b"".join(dag_cbor(k) + dag_cbor(value[k]) for k in keys)
    raise TypeError(f"cannot encode {type(value).__name__}")


def cid_of(block: bytes) -> Link:
    return Link(bytes([0x01, 0x71, 0x12, 0x20]) + hashlib.sha256(block).digest())


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def write_car(root: Link, blocks: dict[Link, bytes]) -> bytes:
    header = dag_cbor({"version": 1, "roots": [root]})
    out = bytearray(_varint(len(header)) + header)
    for cid, data in blocks.items():
        out += _varint(len(cid) + len(data)) + cid + data
    return bytes(out)


def repo_car(world: World, account_key: str, *, split: int = 3) -> bytes:
    """The account's repository as a CAR: a commit, a two-level MST, the records."""
    account = world.accounts[account_key]
    blocks: dict[Link, bytes] = {}

    def put(value: Any) -> Link:
        data = dag_cbor(value)
        cid = cid_of(data)
        blocks[cid] = data
        return cid

    items = []
    for post in sorted(world.posts.values(), key=lambda p: p.id):
        if post.account != account_key or post.deleted_at is not None:
            continue
        if post.repost_of:
            original = world.post("bluesky", post.repost_of)
            assert original is not None
            value = {
                "$type": "app.bsky.feed.repost",
                "subject": {
                    "uri": render.post_uri(world, original),
                    "cid": render.record_cid(world, original),
                },
                "createdAt": render.iso(post.created_at),
            }
            items.append((f"app.bsky.feed.repost/{post.id}", put(value)))
        else:
            items.append((f"app.bsky.feed.post/{post.id}", put(render.record(world, post))))
    items.append(("app.bsky.actor.profile/self", put({"$type": "app.bsky.actor.profile"})))
    items.sort()

    def entries(pairs: list[tuple[str, Link]]) -> list[dict[str, Any]]:
        out, last = [], b""
        for key, cid in pairs:
            raw = key.encode()
            shared = 0
            while shared < min(len(raw), len(last)) and raw[shared] == last[shared]:
                shared += 1
            out.append({"p": shared, "k": raw[shared:], "v": cid, "t": None})
            last = raw
        return out

    left = put({"l": None, "e": entries(items[:split])})  # the first keys, one level down
    root_node = put({"l": left, "e": entries(items[split:])})
    commit = put({"did": account.id, "version": 3, "data": root_node, "rev": "3l", "prev": None})
    return write_car(commit, blocks)


# -- X archive -----------------------------------------------------------------------------


def archive_time(moment: datetime) -> str:
    return moment.strftime("%a %b %d %H:%M:%S +0000 %Y")


def _js(name: str, value: Any) -> str:
    return f"window.YTD.{name}.part0 = {json.dumps(value, indent=2, ensure_ascii=False)}"


def archive_tweet(world: World, tweet_id: str, text: str, created: datetime, **extra: Any) -> dict:
    entities: dict[str, Any] = {"hashtags": [], "user_mentions": [], "urls": []}
    for word in text.split():
        if word.startswith("#"):
            entities["hashtags"].append({"text": word[1:].rstrip(".,!")})
        if word.startswith("http"):
            short = "https://t.co/" + hashlib.sha256(word.encode()).hexdigest()[:10]
            entities["urls"].append({"url": short, "expanded_url": word, "display_url": word[8:]})
            text = text.replace(word, short)
    tweet = {
        "id_str": tweet_id,
        "id": tweet_id,
        "full_text": text,
        "created_at": archive_time(created),
        "lang": "en",
        "favorite_count": "3",
        "retweet_count": "1",
        "entities": entities,
        "edit_info": {"initial": {"editTweetIds": [tweet_id], "editsRemaining": "5"}},
    }
    tweet.update(extra)
    return {"tweet": tweet}


def write_x_archive(world: World, account_key: str, folder: Path, *, zipped: bool) -> Path:
    """An X archive of the account's posts, with an edit chain, a long post and a deletion."""
    account = world.accounts[account_key]
    tweets, deleted, notes = [], [], []
    for post in sorted(world.posts.values(), key=lambda p: p.created_at):
        if post.account != account_key or post.repost_of:
            continue
        chain = post.edit_ids or [post.id]
        texts = [t for _, t in post.history] + [post.text]
        stamps = [at for at, _ in post.history] + [post.edited_at or post.created_at]
        for n, version in enumerate(chain):
            text = texts[n]
            entry = archive_tweet(world, version, text, stamps[n])
            entry["tweet"]["edit_info"] = (
                {"initial": {"editTweetIds": chain, "editsRemaining": str(5 - len(chain) + 1)}}
                if n == 0
                else {
                    "edit": {
                        "initialTweetId": chain[0],
                        "editControlInitial": {"editTweetIds": chain},
                    }
                }
            )
            if len(text) > 280:
                notes.append(
                    {
                        "noteTweet": {
                            "noteTweetId": "9" + version,
                            "createdAt": post.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                            "core": {"text": text, "urls": [], "mentions": [], "hashtags": []},
                        }
                    }
                )
                entry["tweet"]["full_text"] = text[:270] + "… https://t.co/abcdefghij"
            if post.deleted_at is not None:
                entry["tweet"]["deleted_at"] = archive_time(post.deleted_at)
                deleted.append(entry)
            else:
                tweets.append(entry)
    data = {
        "data/manifest.js": "window.__THAR_CONFIG = "
        + json.dumps(
            {
                "userInfo": {"accountId": account.id, "userName": account.handle},
                "archiveInfo": {"sizeBytes": "1000", "generationDate": "2026-11-05T10:00:00Z"},
                "dataTypes": {
                    "tweets": {
                        "files": [{"fileName": "data/tweets.js", "globalName": "YTD.tweets.part0"}]
                    }
                },
            }
        ),
        "data/account.js": _js(
            "account",
            [
                {
                    "account": {
                        "accountId": account.id,
                        "username": account.handle,
                        "accountDisplayName": account.display_name,
                        "createdAt": "2020-01-06T10:00:00.000Z",
                    }
                }
            ],
        ),
        "data/profile.js": _js(
            "profile",
            [{"profile": {"description": {"bio": account.bio, "website": account.url or ""}}}],
        ),
        "data/tweets.js": _js("tweets", tweets),
        "data/note-tweet.js": _js("note_tweet", notes),
        "data/deleted-tweets.js": _js("deleted_tweets", deleted),
    }
    if zipped:
        target = folder / "twitter-archive.zip"
        with zipfile.ZipFile(target, "w") as archive:
            for name, text in data.items():
                archive.writestr(name, text)
            archive.writestr("Your archive.html", "<html></html>")
        return target
    for name, text in data.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder
