"""X's "Download your archive" (a zip, or the folder it unpacks to) as posts and a profile.

The archive's `data/*.js` files are JavaScript assignments (`window.YTD.tweets.part0 = [...]`,
`window.__THAR_CONFIG = {...}` in `manifest.js`); everything up to the first `=` is stripped
and the rest is JSON. Read: `manifest.js` (which files hold the tweets), `account.js` (the
stable account id and username), `profile.js` (bio and website), `tweets.js` and its parts
(or the older `tweet.js`), `note-tweet.js` (the full text of long posts) and
`deleted-tweets.js` (posts the author deleted: stored, marked deleted on the archive's
date). Each version of an edited post is its own entry; `edit_info` ties them into one chain,
stored as one post (the chain's first id) with versions, as the live collector does.

Archive dates look like "Sat Feb 18 12:33:11 +0000 2023"; counts are strings. A long post's
entry in tweets.js is truncated and names no note id, so its note is found by creation time
and by its text starting with the truncated text.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from collectors.base import NormalisedPost, Profile, Version
from socialaudit.errors import UsageError
from socialaudit.models import PostKind

_STATUS_URL = re.compile(r"https?://(?:www\.)?(?:twitter|x)\.com/[^/]+/status/([0-9]+)")


def parse_archive_time(value: str) -> datetime:
    """ "Sat Feb 18 12:33:11 +0000 2023" (or ISO, as note-tweet.js has) -> aware UTC."""
    try:
        return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)
    except ValueError:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def parse_js(text: str, name: str) -> Any:
    """The JSON after `window.YTD.<name>.partN =` (or `window.__THAR_CONFIG =`)."""
    head, sep, body = text.partition("=")
    if not sep or "window." not in head:
        raise UsageError(f"{name}: not an X archive data file (no 'window.... =' prefix)")
    try:
        return json.loads(body.strip().rstrip(";"))
    except ValueError as exc:
        raise UsageError(f"{name}: malformed JSON after the prefix: {exc}") from None


class _Files:
    """Read `data/...` files from a folder or a zip, wherever the archive's root is."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.is_dir():
            self.zip = None
            root = path if (path / "data").is_dir() else None
            if root is None:
                found = sorted(path.glob("*/data/account.js"))
                root = found[0].parent.parent if found else path
            self.names = {
                str(PurePosixPath(p.relative_to(root).as_posix())): p for p in root.rglob("*.js")
            }
        elif zipfile.is_zipfile(path):
            self.zip = zipfile.ZipFile(path)
            self.names = {}
            for info in self.zip.infolist():
                name = info.filename
                cut = name.find("data/")
                if cut >= 0 and name.endswith(".js"):
                    self.names[name[cut:]] = name
        else:
            raise UsageError(f"{path}: not an X archive (expected a .zip file or its folder)")

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str) -> Any:
        where = self.names.get(name)
        if where is None:
            raise UsageError(f"{self.path}: not an X archive (no {name})")
        if self.zip is not None:
            text = self.zip.read(str(where)).decode("utf-8-sig")
        else:
            text = Path(where).read_text(encoding="utf-8-sig")
        return parse_js(text, name)

    def parts(self, base: str) -> list[str]:
        """`data/<base>.js` and its `data/<base>-partN.js` files, in order."""
        pattern = re.compile(rf"^data/{re.escape(base)}(?:-part([0-9]+))?\.js$")
        found = [(int(m.group(1) or 0), n) for n in self.names if (m := pattern.match(n))]
        return [name for _, name in sorted(found)]

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


@dataclass
class XArchive:
    account_id: str
    username: str
    display_name: str | None
    profile: Profile
    posts: list[NormalisedPost] = field(default_factory=list)
    deleted: dict[str, datetime] = field(default_factory=dict)  # platform id -> when


def _tweet_files(files: _Files) -> list[str]:
    names: list[str] = []
    if files.has("data/manifest.js"):
        manifest = files.read("data/manifest.js")
        for entry in ((manifest.get("dataTypes") or {}).get("tweets") or {}).get("files") or []:
            name = entry.get("fileName", "")
            if name and files.has(name):
                names.append(name)
    return names or files.parts("tweets") or files.parts("tweet")


def _entries(files: _Files, names: list[str], key: str) -> list[dict[str, Any]]:
    out = []
    for name in names:
        for item in files.read(name):
            out.append(item.get(key, item) if isinstance(item, dict) else item)
    return out


def _chain(tweet: dict[str, Any]) -> list[str]:
    info = tweet.get("edit_info") or {}
    ids = (info.get("initial") or {}).get("editTweetIds") or (
        ((info.get("edit") or {}).get("editControlInitial") or {}).get("editTweetIds")
    )
    return [str(i) for i in ids] if ids else [tweet["id_str"]]


