"""The sandbox's world: accounts, posts, a clock, scheduled events, faults and counters.

One world serves all three platforms, so a scenario (an edit, a deletion, an account going
protected) plays out the same way whichever client reads it. The world is platform-neutral;
`sandbox/bluesky.py`, `sandbox/x.py` and `sandbox/mastodon.py` render it in each platform's
response shapes. Everything is guarded by one lock because the HTTP server is threaded.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sandbox import ids

ACTIVE = "active"
PROTECTED = "protected"
SUSPENDED = "suspended"
DEACTIVATED = "deactivated"
ACCOUNT_STATES = (ACTIVE, PROTECTED, SUSPENDED, DEACTIVATED)

FAULT_KINDS = ("429", "500", "slow", "malformed", "html", "missing", "wrongtype")

_URL = re.compile(r"https?://[^\s<>\"']+")
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_][A-Za-z0-9_.-]*(?:@[A-Za-z0-9.-]+)?)")
_TAG = re.compile(r"(?<![\w#])#(\w+)")


@dataclass
class SandboxPerson:
    """An invented member of staff; `accounts` are account keys."""

    name: str
    email: str
    team: str
    role: str = "spokesperson"
    timezone: str = "Europe/London"
    language: str = "en"
    accounts: list[str] = field(default_factory=list)


@dataclass
class SandboxAccount:
    key: str  # unique within the world, e.g. "bluesky:ana"
    platform: str
    id: str  # X user id, DID, or Mastodon account id
    handle: str  # X username, Bluesky handle, or Mastodon username
    display_name: str
    bio: str = ""
    url: str | None = None
    fields: list[tuple[str, str]] = field(default_factory=list)
    status: str = ACTIVE
    created_at: datetime = field(default_factory=lambda: datetime(2020, 1, 6, tzinfo=UTC))
    instance: str | None = None  # Mastodon only
    person: str | None = None  # None: someone else, seen only as context
    followers: int = 120
    following: int = 80

    @property
    def acct(self) -> str:
        """Mastodon's `acct`: username@instance (the sandbox answers as every instance)."""
        return f"{self.handle}@{self.instance}" if self.instance else self.handle


@dataclass
class SandboxPost:
    platform: str
    id: str  # X: the first id of the edit chain; Bluesky: the record key; Mastodon: status id
    account: str  # account key
    created_at: datetime
    text: str
    lang: str = "en"
    reply_to: str | None = None  # id of a post on the same platform
    quote_of: str | None = None
    repost_of: str | None = None
    media: list[dict[str, str]] = field(default_factory=list)  # {"type": image|video, "alt"}
    link_card: dict[str, str] | None = None  # {"uri", "title", "description"}
    history: list[tuple[datetime, str]] = field(default_factory=list)  # earlier texts
    edit_ids: list[str] = field(default_factory=list)  # X: one id per version, oldest first
    edited_at: datetime | None = None
    deleted_at: datetime | None = None

    @property
    def links(self) -> list[str]:
        found = [m.group(0).rstrip(".,;:!?)") for m in _URL.finditer(self.text)]
        if self.link_card and self.link_card["uri"] not in found:
            found.append(self.link_card["uri"])
        return found

    @property
    def mentions(self) -> list[str]:
        return [m.group(1).rstrip(".") for m in _MENTION.finditer(_URL.sub(" ", self.text))]

    @property
    def tags(self) -> list[str]:
        return [m.group(1) for m in _TAG.finditer(_URL.sub(" ", self.text))]

    @property
    def current_id(self) -> str:
        """X: the newest id of the edit chain; elsewhere the post's id."""
        return self.edit_ids[-1] if self.edit_ids else self.id

    @property
    def version(self) -> int:
        return len(self.history)


@dataclass
class Fault:
    kind: str  # one of FAULT_KINDS
    remaining: int = 1
    seconds: float = 2.0  # slow: delay; 429: seconds until the reset the headers announce
    skip: int = 0  # requests to let through before the fault starts


@dataclass
class ScheduledEvent:
    at: datetime
    description: str
    action: Callable[[World], None]
    done: bool = False


