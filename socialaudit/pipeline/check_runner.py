"""`socialaudit check` (and the scheduler): the rules over everything not yet checked.

`run_checks(engine, settings)` reads posts and profile snapshots whose `checked_at` is empty,
builds each rule's context from the store (the person's role, the previous snapshot, the
message replied to, the conversation), writes `Finding` rows and stamps `checked_at`, one
batch per transaction.

A batch costs a fixed handful of statements whatever its size or the store's: the next
`BATCH` unchecked rows by keyset (`(created_at, id)` after the last one seen, served by a
partial index on the unchecked rows), then for the whole batch at once the messages replied
to, quoted or shared, the conversations' replies, the previous profile snapshots, the
fingerprints already stored and the rules dismissed on its subjects; the new findings are
inserted together and `checked_at` is stamped with one UPDATE.

It is idempotent: a finding's fingerprint is a hash of its rule, its subject and its evidence,
so checking again (after a crash, or after an edit that cleared `checked_at`) adds nothing
already there; and a (subject, rule) reviewed as false-positive is never raised again.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import and_, insert, update
from sqlalchemy.engine import Engine as SqlEngine
from sqlmodel import Session, col, or_, select

from checks.engine import Engine, PostItem, ProfileItem, Result, ThreadInfo
from socialaudit.config import Settings
from socialaudit.db import session_scope
from socialaudit.findings import fingerprint
from socialaudit.models import (
    Account,
    Finding,
    Person,
    Post,
    ProfileSnapshot,
    ReferencedPost,
    ReviewStatus,
)
from socialaudit.search import index_posts
from socialaudit.weeks import Week

log = logging.getLogger(__name__)

BATCH = 500


@dataclass
class CheckSummary:
    posts: int = 0
    profiles: int = 0
    new_findings: int = 0
    already_known: int = 0
    suppressed: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        rules = ", ".join(f"{code} {n}" for code, n in sorted(self.by_rule.items()))
        text = (
            f"checked {self.posts} post(s) and {self.profiles} profile snapshot(s): "
            f"{self.new_findings} new finding(s)"
        )
        if rules:
            text += f" ({rules})"
        if self.already_known or self.suppressed:
            text += (
                f"; {self.already_known} already recorded, {self.suppressed} not raised again "
                "(reviewed as false positives)"
            )
        return text


Cursor = tuple[datetime, int] | None


def run_checks(db: SqlEngine, settings: Settings, *, engine: Engine | None = None) -> CheckSummary:
    """Check every unchecked profile snapshot and post; return what was done."""
    engine = engine or Engine.from_settings(settings)
    summary = CheckSummary()
    tz = settings.organisation.timezone
    cursor: Cursor = None
    while True:
        with session_scope(db) as session:
            done, cursor = _profiles(session, engine, summary, tz, cursor)
        if done < BATCH:
            break
    cursor = None
    while True:
        with session_scope(db) as session:
            done, cursor = _posts(session, engine, summary, tz, cursor)
        if done < BATCH:
            break
    log.info(summary.describe())
    return summary


def _after(at: Any, ident: Any, cursor: Cursor) -> Any:
    """Keyset paging: rows after the last one of the previous batch in (time, id) order."""
    if cursor is None:
        return sa.true()
    last_at, last_id = cursor
    return or_(at > last_at, and_(at == last_at, ident > last_id))


def _chunks(values: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    values = list(values)
    for offset in range(0, len(values), size):
        yield values[offset : offset + size]


@dataclass
class _Pending:
    """A finding a rule raised in this batch, and how to tell whether it was dismissed."""

    finding: Finding
    dismissed_key: tuple[Any, ...]


def _profiles(
    session: Session, engine: Engine, summary: CheckSummary, tz: str, cursor: Cursor
) -> tuple[int, Cursor]:
    rows = session.exec(
        select(ProfileSnapshot, Account, Person)
        .join(Account, col(Account.id) == ProfileSnapshot.account_id)
        .join(Person, col(Person.id) == Account.person_id)
        .where(col(ProfileSnapshot.checked_at).is_(None))
        .where(_after(col(ProfileSnapshot.seen_at), col(ProfileSnapshot.id), cursor))
        .order_by(col(ProfileSnapshot.seen_at), col(ProfileSnapshot.id))
        .limit(BATCH)
    ).all()
    if not rows:
        return 0, cursor
    # Every earlier snapshot of the batch's accounts, to find each one's previous bio.
    history: dict[int, list[tuple[datetime, int, str | None]]] = defaultdict(list)
    latest = max(snapshot.seen_at for snapshot, _, _ in rows)
    for account_ids in _chunks({account.id for _, account, _ in rows}):
        for snap_id, account_id, seen_at, bio in session.exec(
            select(
                ProfileSnapshot.id,
                ProfileSnapshot.account_id,
                ProfileSnapshot.seen_at,
                ProfileSnapshot.bio,
            ).where(
                col(ProfileSnapshot.account_id).in_(account_ids),
                col(ProfileSnapshot.seen_at) <= latest,
            )
        ).all():
            history[account_id].append((seen_at, snap_id, bio))
    pending: list[_Pending] = []
    for snapshot, account, person in rows:
        earlier = [
            entry
            for entry in history[account.id]
            if (entry[0], entry[1]) < (snapshot.seen_at, snapshot.id)
        ]
        previous = max(earlier, key=lambda entry: (entry[0], entry[1]))[2] if earlier else None
        item = ProfileItem(
            str(snapshot.id),
            platform=account.platform,
            handle=snapshot.handle,
            display_name=snapshot.display_name or "",
            bio=snapshot.bio or "",
            url=snapshot.url or "",
            role=person.role,
            previous_bio=previous,
        )
        week = str(Week.of(snapshot.seen_at, tz))
        for result in engine.check(item):
            finding = _finding(
                result,
                subject=f"profile:{account.id}",
                person_id=person.id,
                account_id=account.id,
                snapshot_id=snapshot.id,
                week=week,
            )
            pending.append(_Pending(finding, ("profile", result.rule, account.id)))
    dismissed: set[tuple[Any, ...]] = set()
    for account_ids in _chunks({account.id for _, account, _ in rows}):
        for rule, account_id in session.exec(
            select(Finding.rule_code, Finding.account_id).where(
                Finding.review_status == ReviewStatus.FALSE_POSITIVE,
                Finding.subject_type == "profile",
                col(Finding.account_id).in_(account_ids),
            )
        ).all():
            dismissed.add(("profile", rule, account_id))
    _store(session, summary, pending, dismissed)
    ids = [snapshot.id for snapshot, _, _ in rows]
    session.execute(
        update(ProfileSnapshot)
        .where(col(ProfileSnapshot.id).in_(ids))
        .values(checked_at=datetime.now(UTC)),
        execution_options={"synchronize_session": False},
    )
    summary.profiles += len(rows)
    last = rows[-1][0]
    return len(rows), (last.seen_at, last.id or 0)


def _parents(session: Session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The messages replied to or shared, by (platform, platform id): someone else's, as
    kept in `referenced_post`, else a registered person's post."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    by_platform: dict[str, set[str]] = defaultdict(set)
    for platform, platform_id in keys:
        by_platform[platform].add(platform_id)
    for platform, wanted in sorted(by_platform.items()):
        for chunk in _chunks(sorted(wanted)):
            for ref in session.exec(
                select(ReferencedPost).where(
                    ReferencedPost.platform == platform,
                    col(ReferencedPost.platform_id).in_(chunk),
                )
            ).all():
                found[(platform, ref.platform_id)] = {
                    "author": ref.author_handle or ref.author_id,
                    "text": ref.text,
                    "created_at": ref.created_at,
                }
            missing = [pid for pid in chunk if (platform, pid) not in found]
            if not missing:
                continue
            for platform_id, text, created_at, handle in session.exec(
                select(Post.platform_id, Post.text, Post.created_at, Account.handle)
                .join(Account, col(Account.id) == Post.account_id)
                .where(Post.platform == platform, col(Post.platform_id).in_(missing))
            ).all():
                found[(platform, platform_id)] = {
                    "author": handle,
                    "text": text,
                    "created_at": created_at,
                }
    return found


def _conversation(post: Post) -> str | None:
    return post.conversation_id or post.reply_root_id


def _thread_replies(session: Session, engine: Engine, posts: list[Post]) -> dict[int, list[Post]]:
    """For each reply of the batch in a conversation: the replies by the same account to the
    same account in that conversation within RSP503's window, read in one query."""
    params = engine.params("RSP503")
    wanted = [p for p in posts if params is not None and _conversation(p) and p.reply_to_account_id]
    if params is None or not wanted:
        return {}
    window = timedelta(hours=float(params["hours"]))
    conversations = {_conversation(p) for p in wanted}
    candidates = session.exec(
        select(Post).where(
            col(Post.account_id).in_({p.account_id for p in wanted}),
            col(Post.reply_to_account_id).in_({p.reply_to_account_id for p in wanted}),
            or_(
                col(Post.conversation_id).in_(conversations),
                col(Post.reply_root_id).in_(conversations),
            ),
            col(Post.created_at) >= min(p.created_at for p in wanted) - window,
            col(Post.created_at) <= max(p.created_at for p in wanted),
        )
    ).all()
    grouped: dict[tuple[int, str, str], list[Post]] = defaultdict(list)
    for reply in candidates:
        grouped[(reply.account_id, reply.platform, reply.reply_to_account_id or "")].append(reply)
    threads: dict[int, list[Post]] = {}
    for post in wanted:
        conversation = _conversation(post)
        since = post.created_at - window
        replies = [
            reply
            for reply in grouped[(post.account_id, post.platform, post.reply_to_account_id or "")]
            if conversation in (reply.conversation_id, reply.reply_root_id)
            and since <= reply.created_at <= post.created_at
        ]
        replies.sort(key=lambda reply: (reply.created_at, reply.id or 0))
        threads[post.id or 0] = replies
    return threads


