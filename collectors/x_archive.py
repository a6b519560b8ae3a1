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
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from collectors.base import NormalisedPost, Profile, Version
from socialaudit.errors import UsageError
from socialaudit.models import PostKind

if TYPE_CHECKING:
    from collectors.importing import ArchiveRead

_STATUS_URL = re.compile(r"https?://(?:www\.)?(?:twitter|x)\.com/[^/]+/status/([0-9]+)")
# X ids are 64-bit numbers: at most 20 digits.
_ID = re.compile(r"[0-9]{1,20}")


@dataclass(frozen=True)
class ArchiveLimits:
    """`[imports]`: the most an archive may hold before it is refused unread."""

    max_bytes: int = 512 * 1024 * 1024
    max_members: int = 200_000

    @classmethod
    def from_settings(cls, settings: Any) -> ArchiveLimits:
        imports = settings.imports
        return cls(imports.max_uncompressed_mb * 1024 * 1024, imports.max_members)


class ArchiveError(UsageError, ValueError):
    """What is wrong with one field of an archive; read_x_archive names the file."""


def parse_archive_time(value: Any) -> datetime:
    """ "Sat Feb 18 12:33:11 +0000 2023" (or ISO, as note-tweet.js has) -> aware UTC."""
    if not isinstance(value, str):
        raise ArchiveError(
            f"expected a date such as 'Sat Feb 18 12:33:11 +0000 2023', got {value!r}"
        )
    try:
        return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError):
        raise ArchiveError(
            f"expected a date such as 'Sat Feb 18 12:33:11 +0000 2023', got {value[:80]!r}"
        ) from None


def _id(value: Any, what: str) -> str:
    """An X id (a string or number of at most 20 digits) as a string."""
    text = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
    if text is None or not _ID.fullmatch(text):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "..."
        raise ArchiveError(f"{what}: expected an X id (up to 20 digits), got {shown}")
    return text


def _optional_id(value: Any, what: str) -> str | None:
    return None if value is None or value == "" else _id(value, what)


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def parse_js(text: str, name: str) -> Any:
    """The JSON after `window.YTD.<name>.partN =` (or `window.__THAR_CONFIG =`)."""
    head, sep, body = text.partition("=")
    if not sep or "window." not in head:
        raise UsageError(f"{name}: not an X archive data file (no 'window.... =' prefix)")
    try:
        return json.loads(body.strip().rstrip(";"))
    except ValueError as exc:
        raise UsageError(f"{name}: malformed JSON after the prefix: {exc}") from None
    except RecursionError:
        raise UsageError(f"{name}: JSON nested too deeply") from None


class _Files:
    """Read `data/...` files from a folder or a zip, wherever the archive's root is."""

    def __init__(self, path: Path, limits: ArchiveLimits) -> None:
        self.path = path
        self.limits = limits
        self.budget = limits.max_bytes  # uncompressed bytes still allowed to be read
        if path.is_dir():
            self.zip = None
            root = path if (path / "data").is_dir() else None
            if root is None:
                found = sorted(path.glob("*/data/account.js"))
                root = found[0].parent.parent if found else path
            for members, _ in enumerate(root.rglob("*"), start=1):
                if members > limits.max_members:
                    self._too_many()
            self.names = {
                str(PurePosixPath(p.relative_to(root).as_posix())): p for p in root.rglob("*.js")
            }
            size = sum(Path(p).stat().st_size for p in self.names.values())
        elif zipfile.is_zipfile(path):
            try:
                self.zip = zipfile.ZipFile(path)
                infos = self.zip.infolist()
            except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
                raise UsageError(f"{path}: not a readable zip file ({exc})") from None
            if len(infos) > limits.max_members:
                self.zip.close()
                self._too_many()
            self.names = {}
            size = 0
            for info in infos:
                name = info.filename
                cut = name.find("data/")
                if cut >= 0 and name.endswith(".js"):
                    self.names[name[cut:]] = name
                    size += info.file_size
        else:
            raise UsageError(f"{path}: not an X archive (expected a .zip file or its folder)")
        if size > limits.max_bytes:
            self.close()
            self._too_big(size)

    def _too_many(self) -> None:
        raise UsageError(
            f"{self.path}: more than {self.limits.max_members} entries; refused unread "
            "(raise [imports] max_members if the archive is genuine)"
        )

    def _too_big(self, size: int | None = None) -> None:
        limit = self.limits.max_bytes // (1024 * 1024)
        what = f"{size / 1024 / 1024:.0f} MiB of data files" if size else "its data files"
        raise UsageError(
            f"{self.path}: {what} uncompressed, over the limit of {limit} MiB; refused "
            "(raise [imports] max_uncompressed_mb if the archive is genuine)"
        )

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str) -> Any:
        where = self.names.get(name)
        if where is None:
            raise UsageError(f"{self.path}: not an X archive (no {name})")
        try:
            if self.zip is not None:
                with self.zip.open(str(where)) as member:
                    data = member.read(self.budget + 1)
            else:
                with Path(where).open("rb") as file:
                    data = file.read(self.budget + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
            raise UsageError(f"{self.path}: cannot read {name} ({exc})") from None
        self.budget -= len(data)
        if self.budget < 0:  # a member larger than its header said
            self._too_big()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UsageError(
                f"{self.path}: {name} is not UTF-8 text (byte {exc.start}: {exc.reason})"
            ) from None
        try:
            return parse_js(text, name)
        except UsageError as exc:
            raise UsageError(f"{self.path}: {exc}") from None

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
    if ids and isinstance(ids, list):
        return [_id(i, "editTweetIds") for i in ids]
    return [_id(tweet["id_str"], "id_str")]


def _note_for(tweet: dict[str, Any], notes: list[dict[str, Any]]) -> dict[str, Any] | None:
    text = re.sub(
        r"\s*(?:…|\.\.\.)?\s*(?:https://t\.co/\w+)?\s*$", "", _string(tweet.get("full_text"))
    )
    made = parse_archive_time(tweet["created_at"])
    for note in notes:
        core = note.get("core") or {}
        when = note.get("createdAt")
        close = when is None or abs(parse_archive_time(when) - made) <= timedelta(seconds=5)
        if close and text and _string(core.get("text")).startswith(text[:200]):
            return note
    return None


def transform_archive_tweet(
    tweet: dict[str, Any], account_id: str, username: str, note: dict[str, Any] | None = None
) -> NormalisedPost:
    """One tweets.js entry -> NormalisedPost (without the versions of its edit chain)."""
    entities = tweet.get("entities") or {}
    core = (note or {}).get("core") or {}
    text = _string(core.get("text")) or _string(tweet.get("full_text"))
    urls = core.get("urls") if core else entities.get("urls")
    links = []
    for url in urls or []:
        target = url.get("expanded_url") or url.get("expanded") or url.get("url")
        if url.get("url") and target:
            text = text.replace(url["url"], target)
        if target:
            links.append(target)
    chain = _chain(tweet)
    reply_to = _optional_id(tweet.get("in_reply_to_status_id_str"), "in_reply_to_status_id_str")
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
        reply_to_account_id=_optional_id(
            tweet.get("in_reply_to_user_id_str"), "in_reply_to_user_id_str"
        ),
        quote_of_id=quote if kind == PostKind.QUOTE else None,
        repost_of_account_id=repost_of_account,
        links=[link for link in links if kind != PostKind.QUOTE or link != links[-1]]
        if quote
        else links,
        mentions=mentions,
        hashtags=[h.get("text", "") for h in entities.get("hashtags") or []],
        media=media,
        version_key=_id(tweet["id_str"], "id_str"),
    )


