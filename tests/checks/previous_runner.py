"""The check runner as it was before `check` read the store in batches (one post at a time:
its referenced posts, its thread and each finding looked up one by one), kept verbatim as
the reference that `test_check_batches.py` compares the batched runner against."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine as SqlEngine
from sqlmodel import Session, col, or_, select

from checks.engine import Engine, PostItem, ProfileItem, Result, ThreadInfo
from checks.respect import hostile_parent
from socialaudit.config import Settings
from socialaudit.db import session_scope
from socialaudit.findings import Written, fingerprint, write_finding
from socialaudit.models import (
    Account,
    Finding,
    Person,
    Post,
    ProfileSnapshot,
    ReferencedPost,
)
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


def run_checks(db: SqlEngine, settings: Settings, *, engine: Engine | None = None) -> CheckSummary:
    """Check every unchecked profile snapshot and post; return what was done."""
    engine = engine or Engine.from_settings(settings)
    summary = CheckSummary()
    tz = settings.organisation.timezone
    while True:
        with session_scope(db) as session:
            done = _profiles(session, engine, summary, tz)
        if done < BATCH:
            break
    while True:
        with session_scope(db) as session:
            done = _posts(session, engine, summary, tz)
        if done < BATCH:
            break
    log.info(summary.describe())
    return summary


def _profiles(session: Session, engine: Engine, summary: CheckSummary, tz: str) -> int:
    rows = session.exec(
        select(ProfileSnapshot, Account, Person)
        .join(Account, col(Account.id) == ProfileSnapshot.account_id)
        .join(Person, col(Person.id) == Account.person_id)
        .where(col(ProfileSnapshot.checked_at).is_(None))
        .order_by(col(ProfileSnapshot.seen_at), col(ProfileSnapshot.id))
        .limit(BATCH)
    ).all()
    now = datetime.now(UTC)
    for snapshot, account, person in rows:
        previous = session.exec(
            select(ProfileSnapshot.bio)
            .where(
                ProfileSnapshot.account_id == account.id,
                or_(
                    col(ProfileSnapshot.seen_at) < snapshot.seen_at,
                    (col(ProfileSnapshot.seen_at) == snapshot.seen_at)
                    & (col(ProfileSnapshot.id) < snapshot.id),
                ),
            )
            .order_by(col(ProfileSnapshot.seen_at).desc(), col(ProfileSnapshot.id).desc())
            .limit(1)
        ).first()
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
        results = engine.check(item)
        week = str(Week.of(snapshot.seen_at, tz))
        for result in results:
            _store(
                session,
                summary,
                result,
                subject=f"profile:{account.id}",
                person_id=person.id,
                account_id=account.id,
                snapshot_id=snapshot.id,
                week=week,
                fp_filter=(Finding.account_id == account.id) & (Finding.subject_type == "profile"),
            )
        snapshot.checked_at = now
        session.add(snapshot)
        summary.profiles += 1
    return len(rows)


def _parent(session: Session, platform: str, platform_id: str | None) -> dict[str, Any] | None:
    """The message a post replies to or shares: someone else's, or a registered person's."""
    if not platform_id:
        return None
    ref = session.exec(
        select(ReferencedPost).where(
            ReferencedPost.platform == platform, ReferencedPost.platform_id == platform_id
        )
    ).first()
    if ref is not None:
        return {
            "author": ref.author_handle or ref.author_id,
            "text": ref.text,
            "created_at": ref.created_at,
        }
    row = session.exec(
        select(Post, Account)
        .join(Account, col(Account.id) == Post.account_id)
        .where(Post.platform == platform, Post.platform_id == platform_id)
    ).first()
    if row is None:
        return None
    post, account = row
    return {"author": account.handle, "text": post.text, "created_at": post.created_at}


def _thread(session: Session, engine: Engine, post: Post, other: str | None) -> ThreadInfo | None:
    """Replies by the same account to the same account in this conversation, in the window."""
    params = engine.params("RSP503")
    conversation = post.conversation_id or post.reply_root_id
    if params is None or not conversation or not post.reply_to_account_id:
        return None
    since = post.created_at - timedelta(hours=float(params["hours"]))
    replies = session.exec(
        select(Post)
        .where(
            Post.account_id == post.account_id,
            Post.platform == post.platform,
            Post.reply_to_account_id == post.reply_to_account_id,
            or_(Post.conversation_id == conversation, Post.reply_root_id == conversation),
            col(Post.created_at) >= since,
            col(Post.created_at) <= post.created_at,
        )
        .order_by(col(Post.created_at), col(Post.id))
    ).all()
    items = []
    for reply in replies:
        parent = _parent(session, reply.platform, reply.reply_to_id)
        items.append(
            PostItem(str(reply.id), text=reply.text, reply_to_text=(parent or {}).get("text"))
        )
    engine.prepare(items)
    hostile = None
    for candidate in items:
        hostile = hostile_parent(candidate, float(params["threshold"]))
        if hostile is not None:
            hostile = {**hostile, "post": candidate.id}  # whose reply_to_text the span is in
            break
    return ThreadInfo(other or post.reply_to_account_id, len(replies), hostile)


def _posts(session: Session, engine: Engine, summary: CheckSummary, tz: str) -> int:
    rows = session.exec(
        select(Post, Account, Person)
        .join(Account, col(Account.id) == Post.account_id)
        .join(Person, col(Person.id) == Account.person_id)
        .where(col(Post.checked_at).is_(None))
        .order_by(col(Post.created_at), col(Post.id))
        .limit(BATCH)
    ).all()
    items: list[PostItem] = []
    for post, account, person in rows:
        parent = _parent(session, post.platform, post.reply_to_id) or {}
        reposted = _parent(session, post.platform, post.repost_of_id) or {}
        quoted = _parent(session, post.platform, post.quote_of_id) or {}
        other = parent.get("author") or post.reply_to_account_id
        item = PostItem(
            str(post.id),
            text=post.text,
            platform=post.platform,
            author=account.handle,
            created_at=post.created_at,
            lang=post.lang,
            role=person.role,
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
    now = datetime.now(UTC)
    for (post, account, person), item in zip(rows, items, strict=True):
        item.thread = _thread(session, engine, post, item.reply_to_author)
        week = str(Week.of(post.created_at, tz))
        for result in engine.check(item):
            if result.subject == "thread":
                subject = f"thread:{account.id}:{item.conversation}:{post.reply_to_account_id}"
                same_thread = select(Post.id).where(
                    Post.account_id == account.id,
                    or_(
                        Post.conversation_id == item.conversation,
                        Post.reply_root_id == item.conversation,
                    ),
                )
                fp_filter = col(Finding.post_id).in_(same_thread)
            else:
                subject = f"post:{post.platform}:{post.platform_id}"
                fp_filter = Finding.post_id == post.id
            _store(
                session,
                summary,
                result,
                subject=subject,
                person_id=person.id,
                account_id=account.id,
                post_id=post.id,
                week=week,
                fp_filter=fp_filter,
            )
        post.checked_at = now
        session.add(post)
        summary.posts += 1
    return len(rows)


def _store(
    session: Session,
    summary: CheckSummary,
    result: Result,
    *,
    subject: str,
    person_id: int | None,
    account_id: int | None,
    week: str,
    fp_filter: Any,
    post_id: int | None = None,
    snapshot_id: int | None = None,
) -> None:
    written = write_finding(
        session,
        Finding(
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
        ),
        fp_filter,
    )
    if written == Written.KNOWN:
        summary.already_known += 1
        return
    if written == Written.SUPPRESSED:
        summary.suppressed += 1
        return
    summary.new_findings += 1
    summary.by_rule[result.rule] += 1