def _thread(
    engine: Engine,
    post: Post,
    other: str | None,
    replies: list[Post] | None,
    parents: dict[tuple[str, str], dict[str, Any]],
) -> ThreadInfo | None:
    """Replies by the same account to the same account in this conversation, in the window."""
    params = engine.params("RSP503")
    if params is None or replies is None or not post.reply_to_account_id:
        return None
    items = []
    for reply in replies:
        parent = parents.get((reply.platform, reply.reply_to_id or ""))
        items.append(
            PostItem(str(reply.id), text=reply.text, reply_to_text=(parent or {}).get("text"))
        )
    engine.prepare(items)
    # Here, not at the top: the rule modules compile the policy pack's vocabulary when first
    # imported, and the settings (Engine.from_settings) choose the pack before that.
    from checks.respect import hostile_parent

    hostile = None
    for candidate in items:
        hostile = hostile_parent(candidate, float(params["threshold"]))
        if hostile is not None:
            hostile = {**hostile, "post": candidate.id}  # whose reply_to_text the span is in
            break
    return ThreadInfo(other or post.reply_to_account_id, len(replies), hostile)


def _posts(
    session: Session, engine: Engine, summary: CheckSummary, tz: str, cursor: Cursor
) -> tuple[int, Cursor]:
    rows = session.exec(
        select(Post, Account, Person)
        .join(Account, col(Account.id) == Post.account_id)
        .join(Person, col(Person.id) == Account.person_id)
        .where(col(Post.checked_at).is_(None))
        .where(_after(col(Post.created_at), col(Post.id), cursor))
        .order_by(col(Post.created_at), col(Post.id))
        .limit(BATCH)
    ).all()
    if not rows:
        return 0, cursor
    posts = [post for post, _, _ in rows]
    threads = _thread_replies(session, engine, posts)
    keys: set[tuple[str, str]] = set()
    for post in posts:
        for ref in (post.reply_to_id, post.repost_of_id, post.quote_of_id):
            if ref:
                keys.add((post.platform, ref))
    for replies in threads.values():
        keys.update((reply.platform, reply.reply_to_id) for reply in replies if reply.reply_to_id)
    parents = _parents(session, keys)

    def parent_of(platform: str, platform_id: str | None) -> dict[str, Any]:
        return parents.get((platform, platform_id), {}) if platform_id else {}

    items: list[PostItem] = []
    for post, account, person in rows:
        parent = parent_of(post.platform, post.reply_to_id)
        reposted = parent_of(post.platform, post.repost_of_id)
        quoted = parent_of(post.platform, post.quote_of_id)
        other = parent.get("author") or post.reply_to_account_id
        item = PostItem(
            str(post.id),
            text=post.text,
            platform=post.platform,
            author=account.handle,
            created_at=post.created_at,
            lang=post.lang,
            role=person.role,
            country=person.country,
            reply_to_author=other,
            reply_to_text=parent.get("text"),
            reply_to_created_at=parent.get("created_at"),
            links=post.links or [],
            media=[m for m in (post.media or []) if isinstance(m, dict)],
            reposted_from=reposted.get("author") or post.repost_of_account_id,
            quoted_from=quoted.get("author"),
            conversation=post.conversation_id or post.reply_root_id,
        )
        items.append(item)
    engine.prepare(items)
    pending: list[_Pending] = []
    thread_subjects: set[tuple[int, str]] = set()
    for (post, account, person), item in zip(rows, items, strict=True):
        item.thread = _thread(
            engine, post, item.reply_to_author, threads.get(post.id or 0), parents
        )
        week = str(Week.of(post.created_at, tz))
        for result in engine.check(item):
            if result.subject == "thread":
                subject = f"thread:{account.id}:{item.conversation}:{post.reply_to_account_id}"
                key: tuple[Any, ...] = ("thread", result.rule, account.id, item.conversation)
                thread_subjects.add((account.id or 0, item.conversation or ""))
            else:
                subject = f"post:{post.platform}:{post.platform_id}"
                key = ("post", result.rule, post.id)
            finding = _finding(
                result,
                subject=subject,
                person_id=person.id,
                account_id=account.id,
                post_id=post.id,
                week=week,
            )
            pending.append(_Pending(finding, key))
    _store(session, summary, pending, _dismissed(session, posts, thread_subjects))
    for ids in _chunks([post.id for post in posts]):
        session.execute(
            update(Post).where(col(Post.id).in_(ids)).values(checked_at=datetime.now(UTC)),
            execution_options={"synchronize_session": False},
        )
    # The text as checked is the text the review queue's search finds (edits included).
    index_posts(session, [post.id for post in posts if post.id is not None])
    summary.posts += len(rows)
    last = posts[-1]
    return len(rows), (last.created_at, last.id or 0)