def _note_for(tweet: dict[str, Any], notes: list[dict[str, Any]]) -> dict[str, Any] | None:
    text = re.sub(r"\s*(?:…|\.\.\.)?\s*(?:https://t\.co/\w+)?\s*$", "", tweet.get("full_text", ""))
    made = parse_archive_time(tweet["created_at"])
    for note in notes:
        core = note.get("core") or {}
        when = note.get("createdAt")
        close = when is None or abs(parse_archive_time(when) - made) <= timedelta(seconds=5)
        if close and text and core.get("text", "").startswith(text[:200]):
            return note
    return None


def transform_archive_tweet(
    tweet: dict[str, Any], account_id: str, username: str, note: dict[str, Any] | None = None
) -> NormalisedPost:
    """One tweets.js entry -> NormalisedPost (without the versions of its edit chain)."""
    entities = tweet.get("entities") or {}
    core = (note or {}).get("core") or {}
    text = core.get("text") or tweet.get("full_text", "")
    urls = core.get("urls") if core else entities.get("urls")
    links = []
    for url in urls or []:
        target = url.get("expanded_url") or url.get("expanded") or url.get("url")
        if url.get("url") and target:
            text = text.replace(url["url"], target)
        if target:
            links.append(target)
    chain = _chain(tweet)
    reply_to = tweet.get("in_reply_to_status_id_str")
    mentions = [m.get("screen_name", "") for m in entities.get("user_mentions") or []]
    quote = next((m.group(1) for link in links if (m := _STATUS_URL.match(link))), None)
    kind, repost_of_account = PostKind.ORIGINAL, None
    if text.startswith("RT @"):
        kind = PostKind.REPOST  # the archive keeps no original id, only its author
        repost_of_account = next(
            (m.get("id_str") for m in entities.get("user_mentions") or []), None
        )
    elif reply_to:
        kind = PostKind.REPLY
    elif quote:
        kind = PostKind.QUOTE
    media = []
    for item in (tweet.get("extended_entities") or entities).get("media") or []:
        video = item.get("type") in ("video", "animated_gif")
        media.append({"type": "video" if video else "image", "alt": item.get("ext_alt_text") or ""})
        text = text.replace(item.get("url") or "\0", "").rstrip()
    return NormalisedPost(
        platform_id=chain[0],
        author_id=account_id,
        created_at=parse_archive_time(tweet["created_at"]),
        text=text,
        url=f"https://x.com/{username}/status/{chain[0]}",
        lang=tweet.get("lang"),
        kind=kind,
        reply_to_id=reply_to,
        reply_to_account_id=tweet.get("in_reply_to_user_id_str"),
        quote_of_id=quote if kind == PostKind.QUOTE else None,
        repost_of_account_id=repost_of_account,
        links=[link for link in links if kind != PostKind.QUOTE or link != links[-1]]
        if quote
        else links,
        mentions=mentions,
        hashtags=[h.get("text", "") for h in entities.get("hashtags") or []],
        media=media,
        version_key=tweet["id_str"],
    )


def read_x_archive(path: Path) -> XArchive:
    """Parse an X archive (zip or folder) into the store's shapes."""
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    files = _Files(path)
    try:
        account = _entries(files, ["data/account.js"], "account")[0]
        account_id, username = str(account["accountId"]), account["username"]
        bio, website = None, None
        if files.has("data/profile.js"):
            profile = _entries(files, ["data/profile.js"], "profile")[0]
            description = profile.get("description") or {}
            bio, website = description.get("bio") or None, description.get("website") or None
        notes = _entries(files, files.parts("note-tweet"), "noteTweet")
        tweets = _entries(files, _tweet_files(files), "tweet")
        gone = _entries(files, files.parts("deleted-tweets"), "tweet")
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise UsageError(f"{path}: an X archive file lacks an expected field ({exc})") from None
    finally:
        files.close()
    archive = XArchive(
        account_id=account_id,
        username=username,
        display_name=account.get("accountDisplayName"),
        profile=Profile(
            platform_id=account_id,
            handle=username,
            display_name=account.get("accountDisplayName"),
            bio=bio,
            url=website,
            post_count=len(tweets),
        ),
    )
    chains: dict[str, list[dict[str, Any]]] = {}
    for tweet in [*tweets, *gone]:
        chains.setdefault(_chain(tweet)[0], []).append(tweet)
    gone_ids = {t["id_str"] for t in gone}
    for first, versions in chains.items():
        order = _chain(versions[0])
        versions.sort(key=lambda t: order.index(t["id_str"]) if t["id_str"] in order else 0)
        normal = [
            transform_archive_tweet(t, account_id, username, _note_for(t, notes)) for t in versions
        ]
        post = normal[-1]
        post.created_at = normal[0].created_at
        post.versions = [Version(v.version_key or "", v.text, v.created_at) for v in normal[:-1]]
        post.edited = len(order) > 1
        archive.posts.append(post)
        if any(t["id_str"] in gone_ids for t in versions):
            stamp = next((t.get("deleted_at") for t in versions if t.get("deleted_at")), None)
            archive.deleted[first] = parse_archive_time(stamp) if stamp else post.created_at
    archive.posts.sort(key=lambda p: p.created_at)
    return archive
