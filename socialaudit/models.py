"""The store: every table, from one SQLModel metadata that Alembic migrates.

Identity follows DESIGN.md: an account is its platform id, never its handle; a post is
(platform, platform id). Enumerations are stored as plain strings so that adding a value never
needs a database enum migration; the Python enums below are the allowed values.
"""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import JSON, Column, Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both backends.

    PostgreSQL keeps `timestamptz`; SQLite has no zone, so values are stored as naive UTC and
    given their zone back on the way out. Comparing an aware and a naive datetime is a bug we
    want impossible.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class CompressedJSON(TypeDecorator):
    """A platform's JSON as received, stored compressed (bytes on both backends).

    Kept so that a transform fixed later can re-derive what was stored (`socialaudit
    reprocess`). Compressed because a payload is several times the size of the columns
    derived from it. zlib (the standard library's) with a preset dictionary: a payload is a
    few kilobytes of the same keys and structure every time, which plain zlib cannot learn
    from so little; the dictionary (`payload_dictionary.json`, one sandbox profile and post
    per platform as the collectors keep them) takes a Mastodon status from about 1,070 to
    740 bytes. The leading byte names the format, so the dictionary is frozen: a new one
    needs a new format byte. Strings are written as UTF-8 with `surrogatepass`, so a lone
    surrogate or NUL the platform sent (and the text columns replace) survives here exactly.
    """

    impl = sa.LargeBinary
    cache_ok = True
    FORMAT_ZLIB = b"\x01"  # plain zlib
    FORMAT_ZLIB_DICTIONARY = b"\x02"  # zlib with payload_dictionary.json

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> bytes | None:
        return None if value is None else pack_payload(value)

    def process_result_value(self, value: bytes | None, dialect: sa.Dialect) -> Any:
        return None if value is None else unpack_payload(value)


@cache
def _dictionary() -> bytes:
    return (resources.files("socialaudit") / "payload_dictionary.json").read_bytes()


def _jsonable(value: Any) -> Any:
    """What `json` cannot write itself: the client libraries' parsed times."""
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def pack_payload(value: Any) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_jsonable)
    packer = zlib.compressobj(6, zdict=_dictionary())
    body = packer.compress(text.encode("utf-8", "surrogatepass")) + packer.flush()
    return CompressedJSON.FORMAT_ZLIB_DICTIONARY + body


def unpack_payload(data: bytes) -> Any:
    data = bytes(data)  # PostgreSQL hands back a memoryview
    kind, body = data[:1], data[1:]
    if kind == CompressedJSON.FORMAT_ZLIB_DICTIONARY:
        unpacker = zlib.decompressobj(zdict=_dictionary())
        text = unpacker.decompress(body) + unpacker.flush()
    elif kind == CompressedJSON.FORMAT_ZLIB:
        text = zlib.decompress(body)
    else:
        raise ValueError(f"unknown payload format {kind!r}")
    return json.loads(text.decode("utf-8", "surrogatepass"))


def payload() -> Any:
    return Field(default=None, sa_column=Column(CompressedJSON, nullable=True))


def ts(*, nullable: bool = True, index: bool = False, default: Any = None) -> Any:
    """A UTC timestamp column."""
    kwargs: dict[str, Any] = {"sa_type": UTCDateTime, "nullable": nullable, "index": index}
    if default is not None:
        kwargs["default_factory"] = default
    else:
        kwargs["default"] = None
    return Field(**kwargs)


def json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def fk(target: str, *, nullable: bool = False, index: bool = True) -> Any:
    """A foreign key that the database also cascades; `forget` does not rely on it."""
    return Field(
        default=None,
        sa_column=Column(
            sa.Integer,
            sa.ForeignKey(target, ondelete="CASCADE"),
            nullable=nullable,
            index=index,
        ),
    )


class Role(StrEnum):
    SPOKESPERSON = "spokesperson"
    STAFF = "staff"


class AccountStatus(StrEnum):
    PENDING = "pending"  # registered, not yet resolved to a platform id
    OK = "ok"
    PROTECTED = "protected"
    SUSPENDED = "suspended"
    DEACTIVATED = "deactivated"
    NOT_FOUND = "not-found"
    ERROR = "error"


class PostKind(StrEnum):
    ORIGINAL = "original"
    REPLY = "reply"
    REPOST = "repost"
    QUOTE = "quote"


