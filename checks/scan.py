"""`socialaudit scan`: check JSON-lines input without a database, findings out as JSON lines.

The input is read as a stream, in batches (the classifier is asked once per batch), so memory
stays flat whatever the input size. What the store would give a rule is taken from the input
itself: the message replied to from the `reply_to_*` fields, the previous profile of an
account from an earlier line for the same platform and handle (TRN103), and the conversation
from earlier replies by the same author to the same account (RSP503).
The format is documented in the README ("The scan format").
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from phonenumbers import SUPPORTED_REGIONS

from checks.engine import Engine, Item, PostItem, ProfileItem, Result, ThreadInfo
from checks.respect import hostile_parent
from socialaudit.errors import UsageError

# Items per batch: the classifier costs milliseconds per call whatever its batch size, so
# batches are large; memory stays bounded by the batch, not the input.
BATCH = 4096

_PROFILE_KEYS = {"kind", "id", "platform", "handle", "display_name", "bio", "url", "role"}
_POST_KEYS = {
    "kind",
    "id",
    "platform",
    "author",
    "text",
    "created_at",
    "lang",
    "role",
    "country",
    "reply_to_author",
    "reply_to_text",
    "reply_to_created_at",
    "links",
    "media",
    "reposted_from",
    "quoted_from",
    "conversation",
}
ROLES = {"spokesperson", "staff"}
# Keys whose value, when present and not null, must be a string.
_STRINGS = (_PROFILE_KEYS | _POST_KEYS) - {"kind", "id", "links", "media"}


class BadLine(UsageError):
    """An input line the scan cannot read; the message names the line."""


# An item is at most three levels deep (a post, its media list, one medium); anything much
# deeper is refused before the JSON parser, which would otherwise recurse until it fails.
MAX_DEPTH = 32
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _too_deep(line: str) -> bool:
    if line.count("[") + line.count("{") <= MAX_DEPTH:
        return False  # the common case, decided without walking the line
    depth = 0
    for char in _STRING.sub("", line):
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _time(key: str, raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw)  # Python 3.11 reads "Z" too
    except ValueError:
        raise ValueError(
            f'"{key}" must be an ISO 8601 date and time such as 2026-11-20T09:30:00Z, got {raw!r}'
        ) from None
    if value.tzinfo is None:
        raise ValueError(f'"{key}" needs a UTC offset or Z, got {raw!r}')
    return value


def parse_item(data: Any) -> Item:
    """One input object as an item to check; ValueError says what is wrong with it."""
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    kind = data.get("kind")
    if kind not in ("profile", "post"):
        raise ValueError(f'"kind" must be "profile" or "post", got {kind!r}')
    allowed = _PROFILE_KEYS if kind == "profile" else _POST_KEYS
    unknown = data.keys() - allowed
    if unknown:
        raise ValueError(f"unknown key {sorted(unknown)[0]!r} for a {kind}")
    raw_id = data.get("id")
    if not isinstance(raw_id, str | int) or isinstance(raw_id, bool) or raw_id == "":
        raise ValueError('"id" is required (a string or a number)')
    item_id = str(raw_id)
    for key in data.keys() & _STRINGS:
        value = data[key]
        if value is not None and type(value) is not str:
            raise ValueError(f'"{key}" must be a string, got {type(value).__name__}')
    get = data.get
    role = get("role") or "spokesperson"
    if role not in ROLES:
        raise ValueError(f'"role" must be spokesperson or staff, got {role!r}')
    if kind == "profile":
        for key in ("platform", "handle"):
            if get(key) is None:
                raise ValueError(f'"{key}" is required')
        return ProfileItem(
            item_id,
            platform=data["platform"],
            handle=data["handle"],
            display_name=get("display_name") or "",
            bio=get("bio") or "",
            url=get("url") or "",
            role=role,
        )
    for key in ("text", "platform", "author", "created_at"):
        if get(key) is None:
            raise ValueError(f'"{key}" is required')
    links = get("links") or ()
    if links and (not isinstance(links, list) or not all(isinstance(x, str) for x in links)):
        raise ValueError('"links" must be a list of strings')
    media = get("media") or ()
    if media:
        if not isinstance(media, list) or not all(
            isinstance(m, dict) and isinstance(m.get("type"), str) for m in media
        ):
            raise ValueError('"media" must be a list of objects with a "type"')
        for m in media:
            if m.get("alt") is not None and not isinstance(m["alt"], str):
                raise ValueError('"media[].alt" must be a string')
    country = get("country")
    if country is not None:
        country = country.strip().upper() or None
        if country is not None and (len(country) != 2 or country not in SUPPORTED_REGIONS):
            raise ValueError(
                '"country" must be a country code such as "GB" or "US" (ISO 3166 alpha-2), '
                f"got {get('country')[:80]!r}"
            )
    replied = get("reply_to_created_at")
    return PostItem(
        item_id,
        text=data["text"],
        platform=data["platform"],
        author=data["author"],
        created_at=_time("created_at", data["created_at"]),
        lang=get("lang"),
        role=role,
        country=country,
        reply_to_author=get("reply_to_author"),
        reply_to_text=get("reply_to_text"),
        reply_to_created_at=_time("reply_to_created_at", replied) if replied else None,
        links=links,
        media=media,
        reposted_from=get("reposted_from"),
        quoted_from=get("quoted_from"),
        conversation=get("conversation"),
    )


class ProfileHistory:
    """The last bio seen for each (platform, handle) in the stream, for TRN103."""

    def __init__(self) -> None:
        self._bios: dict[tuple[str, str], str] = {}

    def observe(self, item: ProfileItem) -> None:
        key = (item.platform, item.handle.lower().lstrip("@"))
        item.previous_bio = self._bios.get(key)
        self._bios[key] = item.bio


class ThreadTracker:
    """Replies by one author to one account in one conversation, within the window (RSP503).

    Keys whose newest reply left the window are dropped as the stream moves on, so memory is
    bounded by the number of conversations active within the window.
    """

    def __init__(self, hours: float, threshold: float) -> None:
        self.window = timedelta(hours=hours)
        self.threshold = threshold
        self._replies: dict[tuple[str, ...], deque[tuple[datetime, Any]]] = {}
        self._seen = 0
        self._latest: datetime | None = None

    def observe(self, item: PostItem) -> None:
        if not item.reply_to_author or item.created_at is None:
            return
        key = (
            item.platform,
            item.author.lower(),
            item.reply_to_author.lower(),
            item.conversation or "",
        )
        replies = self._replies.setdefault(key, deque())
        while replies and item.created_at - replies[0][0] > self.window:
            replies.popleft()
        hostile = hostile_parent(item, self.threshold)
        if hostile is not None:
            hostile = {**hostile, "post": item.id}  # whose reply_to_text the span is in
        replies.append((item.created_at, hostile))
        first_hostile = next((h for _, h in replies if h is not None), None)
        item.thread = ThreadInfo(item.reply_to_author, len(replies), first_hostile)
        self._seen += 1
        if self._latest is None or item.created_at > self._latest:
            self._latest = item.created_at
        if self._seen % 10_000 == 0:
            self._prune()

    def _prune(self) -> None:
        latest = self._latest
        if latest is None:
            return
        for key in [k for k, v in self._replies.items() if latest - v[-1][0] > self.window]:
            del self._replies[key]


def scan_lines(
    lines: Iterable[str], engine: Engine, source: str = "-"
) -> Iterator[tuple[Item, list[Result]]]:
    """Each input item with its findings, in input order; BadLine names the first bad line."""
    history = ProfileHistory()
    thread_params = engine.params("RSP503")
    threads = (
        ThreadTracker(float(thread_params["hours"]), float(thread_params["threshold"]))
        if thread_params is not None
        else None
    )
    batch: list[Item] = []
    error: BadLine | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            if _too_deep(line):
                raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
            batch.append(parse_item(json.loads(line)))
        except RecursionError:
            error = BadLine(f"{source}:{number}: nested too deeply")
        except json.JSONDecodeError as exc:
            error = BadLine(f"{source}:{number}: not valid JSON ({exc.msg} at column {exc.colno})")
        except ValueError as exc:
            error = BadLine(f"{source}:{number}: {exc}")
        if error is not None or len(batch) >= BATCH:
            yield from _run(batch, engine, history, threads)
            batch = []
        if error is not None:
            raise error
    yield from _run(batch, engine, history, threads)


def _run(
    batch: list[Item], engine: Engine, history: ProfileHistory, threads: ThreadTracker | None
) -> Iterator[tuple[Item, list[Result]]]:
    if not batch:
        return
    engine.prepare(batch)
    for item in batch:
        if isinstance(item, ProfileItem):
            history.observe(item)
        elif threads is not None:
            threads.observe(item)
        yield item, engine.check(item)