class World:
    """Accounts and posts at a moment in time; `advance` moves the clock and plays events."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the world's clock needs an aware datetime")
        self.lock = threading.RLock()
        self.now = start.astimezone(UTC)
        self.start = self.now
        self.people: list[SandboxPerson] = []
        self.accounts: dict[str, SandboxAccount] = {}
        self.posts: dict[tuple[str, str], SandboxPost] = {}
        self.events: list[ScheduledEvent] = []
        self.faults: dict[str, list[Fault]] = {}
        self.counts: Counter[str] = Counter()
        self.log: list[str] = []
        self._sequence = 0

    # -- time and events -------------------------------------------------------------------

    def at(self, offset: timedelta, description: str, action: Callable[[World], None]) -> None:
        """Schedule `action` at start + offset; it runs when the clock passes that time."""
        self.events.append(ScheduledEvent(self.start + offset, description, action))
        self.events.sort(key=lambda e: e.at)

    def advance(self, *, days: float = 0, hours: float = 0, minutes: float = 0) -> list[str]:
        """Move the clock forward, running every event that falls due, in time order."""
        delta = timedelta(days=days, hours=hours, minutes=minutes)
        if delta < timedelta(0):
            raise ValueError("the sandbox clock only moves forward")
        with self.lock:
            target = self.now + delta
            ran = []
            for event in self.events:
                if not event.done and event.at <= target:
                    self.now = max(self.now, event.at)
                    event.action(self)
                    event.done = True
                    ran.append(f"{event.at.isoformat()} {event.description}")
            self.now = target
            self.log.extend(ran)
            return ran

    def pending_events(self) -> list[str]:
        with self.lock:
            return [f"{e.at.isoformat()} {e.description}" for e in self.events if not e.done]

    # -- faults and counters ---------------------------------------------------------------

    def inject(
        self, endpoint: str, kind: str, times: int = 1, seconds: float = 2.0, skip: int = 0
    ) -> None:
        """Make `times` requests to `endpoint` fail as `kind`, after `skip` succeed."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {', '.join(FAULT_KINDS)}, got {kind!r}")
        with self.lock:
            self.faults.setdefault(endpoint, []).append(Fault(kind, times, seconds, skip))

    def take_fault(self, endpoint: str) -> Fault | None:
        with self.lock:
            queue = self.faults.get(endpoint) or []
            while queue and queue[0].remaining <= 0:
                queue.pop(0)
            if not queue:
                return None
            if queue[0].skip > 0:
                queue[0].skip -= 1
                return None
            queue[0].remaining -= 1
            return queue[0]

    def count(self, endpoint: str) -> None:
        with self.lock:
            self.counts[endpoint] += 1

    def reset_counts(self) -> dict[str, int]:
        with self.lock:
            before = dict(self.counts)
            self.counts.clear()
            return before

    def calls(self, prefix: str = "") -> int:
        """Requests served to endpoints whose name starts with `prefix` (e.g. "bluesky.")."""
        with self.lock:
            return sum(n for name, n in self.counts.items() if name.startswith(prefix))

    # -- building and changing the world ---------------------------------------------------

    def next_sequence(self) -> int:
        self._sequence += 1
        return self._sequence

    def add_person(self, person: SandboxPerson) -> SandboxPerson:
        self.people.append(person)
        return person

    def add_account(
        self,
        platform: str,
        slug: str,
        handle: str,
        display_name: str,
        *,
        person: SandboxPerson | None = None,
        **values: Any,
    ) -> SandboxAccount:
        key = f"{platform}:{slug}"
        if key in self.accounts:
            raise ValueError(f"account {key} already exists")
        seq = self.next_sequence()
        created = values.pop("created_at", datetime(2019, 3, 4, tzinfo=UTC) + timedelta(days=seq))
        if platform == "x":
            account_id = str(1_400_000_000 + seq * 7919)
        elif platform == "bluesky":
            account_id = ids.did_plc(f"sandbox:{slug}")
        else:
            account_id = str(109_000_000_000_000_000 + seq * 104729)
        account = SandboxAccount(
            key=key,
            platform=platform,
            id=account_id,
            handle=handle,
            display_name=display_name,
            created_at=created,
            person=person.name if person else None,
            **values,
        )
        if platform == "mastodon" and account.instance is None:
            account.instance = "social.example"
        self.accounts[key] = account
        if person is not None:
            person.accounts.append(key)
        return account

    def add_post(
        self,
        account_key: str,
        text: str,
        *,
        ago: timedelta | None = None,
        reply_to: SandboxPost | None = None,
        quote_of: SandboxPost | None = None,
        repost_of: SandboxPost | None = None,
        **values: Any,
    ) -> SandboxPost:
        """Publish a post now (or `ago` before now) on the account's platform."""
        with self.lock:
            account = self.accounts[account_key]
            when = self.now - (ago or timedelta(0))
            seq = self.next_sequence()
            if account.platform == "x":
                post_id = ids.x_snowflake(when, seq)
            elif account.platform == "bluesky":
                post_id = ids.tid(when, seq)
            else:
                post_id = ids.mastodon_id(when, seq)
            post = SandboxPost(
                platform=account.platform,
                id=post_id,
                account=account_key,
                created_at=when,
                text=text,
                reply_to=reply_to.id if reply_to else None,
                quote_of=quote_of.id if quote_of else None,
                repost_of=repost_of.id if repost_of else None,
                **values,
            )
            if account.platform == "x":
                post.edit_ids = [post_id]
            self.posts[(account.platform, post_id)] = post
            return post

    def edit_post(self, post: SandboxPost, text: str) -> SandboxPost:
        """Edit (X, Mastodon) or rewrite in place (Bluesky: same URI, new CID)."""
        with self.lock:
            post.history.append((post.edited_at or post.created_at, post.text))
            post.text = text
            post.edited_at = self.now
            if post.platform == "x":
                post.edit_ids.append(ids.x_snowflake(self.now, self.next_sequence()))
            return post

    def delete_post(self, post: SandboxPost) -> None:
        with self.lock:
            post.deleted_at = self.now

    def set_status(self, account_key: str, status: str) -> None:
        if status not in ACCOUNT_STATES:
            raise ValueError(f"account status must be one of {', '.join(ACCOUNT_STATES)}")
        with self.lock:
            self.accounts[account_key].status = status

    def update_profile(self, account_key: str, **values: Any) -> None:
        with self.lock:
            account = self.accounts[account_key]
            for name, value in values.items():
                if not hasattr(account, name):
                    raise ValueError(f"accounts have no field {name!r}")
                setattr(account, name, value)

    # -- queries the platform renderers use ------------------------------------------------

    def account_by_id(self, platform: str, account_id: str) -> SandboxAccount | None:
        for account in self.accounts.values():
            if account.platform == platform and account.id == account_id:
                return account
        return None

    def account_by_handle(self, platform: str, handle: str) -> SandboxAccount | None:
        folded = handle.lower().lstrip("@")
        for account in self.accounts.values():
            if account.platform != platform:
                continue
            names = {account.handle.lower(), account.acct.lower()}
            if folded in names:
                return account
        return None

    def post(self, platform: str, post_id: str) -> SandboxPost | None:
        found = self.posts.get((platform, post_id))
        if found is None and platform == "x":
            for candidate in self.posts.values():
                if candidate.platform == "x" and post_id in candidate.edit_ids:
                    return candidate
        return found

    def visible(self, post: SandboxPost | None) -> bool:
        """A post anyone can see: published by now, not deleted, its author reachable."""
        if post is None or post.deleted_at is not None or post.created_at > self.now:
            return False
        if post.repost_of is not None and not self.visible(
            self.post(post.platform, post.repost_of)
        ):
            return False
        return self.accounts[post.account].status in (ACTIVE, PROTECTED)

    def timeline(self, account: SandboxAccount) -> list[SandboxPost]:
        """The account's visible posts, newest first."""
        posts = [p for p in self.posts.values() if p.account == account.key and self.visible(p)]
        return sorted(posts, key=lambda p: (p.created_at, p.id), reverse=True)

    def post_count(self, account: SandboxAccount, *, reposts: bool) -> int:
        """The profile's post count; Bluesky's leaves reposts out, X's and Mastodon's keep them."""
        return sum(
            1
            for p in self.posts.values()
            if p.account == account.key
            and p.deleted_at is None
            and p.created_at <= self.now
            and (reposts or p.repost_of is None)
        )