def read_x_archive(path: Path, limits: ArchiveLimits | None = None) -> XArchive:
    """Parse an X archive (zip or folder) into the store's shapes.

    Anything malformed (a missing field, a bad date or id, invalid UTF-8, an archive over
    `limits`) is one UsageError naming the archive, never a traceback.
    """
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    files = _Files(path, limits or ArchiveLimits())
    try:
        return _read(files)
    except ArchiveError as exc:
        raise UsageError(f"{path}: {exc}") from None
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        what = f"no {exc}" if isinstance(exc, KeyError) else str(exc)[:200]
        raise UsageError(f"{path}: an X archive file lacks an expected field ({what})") from None
    except RecursionError:
        raise UsageError(f"{path}: an X archive file is nested too deeply") from None
    finally:
        files.close()


def _read(files: _Files) -> XArchive:
    account = _entries(files, ["data/account.js"], "account")[0]
    account_id, username = _id(account["accountId"], "accountId"), account["username"]
    if not isinstance(username, str) or not re.fullmatch(r"[A-Za-z0-9_]{1,50}", username):
        raise ArchiveError(f"username: expected an X username, got {str(username)[:60]!r}")
    bio, website = None, None
    if files.has("data/profile.js"):
        profile = _entries(files, ["data/profile.js"], "profile")[0]
        description = profile.get("description") or {}
        bio = _string(description.get("bio")) or None
        website = _string(description.get("website")) or None
    notes = _entries(files, files.parts("note-tweet"), "noteTweet")
    tweets = _entries(files, _tweet_files(files), "tweet")
    gone = _entries(files, files.parts("deleted-tweets"), "tweet")
    display_name = _string(account.get("accountDisplayName")) or None
    archive = XArchive(
        account_id=account_id,
        username=username,
        display_name=display_name,
        profile=Profile(
            platform_id=account_id,
            handle=username,
            display_name=display_name,
            bio=bio,
            url=website,
            post_count=len(tweets),
        ),
    )
    chains: dict[str, list[dict[str, Any]]] = {}
    for tweet in [*tweets, *gone]:
        chains.setdefault(_chain(tweet)[0], []).append(tweet)
    gone_ids = {_id(t["id_str"], "id_str") for t in gone}
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


def archive_import(settings: Any, source: str) -> ArchiveRead:
    """`socialaudit import x-archive SOURCE`: the platform registry's reader for this format
    (the store's side is imported here only, so parsing an archive stays light)."""
    from collectors.importing import ArchiveRead

    path = Path(source)
    archive = read_x_archive(path, ArchiveLimits.from_settings(settings))
    return ArchiveRead(
        str(path),
        archive.account_id,
        archive.username,
        lambda _handle: archive.posts,
        archive.profile,
        archive.deleted,
    )
