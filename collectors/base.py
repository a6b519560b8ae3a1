"""The collector interface every platform implements, and the shapes it hands back.

A collector is fetch -> transform -> save (STYLE 5), split so that each part is testable:

- **fetch** is the platform module's `Collector` subclass: it talks to the platform through
  the platform's own client library, every call through its `ApiSeam` (retries, backoff,
  rate-limit waits and the API-call count live there once);
- **transform** is a pure function per platform, raw platform JSON in, `Profile` or
  `NormalisedPost` out (no network, no database), so it is tested on recorded shapes;
- **save** is not the collector's business: `collectors/store.py` upserts what it returns,
  keyed by (platform, platform id), and `collectors/runner.py` decides what to ask for (cheap
  triggers first), sweeps for deletions and records the round.

Adding a platform (the README's "Adding a collector" says it step by step):

1. Subclass `Collector`; set `platform`, `profile_batch`, `lookup_batch`,
   `lookup_reposts` and `reposts_counted`; build the client library's client in
   `__init__` from `self.config` (the `[platforms.NAME]` table: base_url,
   timeout_seconds, ...) and `self.settings`.
2. Implement `classify` (which library exceptions to retry, and the rate-limit reset),
   `resolve`, `fetch_profiles`, `fetch_posts` and `lookup_posts` (contracts below).
   Raise `AccountUnavailable` for an account the platform says is protected, suspended,
   deactivated or unknown; let anything else propagate as `ApiError` from the seam.
3. Name the class ("module:Class") in the platform's entry in `socialaudit.platforms`,
   with its handle rule, config keys, secrets, rate-limit headers and web addresses.

Identity rules every collector keeps: an account is its platform id (X user id, DID,
Mastodon account id), never its handle; a post's `platform_id` is stable across edits (X:
the first id of the edit chain; Bluesky: the AT-URI; Mastodon: the status id) and
`version_key` changes when its content does (X: the newest edit id; Bluesky: the CID;
Mastodon: `edited_at`).
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, ClassVar

from collectors.retry import ApiBudget, ApiError, ApiSeam, RetryHint, RetryPolicy
from socialaudit.config import Settings
from socialaudit.models import AccountStatus, DeletionCause, PostKind
from socialaudit.stopping import interruptible_sleep


class UnexpectedResponse(ValueError):
    """A response the transform cannot read: a field missing, a value of another type."""


@contextmanager
def reading(endpoint: str) -> Iterator[None]:
    """Read an answer of `endpoint`; what cannot be read fails as that endpoint's ApiError.

    A platform (or a proxy before it) may answer 200 with objects missing their ids, a string
    where a list should be: that fails the accounts the call was for, with one line, like any
    other failed call, and never the round.
    """
    try:
        yield
    except (KeyError, TypeError, AttributeError, IndexError) as error:
        problem = UnexpectedResponse(f"unexpected response ({type(error).__name__}: {error})")
        raise ApiError(endpoint, problem) from None


@dataclass(frozen=True)
class AccountRef:
    """What a collector may know of a registered account: a read-only copy of the row."""

    id: int  # Account.id in the store
    platform: str
    handle: str
    platform_id: str | None = None
    instance: str | None = None
    since_id: str | None = None
    last_post_count: int | None = None


@dataclass
class Profile:
    """A profile as the checks read it; `content_hash` decides whether a snapshot is new.

    `handle` is in the registry's form (`socialaudit.registry.normalise_handle`): an X
    username without "@", a lower-case Bluesky handle, a Mastodon `user@instance` (the API's
    `acct` leaves the instance out for local accounts: add it back). Any other spelling is
    recorded as a handle change. `bio` and `fields` values are plain text (convert
    Mastodon's HTML first).
    """

    platform_id: str
    handle: str
    display_name: str | None = None
    bio: str | None = None
    url: str | None = None
    fields: list[dict[str, Any]] = field(default_factory=list)
    post_count: int | None = None
    protected: bool = False
    # The platform's JSON this profile was read from, as received (what `reprocess` reads
    # again with `Collector.profile_from_raw`); None where there is none (archives).
    raw: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    def content_hash(self) -> str:
        """Hash of what a reader sees; the post count is left out (it moves every post)."""
        seen = {
            "handle": self.handle,
            "display_name": self.display_name,
            "bio": self.bio,
            "url": self.url,
            "fields": self.fields,
        }
        return hashlib.sha256(json.dumps(seen, sort_keys=True).encode()).hexdigest()


@dataclass
class Version:
    """One text a post had; `key` is the platform's version id (edit id, CID, edited_at)."""

    key: str
    text: str
    created_at: datetime | None = None
    poll: list[str] | None = None  # the poll's options as this version had them


@dataclass
class Referenced:
    """Someone else's post seen in a response (a parent, a quoted or reposted original)."""

    platform_id: str
    author_id: str | None = None
    author_handle: str | None = None
    url: str | None = None
    text: str = ""
    created_at: datetime | None = None


@dataclass
class NormalisedPost:
    """A post in the store's terms; the fields mirror `socialaudit.models.Post`."""

    platform_id: str
    author_id: str
    created_at: datetime
    text: str = ""
    url: str | None = None
    lang: str | None = None
    kind: str = PostKind.ORIGINAL
    reply_to_id: str | None = None
    reply_to_account_id: str | None = None
    reply_root_id: str | None = None
    quote_of_id: str | None = None
    repost_of_id: str | None = None
    repost_of_account_id: str | None = None
    conversation_id: str | None = None
    links: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    media: list[dict[str, Any]] = field(default_factory=list)
    version_key: str | None = None
    # Earlier versions the platform reports (Mastodon history, X edit chain), oldest first;
    # the current text is added as the newest version by the store.
    versions: list[Version] = field(default_factory=list)
    edited: bool = False
    # Whether this post counts in the profile's post count (Bluesky's leaves reposts out).
    counted: bool = True
    referenced: list[Referenced] = field(default_factory=list)
    # The poll's options (Mastodon), kept per version: an edit may change the poll alone.
    poll: list[str] | None = None
    # The platform's JSON this post was read from, as received, with what else the
    # transform read (X `includes`, Mastodon history): `Collector.post_from_raw(raw)`
    # gives this post again. None where there is none (archives).
    raw: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    def post_values(self) -> dict[str, Any]:
        """The values for a `Post` row (without account and bookkeeping columns)."""
        return {
            f.name: _copied(getattr(self, f.name))
            for f in fields(self)
            if f.name not in _NOT_POST_COLUMNS
        }


_NOT_POST_COLUMNS = frozenset(("author_id", "versions", "counted", "referenced", "poll", "raw"))


def _copied(value: Any) -> Any:
    """A list (of dicts) copied, so that the row and the dataclass never share one."""
    if isinstance(value, list):
        return [dict(v) if isinstance(v, dict) else v for v in value]
    return value


@dataclass
class Timeline:
    """What `fetch_posts` found: new or changed posts, newest first, and the resume point."""

    posts: list[NormalisedPost] = field(default_factory=list)
    since_id: str | None = None  # the newest post id seen, for platforms that take since_id
    pages: int = 0
    complete: bool = True  # False when max_pages stopped it before the known posts


@dataclass
class Lookup:
    """A batch look-up: what was found, and for each id not found, what the platform said."""

    found: dict[str, NormalisedPost] = field(default_factory=dict)
    # id -> cause: DELETED when the platform says the post is gone; other causes when it
    # says why it cannot show it (e.g. X "Authorization Error" -> ACCOUNT_PROTECTED);
    # UNKNOWN_ERROR for an error entry that proves nothing (looked up again next sweep).
    # Leave an id out entirely when the platform said nothing about it.
    missing: dict[str, DeletionCause] = field(default_factory=dict)


class AccountUnavailable(Exception):
    """The platform answered: this account cannot be read (with the status to record)."""

    def __init__(self, status: AccountStatus, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


ACCOUNT_CAUSES: dict[str, DeletionCause] = {
    AccountStatus.PROTECTED: DeletionCause.ACCOUNT_PROTECTED,
    AccountStatus.SUSPENDED: DeletionCause.ACCOUNT_SUSPENDED,
    AccountStatus.DEACTIVATED: DeletionCause.ACCOUNT_DEACTIVATED,
    AccountStatus.NOT_FOUND: DeletionCause.ACCOUNT_NOT_FOUND,
}


class Collector(ABC):
    """One platform's reader. Stateless between rounds: resume points live in the store.

    The runner calls, in order: `resolve` for accounts without a platform id; then
    `fetch_profiles` for all (batched: `profile_batch` a call); `fetch_posts` only for
    accounts whose cheap trigger fired; `lookup_posts` (at most `lookup_batch` ids a call)
    for deletion sweeps. Every request goes through `self.seam.call(endpoint, fn, ...)`.
    """

    # The name of the platform's entry in `socialaudit.platforms`.
    platform: ClassVar[str]
    profile_batch: ClassVar[int] = 1
    lookup_batch: ClassVar[int] = 1
    # False where a repost has no id the look-up accepts (Bluesky): its original is checked.
    lookup_reposts: ClassVar[bool] = True
    # Whether the profile's post count includes reposts (X, Mastodon: yes; Bluesky: no).
    reposts_counted: ClassVar[bool] = True

    def __init__(
        self, settings: Settings, *, sleep: Callable[[float], None] = interruptible_sleep
    ) -> None:
        self.settings = settings
        self.config = settings.platforms.section(self.platform)
        self.seam = ApiSeam(
            self.platform,
            RetryPolicy.from_config(self.config),
            self.classify,
            sleep=sleep,
            url=getattr(self.config, "base_url", None),
        )

    @staticmethod
    @abstractmethod
    def classify(error: BaseException) -> RetryHint | None:
        """Whether a library exception is worth retrying, and when (see `collectors.retry`).

        Return None for errors that a retry cannot fix (bad request, not found, a refused
        account); a `RetryHint(wait=seconds)` for a rate limit with its reset; a plain
        `RetryHint()` for time-outs, 5xx and malformed responses (exponential backoff).
        """

    @property
    def budget(self) -> ApiBudget:
        return self.seam.budget

    @abstractmethod
    def resolve(self, account: AccountRef) -> Profile:
        """Find the account by its handle; return its profile (whose platform_id is stable).

        Raises `AccountUnavailable` when the platform says the account cannot be read.
        """

    def resolve_many(
        self, accounts: Sequence[AccountRef]
    ) -> dict[int, Profile | AccountUnavailable]:
        """`resolve` for up to `profile_batch` accounts, keyed by AccountRef.id.

        The default asks one at a time; platforms with a batch look-up by handle override it.
        An `ApiError` fails the whole batch (the runner records it per account).
        """
        found: dict[int, Profile | AccountUnavailable] = {}
        for account in accounts:
            try:
                found[account.id] = self.resolve(account)
            except AccountUnavailable as problem:
                found[account.id] = problem
        return found

    @abstractmethod
    def fetch_profiles(
        self, accounts: Sequence[AccountRef]
    ) -> dict[str, Profile | AccountUnavailable]:
        """Profiles of resolved accounts, keyed by platform id.

        An account the platform leaves out or refuses is given as an `AccountUnavailable`
        value in the mapping instead of a profile (so one bad account never fails a batch).
        """

    @abstractmethod
    def fetch_posts(
        self, account: AccountRef, *, known: Callable[[str], bool], max_pages: int
    ) -> Timeline:
        """Posts newer than the resume point, newest first.

        Use `account.since_id` where the platform takes one; otherwise page until a page
        holds a post for which `known(platform_id)` is true. Posts already known may be
        returned too (their version key tells the store whether they changed).
        """

    @abstractmethod
    def lookup_posts(self, ids: Sequence[str]) -> Lookup:
        """Look up at most `lookup_batch` post ids in one call; say what became of each."""

    @staticmethod
    @abstractmethod
    def post_from_raw(raw: dict[str, Any]) -> NormalisedPost:
        """Today's transform over a kept `NormalisedPost.raw` (pure: no network)."""

    @staticmethod
    @abstractmethod
    def profile_from_raw(raw: dict[str, Any]) -> Profile:
        """Today's transform over a kept `Profile.raw` (pure: no network)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the client's connections."""