def _dismissed(
    session: Session, posts: list[Post], thread_subjects: set[tuple[int, str]]
) -> set[tuple[Any, ...]]:
    """The (rule, subject) pairs of the batch reviewed as false positives: a post's own
    findings, and for a thread any finding on a post of that account in that conversation."""
    dismissed: set[tuple[Any, ...]] = set()
    for ids in _chunks([post.id for post in posts]):
        for rule, post_id in session.exec(
            select(Finding.rule_code, Finding.post_id).where(
                Finding.review_status == ReviewStatus.FALSE_POSITIVE,
                col(Finding.post_id).in_(ids),
            )
        ).all():
            dismissed.add(("post", rule, post_id))
    if thread_subjects:
        accounts = {account for account, _ in thread_subjects}
        conversations = {conversation for _, conversation in thread_subjects}
        for rule, account_id, conversation_id, root_id in session.exec(
            select(Finding.rule_code, Post.account_id, Post.conversation_id, Post.reply_root_id)
            .join(Post, col(Post.id) == Finding.post_id)
            .where(
                Finding.review_status == ReviewStatus.FALSE_POSITIVE,
                col(Post.account_id).in_(accounts),
                or_(
                    col(Post.conversation_id).in_(conversations),
                    col(Post.reply_root_id).in_(conversations),
                ),
            )
        ).all():
            for conversation in {conversation_id, root_id} - {None}:
                dismissed.add(("thread", rule, account_id, conversation))
    return dismissed


