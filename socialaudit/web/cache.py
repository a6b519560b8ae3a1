"""Pages built once per change of the data they show, not once per request.

The dashboard reads every finding of its weeks (a second or more on a large store) and the
review queue a page of findings plus the collection state; between two changes of the data
every request would rebuild the same thing. Each cached value is kept with the part of the
data version its page depends on, and is used only while that part read for the request is
the same.

The version is one cheap query (index look-ups and counts over small tables) whose answer
changes with every write the pages can show: a new or reviewed finding (max id, max
`reviewed_at`, an index each), the set of false positives (their count and the sum of their
ids, from the queue's index), a collection round started or finished, a job started or
finished, a new profile snapshot or post outcome, people and accounts added, removed or
changing status, and any audited action (sign-ins, admin changes: max audit log id, and the
same without review decisions). The queue depends on all of it; the dashboard not on review
decisions other than to or from false positive, which change none of its figures, so
reviewers working the queue do not make every manager's dashboard rebuild (`SCOPES`).

Under load the version itself is read at most once a second (`version_ttl`), so a change
made elsewhere shows within a second; the web app's own writes drop the pages they change at
once and have the version read again, except that a review decision drops only its
reviewer's queue pages (other reviewers see it within the second, as they would from another
worker), so the queue is not rebuilt for everyone once per decision. An edit the version
cannot see (a person's team renamed from the CLI, the retention purge) shows once the entry
is `max_age` seconds old, so the cache is never wrong for longer than that.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from socialaudit.models import (
    Account,
    AuditLog,
    CollectionRun,
    Finding,
    JobRun,
    Person,
    PostOutcome,
    ProfileSnapshot,
    ReviewStatus,
)


def _scalar(expr: Any, *where: Any) -> Any:
    return sa.select(expr).where(*where).scalar_subquery()


_FALSE_POSITIVE = Finding.review_status == ReviewStatus.FALSE_POSITIVE
# What each part of the version stands for, in the order of the queries' columns.
FAST_PARTS = (
    "findings",  # max finding id: a check run wrote findings
    "reviews",  # max reviewed_at: any review decision
    "people",
    "people_max",
    "accounts",
    "accounts_max",
    "account_status",
    "runs",
    "runs_open",
    "jobs",
    "jobs_open",
    "snapshots",
    "outcomes",
    "audit",  # max audit log id: every action in the app, review decisions included
    "audit_admin",  # the same without review decisions and notes: admin changes, sign-ins
)
FAST_COLUMNS = (
    _scalar(sa.func.max(Finding.id)),
    _scalar(sa.func.max(Finding.reviewed_at)),
    _scalar(sa.func.count(Person.id)),
    _scalar(sa.func.max(Person.id)),
    _scalar(sa.func.count(Account.id)),
    _scalar(sa.func.max(Account.id)),
    _scalar(sa.func.max(Account.status_changed_at)),
    _scalar(sa.func.max(CollectionRun.id)),
    _scalar(sa.func.count(CollectionRun.id), col(CollectionRun.finished_at).is_(None)),
    _scalar(sa.func.max(JobRun.id)),
    _scalar(sa.func.count(JobRun.id), col(JobRun.finished_at).is_(None)),
    _scalar(sa.func.max(ProfileSnapshot.id)),
    _scalar(sa.func.max(PostOutcome.id)),
    _scalar(sa.func.max(AuditLog.id)),
    _scalar(
        sa.func.max(AuditLog.id),
        col(AuditLog.action).not_like("review:%"),
        AuditLog.action != "disagree",
    ),
)
# The set of false positives, which the dashboard leaves out of its counts: their count and
# the sum of their ids. Counting them walks every false positive's index entry (20 ms on the
# bench store against 1.5 ms for all the rest), so these are read at most once per
# `version_ttl` even after this process's own writes, unless those moved them.
SLOW_PARTS = ("false_positives", "false_positive_ids")
SLOW_COLUMNS = (
    _scalar(sa.func.count(Finding.id), _FALSE_POSITIVE),
    _scalar(sa.func.sum(Finding.id), _FALSE_POSITIVE),
)
PARTS = FAST_PARTS + SLOW_PARTS
_QUERIES = {
    (True, False): (FAST_PARTS, sa.select(*FAST_COLUMNS)),
    (False, True): (SLOW_PARTS, sa.select(*SLOW_COLUMNS)),
    (True, True): (PARTS, sa.select(*FAST_COLUMNS, *SLOW_COLUMNS)),
}
VERSION_QUERY = _QUERIES[True, True][1]

# The parts each cached page depends on. The dashboard counts every finding but the false
# positives, per week, team and rule family, with profiles and outcomes: a decision other
# than to or from false positive (acknowledged, resolved, open) changes none of its figures,
# nor does a note. The queue shows decisions (any of which moves `reviews`), so it depends
# on every fast part.
SCOPES: dict[str, tuple[str, ...]] = {
    "dashboard": tuple(p for p in PARTS if p not in ("reviews", "audit")),
    "review": FAST_PARTS,
}
# Scopes whose keys are (scope, user name, ...): each user's own page.
PER_USER = frozenset({"review"})


def data_version(session: Session, fast: bool = True, slow: bool = True) -> dict[str, Any]:
    """What the cached pages depend on, in one round trip; equal means nothing they show moved."""
    parts, query = _QUERIES[fast, slow]
    return dict(zip(parts, session.connection().execute(query).one(), strict=True))


@dataclass
class _Entry:
    version: tuple[Any, ...]
    value: Any
    built_at: float


class PageCache:
    """Values keyed by what was asked, valid for one data version and at most `max_age` s.

    One build per key at a time: concurrent requests for the same stale key wait for the
    first one's build instead of all rebuilding (the dashboard costs seconds of CPU).
    """

    def __init__(self, max_age: float = 60.0, size: int = 256, version_ttl: float = 1.0) -> None:
        self.max_age = max_age
        self.size = size
        self.version_ttl = version_ttl
        self.builds = 0  # how many values were built (tests and the bench read it)
        self.version_reads = 0  # how many times the data version was queried
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[Hashable, threading.Lock] = {}
        self._fast: dict[str, Any] = {}
        self._fast_at = -float("inf")
        self._slow: dict[str, Any] = {}
        self._slow_at = -float("inf")
        self._changed_at: dict[tuple[str, Hashable], float] = {}

    def version(self, session: Session, scope: str = "review") -> tuple[Any, ...]:
        """The parts of the data version that `scope`'s pages depend on, each read at most
        once per `version_ttl` seconds by this process.

        Under load the version query would run for every request; a change made by another
        process (the CLI, the scheduler, another web worker) is seen within `version_ttl`
        seconds instead of at once, and this process's own writes have it read again.
        """
        parts = SCOPES[scope]
        now = time.monotonic()
        with self._lock:
            fast = self._fast if now - self._fast_at < self.version_ttl else None
            slow = self._slow if now - self._slow_at < self.version_ttl else None
        read_slow = slow is None and any(part in SLOW_PARTS for part in parts)
        if fast is None or read_slow:
            read = data_version(session, fast=fast is None, slow=read_slow)
            now = time.monotonic()
            with self._lock:
                self.version_reads += 1
                if fast is None:
                    fast = {part: read[part] for part in FAST_PARTS}
                    self._fast, self._fast_at = fast, now
                if read_slow:
                    slow = {part: read[part] for part in SLOW_PARTS}
                    self._slow, self._slow_at = slow, now
        known = {**fast, **(slow or {})}
        return tuple(known[part] for part in parts)

    def _fresh(self, key: Hashable, version: tuple[Any, ...]) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.version != version or time.monotonic() - entry.built_at > self.max_age:
                return None
            changed = max(
                self._changed_at.get((_scope_of(key), None), -float("inf")),
                self._changed_at.get((_scope_of(key), _owner_of(key)), -float("inf")),
            )
            if entry.built_at < changed:
                return None
            self._entries.move_to_end(key)
            return entry

    def get(self, key: Hashable, version: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        """The value for `key` built at `version` (read before building, so that a change
        during the build makes the next request build again)."""
        entry = self._fresh(key, version)
        if entry is not None:
            return entry.value
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:
            entry = self._fresh(key, version)  # built meanwhile by another request
            if entry is not None:
                return entry.value
            started = time.monotonic()
            value = build()
            with self._lock:
                self.builds += 1
                self._entries[key] = _Entry(version, value, started)
                self._entries.move_to_end(key)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
                self._building.pop(key, None)
            return value

    def clear(self) -> None:
        """Forget everything (after this process's own writes that may change any page)."""
        with self._lock:
            self._entries.clear()
            self._fast_at = self._slow_at = -float("inf")

    def changed(self, *scopes: str, by: Hashable | None = None) -> None:
        """After this process's own write that changes `scopes`' pages: those are dropped and
        the version is read again, so the other pages are rebuilt only if their part of it
        moved (a review decision keeps the dashboard unless it was to or from false positive).

        With `by` (the user who wrote), only that user's pages of those scopes (keys whose
        second item is `by`) are dropped at once, so they see their write on their next page;
        everyone else's follow when the version is next read, within `version_ttl`, as for a
        change made by another process. With five reviewers deciding twenty times a second,
        the queue is then rebuilt once a second per user instead of once per decision. Pages
        not kept per user (the dashboard) are dropped whatever `by`.
        """
        now = time.monotonic()
        with self._lock:
            for key in [key for key in self._entries if _scope_of(key) in scopes]:
                if by is None or _owner_of(key) in (by, None):
                    del self._entries[key]
            for scope in scopes:
                # A build already running read the data before this write.
                self._changed_at[scope, by if scope in PER_USER else None] = now
            if by is None:
                self._fast_at = -float("inf")
            if any(part in SLOW_PARTS for scope in scopes for part in SCOPES[scope]):
                self._slow_at = -float("inf")


def _owner_of(key: Hashable) -> Hashable:
    """Per-user pages have the user as the key's second item; shared pages do not."""
    return key[1] if isinstance(key, tuple) and _scope_of(key) in PER_USER else None


def _scope_of(key: Hashable) -> Hashable:
    """Keys are tuples whose first item names their page's scope (see SCOPES)."""
    return key[0] if isinstance(key, tuple) and key else None