class DeletionCause(StrEnum):
    """Why a post can no longer be seen. Only DELETED is the person's deletion."""

    DELETED = "deleted"
    ACCOUNT_PROTECTED = "account-protected"
    ACCOUNT_SUSPENDED = "account-suspended"
    ACCOUNT_DEACTIVATED = "account-deactivated"
    ACCOUNT_NOT_FOUND = "account-not-found"
    ORIGINAL_DELETED = "original-deleted"
    UNKNOWN_ERROR = "unknown-error"


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    REVIEW = "review"
    INFO = "info"


SEVERITY_RANK = {Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.REVIEW: 1, Severity.INFO: 0}


class SubjectType(StrEnum):
    POST = "post"
    PROFILE = "profile"
    THREAD = "thread"


class UserRole(StrEnum):
    REVIEWER = "reviewer"  # comms team: every finding, the post text, review actions
    MANAGER = "manager"  # the dashboard and aggregates only
    PERSON = "person"  # their own findings and nudges
    ADMIN = "admin"  # people, accounts, users, the audit log


class ReviewStatus(StrEnum):
    OPEN = "open"
    FALSE_POSITIVE = "false-positive"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Person(SQLModel, table=True):
    """Someone the organisation registered for auditing. Nobody else is ever collected."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True, index=True)
    email: str | None = Field(default=None, max_length=320)
    team: str | None = Field(default=None, max_length=200)
    role: str = Field(default=Role.SPOKESPERSON, max_length=20)
    active: bool = True  # removed people keep their history until retention or `forget`
    nudges: bool = True
    timezone: str = Field(default="UTC", max_length=64)
    language: str = Field(default="en", max_length=16)
    # ISO 3166 alpha-2 ("GB"): where the person's national phone numbers are read (CNF305).
    country: str | None = Field(default=None, max_length=2)
    created_at: datetime = ts(nullable=False, default=utcnow)


class Account(SQLModel, table=True):
    """One registered account on one platform, known by its stable platform id once resolved."""

    __table_args__ = (sa.UniqueConstraint("platform", "platform_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = fk("person.id")
    platform: str = Field(max_length=16, index=True)
    platform_id: str | None = Field(default=None, max_length=128)
    handle: str = Field(max_length=320)
    instance: str | None = Field(default=None, max_length=255)
    active: bool = True
    status: str = Field(default=AccountStatus.PENDING, max_length=20)
    status_detail: str | None = None
    status_changed_at: datetime | None = ts()
    # Resume points: the newest post id seen, the platform's cursor, and the post count that
    # the last round ended with (the cheap trigger for paging and deletion sweeps).
    since_id: str | None = Field(default=None, max_length=128)
    cursor: str | None = None
    last_post_count: int | None = None
    last_collected_at: datetime | None = ts()
    created_at: datetime = ts(nullable=False, default=utcnow)


class HandleChange(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = fk("account.id")
    old_handle: str = Field(max_length=320)
    new_handle: str = Field(max_length=320)
    seen_at: datetime = ts(nullable=False, default=utcnow)


UNCHECKED = sa.text("checked_at IS NULL")  # partial indexes of the rows `check` has to read
# The posts whose lifecycle outcome may have changed since `check` last decided them.
UNDECIDED = sa.text("lifecycle_at IS NULL")


class ProfileSnapshot(SQLModel, table=True):
    """How a profile read at one moment; a new row only when something in it changed."""

    __table_args__ = (
        sa.Index(
            "ix_profilesnapshot_unchecked",
            "seen_at",
            "id",
            sqlite_where=UNCHECKED,
            postgresql_where=UNCHECKED,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = fk("account.id")
    handle: str = Field(max_length=320)
    display_name: str | None = None
    bio: str | None = None
    url: str | None = None
    fields: list[dict[str, Any]] = json_list()
    post_count: int | None = None
    content_hash: str = Field(max_length=64)
    seen_at: datetime = ts(nullable=False, default=utcnow, index=True)
    checked_at: datetime | None = ts()
    # The platform's profile JSON this snapshot was derived from (None before 0011).
    raw: dict[str, Any] | None = payload()


class Post(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("platform", "platform_id"),
        # `check` pages through the unchecked posts in (created_at, id) order: a partial
        # index holds only those, so a batch never walks the posts checked before it.
        sa.Index(
            "ix_post_unchecked",
            "created_at",
            "id",
            sqlite_where=UNCHECKED,
            postgresql_where=UNCHECKED,
        ),
        # The thread context: one account's replies in a time window.
        sa.Index("ix_post_account_created", "account_id", "created_at"),
        # The lifecycle pass reads only what changed since it last ran.
        sa.Index("ix_post_undecided", "id", sqlite_where=UNDECIDED, postgresql_where=UNDECIDED),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = fk("account.id")
    platform: str = Field(max_length=16)
    platform_id: str = Field(max_length=255)
    url: str | None = None
    created_at: datetime = ts(nullable=False, index=True)
    text: str = ""
    lang: str | None = Field(default=None, max_length=16)
    kind: str = Field(default=PostKind.ORIGINAL, max_length=16)
    reply_to_id: str | None = Field(default=None, max_length=255)
    reply_to_account_id: str | None = Field(default=None, max_length=128)
    reply_root_id: str | None = Field(default=None, max_length=255)
    quote_of_id: str | None = Field(default=None, max_length=255)
    repost_of_id: str | None = Field(default=None, max_length=255)
    repost_of_account_id: str | None = Field(default=None, max_length=128)
    conversation_id: str | None = Field(default=None, max_length=255, index=True)
    links: list[str] = json_list()
    mentions: list[str] = json_list()
    hashtags: list[str] = json_list()
    media: list[dict[str, Any]] = json_list()
    version_key: str | None = Field(default=None, max_length=255)
    edited: bool = False
    first_seen_at: datetime = ts(nullable=False, default=utcnow)
    last_seen_at: datetime = ts(nullable=False, default=utcnow)
    deleted_at: datetime | None = ts(index=True)
    deletion_cause: str | None = Field(default=None, max_length=32)
    checked_at: datetime | None = ts()  # the unchecked ones: ix_post_unchecked
    # Cleared whenever the collectors change what the lifecycle reads of the post (a new
    # post, an edit, a deletion, a reappearance); stamped when `check` has decided it.
    lifecycle_at: datetime | None = ts()  # the undecided ones: ix_post_undecided


class ReferencedPost(SQLModel, table=True):
    """Someone else's post that a registered person replied to, quoted or reposted.

    Kept only as context for the thread rules (a hasty reply to a hostile message, a repost
    of a party account): the minimum needed, keyed like a post, purged with retention.
    """

    __table_args__ = (sa.UniqueConstraint("platform", "platform_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    platform_id: str = Field(max_length=255)
    author_id: str | None = Field(default=None, max_length=128)
    author_handle: str | None = Field(default=None, max_length=320)
    url: str | None = None
    text: str = ""
    created_at: datetime | None = ts()
    seen_at: datetime = ts(nullable=False, default=utcnow, index=True)


class VersionChange(StrEnum):
    """What changed from the version before: an edit need not touch the text."""

    TEXT = "text"
    POLL = "poll"  # a Mastodon edit of the poll's options alone
    OTHER = "other"  # media, content warning, language: the text and poll as before


class PostVersion(SQLModel, table=True):
    """Each text a post has had: the original first, then every edit or in-place rewrite.

    `raw` is the platform's JSON for this version as received (None for versions known only
    from a later version's history, and for rows stored before 0011); `change` says what
    the edit changed (None for the first version and rows stored before 0011).
    """

    __table_args__ = (sa.UniqueConstraint("post_id", "version_key"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = fk("post.id")
    version_key: str = Field(max_length=255)
    position: int = 0
    text: str = ""
    created_at: datetime | None = ts()
    seen_at: datetime = ts(nullable=False, default=utcnow)
    change: str | None = Field(default=None, max_length=8)
    poll: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    raw: dict[str, Any] | None = payload()


# The review queue's order, most serious first, as literal SQL: the expression index on
# Finding and the queue's ORDER BY must be the very same expression for either database to
# use the index (bound parameters would not match it). Laid out line by line as PostgreSQL
# prints it back, so that `alembic check` finds the reflected index equal to this one.
SEVERITY_ORDER_SQL = (
    "\nCASE {column}\n    WHEN 'high' THEN 0\n    WHEN 'medium' THEN 1\n"
    "    WHEN 'review' THEN 2\n    WHEN 'info' THEN 3\n    ELSE 9\nEND"
)


class Finding(SQLModel, table=True):
    """One rule firing on one subject; the fingerprint makes re-checking idempotent."""

    # The review queue reads its pages in this order without sorting every finding: by
    # status (the queue shows the open ones), and across all statuses (the API's default).
    __table_args__ = (
        sa.Index(
            "ix_finding_review_queue",
            "review_status",
            sa.text(f"({SEVERITY_ORDER_SQL.format(column='severity')})"),
            "week",
            "id",
        ),
        sa.Index(
            "ix_finding_severity_order",
            sa.text(f"({SEVERITY_ORDER_SQL.format(column='severity')})"),
            "week",
            "id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    fingerprint: str = Field(max_length=64, unique=True)
    rule_code: str = Field(max_length=8, index=True)
    rule_name: str = Field(max_length=64)
    severity: str = Field(max_length=8)
    confidence: str = Field(default="medium", max_length=8)
    subject_type: str = Field(max_length=8)
    person_id: int = fk("person.id")
    account_id: int | None = fk("account.id", nullable=True)
    post_id: int | None = fk("post.id", nullable=True)
    snapshot_id: int | None = fk("profilesnapshot.id", nullable=True)
    message: str = ""
    evidence: list[dict[str, Any]] = json_list()
    week: str = Field(max_length=8, index=True)
    created_at: datetime = ts(nullable=False, default=utcnow)
    review_status: str = Field(default=ReviewStatus.OPEN, max_length=16, index=True)
    reviewed_by: str | None = Field(default=None, max_length=200)
    review_note: str | None = None
    reviewed_at: datetime | None = ts(index=True)  # its maximum tells the web cache of reviews


class Nudge(SQLModel, table=True):
    """A weekly e-mail that the SMTP server accepted; at most one per person and week."""

    __table_args__ = (sa.UniqueConstraint("person_id", "week"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = fk("person.id")
    week: str = Field(max_length=8)
    sent_at: datetime = ts(nullable=False, default=utcnow)
    message_id: str = Field(max_length=255)
    finding_ids: list[int] = json_list()


class CollectionRun(SQLModel, table=True):
    """One collection round on one platform, with what it cost and what it found."""

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16, index=True)
    started_at: datetime = ts(nullable=False, default=utcnow)
    finished_at: datetime | None = ts()
    status: str = Field(default="running", max_length=16)
    accounts: int = 0
    api_calls: int = 0
    new_posts: int = 0
    updated_posts: int = 0
    deleted_posts: int = 0
    rate_limited: int = 0
    # Posts the platform returned (X bills reads per post) and the latest rate-limit
    # headers per endpoint: the round's API budget as the platform counts it.
    posts_read: int = 0
    rate_limits: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    errors: list[dict[str, Any]] = json_list()


class JobRun(SQLModel, table=True):
    """One run of a scheduled (or CLI-started) job: when, how it ended, what it did."""

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=64, index=True)
    started_at: datetime = ts(nullable=False, default=utcnow, index=True)
    finished_at: datetime | None = ts()
    status: str = Field(default="running", max_length=16)
    host: str | None = Field(default=None, max_length=255)
    summary: str | None = None
    error: str | None = None


class PostOutcome(SQLModel, table=True):
    """What became of a post that changed after publication (clause 9), one row per post.

    Recomputed by every `check` from the posts themselves, so any number of runs after any
    number of collection rounds converges on the same rows.
    """

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(
        sa_column=Column(
            sa.Integer, sa.ForeignKey("post.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    person_id: int = fk("person.id")
    outcome: str = Field(max_length=32, index=True)
    correction_post_id: int | None = fk("post.id", nullable=True, index=False)
    event_at: datetime = ts(nullable=False, index=True)
    week: str = Field(max_length=8, index=True)
    seconds_to_delete: int | None = None
    seconds_to_correct: int | None = None
    decided_at: datetime = ts(nullable=False, default=utcnow)


class OutcomeSettings(SQLModel, table=True):
    """The settings the stored outcomes were decided with (one row).

    Outcomes are decided incrementally; when the correction window, the watch window or the
    organisation's time zone changes, every outcome in the watch window is decided again.
    """

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)
    decided_at: datetime = ts(nullable=False, default=utcnow)


class User(SQLModel, table=True):
    """Someone who signs in to the web app; a `person` user is linked to their Person."""

    __tablename__ = "webuser"  # "user" is a reserved word in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True, index=True)
    role: str = Field(max_length=16)
    person_id: int | None = fk("person.id", nullable=True)
    password_hash: str | None = None  # None: signs in only through the trusted proxy
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = ts()
    created_at: datetime = ts(nullable=False, default=utcnow)


class WebSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random token; only its hash is stored."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = fk("webuser.id")
    csrf_token: str = Field(max_length=64)
    created_at: datetime = ts(nullable=False, default=utcnow)
    expires_at: datetime = ts(nullable=False, index=True)


class FindingNote(SQLModel, table=True):
    """A note on a finding: a person's "I disagree", or a reviewer's comment."""

    id: int | None = Field(default=None, primary_key=True)
    finding_id: int = fk("finding.id")
    kind: str = Field(default="disagree", max_length=16)
    author: str = Field(max_length=200)
    text: str
    at: datetime = ts(nullable=False, default=utcnow)


class ReviewDecision(SQLModel, table=True):
    """One review decision as it was taken, with what it replaced: the finding's review
    history, and what "Undo" restores (a false positive also decides the other findings
    on the same rule and subject, so `previous` holds each finding it changed)."""

    id: int | None = Field(default=None, primary_key=True)
    finding_id: int = fk("finding.id")
    at: datetime = ts(nullable=False, default=utcnow)
    actor: str = Field(max_length=200)
    status: str = Field(max_length=16)
    note: str | None = None
    # [{"id", "status", "by", "note", "at"}] of every finding before this decision changed it
    previous: list[dict[str, Any]] = json_list()
    undone_at: datetime | None = ts()
    undone_by: str | None = Field(default=None, max_length=200)


class MissedPost(SQLModel, table=True):
    """A reviewer's word that a collected post breaks a rule the checks did not raise: the
    recall the organisation measures on its own staff's posts (`socialaudit eval export`)."""

    __table_args__ = (sa.UniqueConstraint("post_id", "rule_code"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = fk("post.id")
    rule_code: str = Field(max_length=8)
    marked_by: str = Field(max_length=200)
    note: str | None = None
    at: datetime = ts(nullable=False, default=utcnow, index=True)


class PostSearch(SQLModel, table=True):
    """A post's text folded for searching (case, accents and compatibility forms removed,
    `socialaudit.search.fold`): the same LIKE then finds "garcia" in "García" on SQLite and
    PostgreSQL alike, without an extension. Written when the post is checked."""

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(
        sa_column=Column(
            sa.Integer, sa.ForeignKey("post.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    text_key: str = ""


class AuditLog(SQLModel, table=True):
    """Who did what, when: every action taken in the web app (visible to admins)."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = ts(nullable=False, default=utcnow, index=True)
    actor: str = Field(max_length=200)
    action: str = Field(max_length=64)
    target: str | None = Field(default=None, max_length=255)
    detail: str | None = None


class LoginFailure(SQLModel, table=True):
    """A failed sign-in from one client address: the throttle every `serve` worker shares.

    Holds no user name (accounts lock on their own `failed_logins`); rows older than the
    throttle's window are deleted as new ones come.
    """

    __table_args__ = (sa.Index("ix_loginfailure_client_at", "client", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    client: str = Field(max_length=64)
    at: datetime = ts(nullable=False, default=utcnow, index=True)


class WeekAggregate(SQLModel, table=True):
    """The findings of one week counted per person, rule and severity, so the dashboard's
    52 weeks are a read of a few thousand rows, not of every finding.

    Kept by `socialaudit.aggregates.sync` (after every `check`, after a review decision, and
    before the dashboard reads it): only the (week, person) pairs whose findings changed are
    counted again. Erased with the person (`forget` follows the foreign key).
    """

    __tablename__ = "week_aggregate"
    __table_args__ = (sa.UniqueConstraint("week", "person_id", "rule_code", "severity"),)

    id: int | None = Field(default=None, primary_key=True)
    week: str = Field(max_length=8, index=True)
    person_id: int = fk("person.id")
    rule_code: str = Field(max_length=8)
    severity: str = Field(max_length=8)
    findings: int = 0  # counted: every finding but the false positives
    outstanding: int = 0  # open or acknowledged: no review has settled them
    unreviewed: int = 0  # open
    total: int = 0  # every finding, false positives included (a deletion shows in the sum)


class WeekAggregateState(SQLModel, table=True):
    """How far `week_aggregate` has counted: one row (id 1)."""

    __tablename__ = "week_aggregate_state"

    id: int | None = Field(default=None, primary_key=True)
    last_finding_id: int = 0  # findings above this id are not counted yet
    last_reviewed_at: datetime | None = ts()  # decisions after this are not counted yet
    findings: int = 0  # findings in the store when last counted