def _finding(
    result: Result,
    *,
    subject: str,
    person_id: int | None,
    account_id: int | None,
    week: str,
    post_id: int | None = None,
    snapshot_id: int | None = None,
) -> Finding:
    return Finding(
        fingerprint=fingerprint(result.rule, subject, result.evidence),
        rule_code=result.rule,
        rule_name=result.name,
        severity=result.severity,
        confidence=result.confidence,
        subject_type=result.subject,
        person_id=person_id,
        account_id=account_id,
        post_id=post_id,
        snapshot_id=snapshot_id,
        message=result.message,
        evidence=result.evidence,
        week=week,
    )


def _store(
    session: Session,
    summary: CheckSummary,
    pending: list[_Pending],
    dismissed: set[tuple[Any, ...]],
) -> None:
    """Insert the batch's findings whose fingerprint is not stored (nor raised earlier in the
    batch) and whose rule was not dismissed on their subject, as `write_finding` would one
    at a time."""
    known: set[str] = set()
    for fps in _chunks({p.finding.fingerprint for p in pending}):
        known.update(
            session.exec(select(Finding.fingerprint).where(col(Finding.fingerprint).in_(fps))).all()
        )
    new: list[Finding] = []
    for entry in pending:
        finding = entry.finding
        if finding.fingerprint in known:
            summary.already_known += 1
        elif entry.dismissed_key in dismissed:
            summary.suppressed += 1
        else:
            known.add(finding.fingerprint)
            new.append(finding)
            summary.new_findings += 1
            summary.by_rule[finding.rule_code] += 1
    if new:  # one executemany: no ids are read back (SQLite would insert row by row)
        session.execute(insert(Finding), [finding.model_dump(exclude={"id"}) for finding in new])
