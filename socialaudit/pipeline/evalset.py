"""The review queue's decisions as a labelled evaluation set (`socialaudit eval export`).

A reviewer's decisions are labels on the organisation's own staff's posts: a finding
acknowledged or resolved is a rule that rightly fired (it must fire), a false positive one
that must not, and a missed post (`review miss`) one that should have fired and did not. Each
reviewed post or profile becomes one line in the `scan` format, as the checks saw it (the
message replied to, what it shares, the author's role), with `expect` (the rules that must
fire) and `judged` (the rules a reviewer decided on: only those are scored on it, since a
reviewer who confirmed NPT201 said nothing about CNF305). `python -m checks.evaluate FILE`
scores the rules on it: precision from the confirmed and dismissed findings, recall from the
confirmed findings and the misses. Decisions on MST801 are left out: it is decided over a
post's history in the store, which no line of the scan format carries.

Context the rules need comes first, as lines judged for no rule: the earlier replies of a
heated exchange (RSP503), the profile before a changed one (TRN103).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from socialaudit.models import (
    Account,
    Finding,
    MissedPost,
    Person,
    Post,
    ProfileSnapshot,
    ReviewStatus,
)
from socialaudit.pipeline.check_runner import _parents

CONFIRMED = (ReviewStatus.ACKNOWLEDGED, ReviewStatus.RESOLVED)
THREAD_HOURS = 24  # RSP503's default window: the earlier replies a heated exchange needs


@dataclass
class Labels:
    confirmed: set[str] = field(default_factory=set)
    dismissed: set[str] = field(default_factory=set)
    missed: set[str] = field(default_factory=set)

    def line(self) -> dict[str, Any]:
        expect = (self.confirmed | self.missed) - self.dismissed
        return {
            "expect": sorted(expect),
            "judged": sorted(self.confirmed | self.dismissed | self.missed),
        }


@dataclass
class ExportSummary:
    posts: int = 0
    profiles: int = 0
    context: int = 0
    confirmed: int = 0
    dismissed: int = 0
    missed: int = 0


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _scanned_rules() -> set[str]:
    """The rules `scan` runs: MST801 is decided over the store's history, not on one item."""
    from checks.engine import load_rule_modules
    from checks.registry import implemented_rules

    load_rule_modules()
    return {rule.code for rule in implemented_rules()}


def _reviewed(
    session: Session, since: datetime | None
) -> tuple[dict[int, Labels], dict[int, Labels], ExportSummary]:
    scanned = _scanned_rules()
    posts: dict[int, Labels] = defaultdict(Labels)
    profiles: dict[int, Labels] = defaultdict(Labels)
    summary = ExportSummary()
    query = select(Finding).where(
        col(Finding.review_status).in_([*CONFIRMED, ReviewStatus.FALSE_POSITIVE])
    )
    if since is not None:
        query = query.where(col(Finding.reviewed_at) >= since)
    for finding in session.exec(query.order_by(col(Finding.id))).all():
        if finding.rule_code not in scanned:
            continue
        if finding.post_id is not None:
            labels = posts[finding.post_id]
        elif finding.snapshot_id is not None:
            labels = profiles[finding.snapshot_id]
        else:
            continue  # its subject was purged: nothing left to check
        if finding.review_status == ReviewStatus.FALSE_POSITIVE:
            labels.dismissed.add(finding.rule_code)
            summary.dismissed += 1
        else:
            labels.confirmed.add(finding.rule_code)
            summary.confirmed += 1
    misses = select(MissedPost)
    if since is not None:
        misses = misses.where(col(MissedPost.at) >= since)
    for miss in session.exec(misses.order_by(col(MissedPost.id))).all():
        posts[miss.post_id].missed.add(miss.rule_code)
        summary.missed += 1
    return posts, profiles, summary


def _post_line(
    post: Post, account: Account, person: Person, parents: dict[tuple[str, str], dict[str, Any]]
) -> dict[str, Any]:
    """A stored post as the `scan` format writes it (what the check runner gives the rules)."""

    def parent_of(platform_id: str | None) -> dict[str, Any]:
        return parents.get((post.platform, platform_id), {}) if platform_id else {}

    parent = parent_of(post.reply_to_id)
    line: dict[str, Any] = {
        "kind": "post",
        "id": f"post-{post.id}",
        "platform": post.platform,
        "author": account.handle,
        "text": post.text,
        "created_at": _iso(post.created_at),
        "role": person.role,
        "links": list(post.links or []),
        "media": [m for m in (post.media or []) if isinstance(m, dict)],
    }
    optional = {
        "lang": post.lang,
        "reply_to_author": parent.get("author") or post.reply_to_account_id,
        "reply_to_text": parent.get("text"),
        "reply_to_created_at": _iso(parent.get("created_at")),
        "reposted_from": parent_of(post.repost_of_id).get("author") or post.repost_of_account_id,
        "quoted_from": parent_of(post.quote_of_id).get("author"),
        "conversation": post.conversation_id or post.reply_root_id,
    }
    line.update({k: v for k, v in optional.items() if v})
    return line


def _profile_line(snapshot: ProfileSnapshot, account: Account, person: Person) -> dict[str, Any]:
    return {
        "kind": "profile",
        "id": f"profile-{snapshot.id}",
        "platform": account.platform,
        "handle": snapshot.handle,
        "display_name": snapshot.display_name or "",
        "bio": snapshot.bio or "",
        "url": snapshot.url or "",
        "role": person.role,
    }


def _thread_context(session: Session, post: Post) -> list[Post]:
    """The same account's earlier replies to the same account in the conversation."""
    conversation = post.conversation_id or post.reply_root_id
    if not conversation or not post.reply_to_account_id:
        return []
    return list(
        session.exec(
            select(Post)
            .where(
                Post.account_id == post.account_id,
                Post.reply_to_account_id == post.reply_to_account_id,
                col(Post.created_at) >= post.created_at - timedelta(hours=THREAD_HOURS),
                col(Post.created_at) < post.created_at,
                col(Post.id) != post.id,
            )
            .order_by(col(Post.created_at), col(Post.id))
        ).all()
    )


def export(session: Session, since: datetime | None = None) -> Iterator[dict[str, Any]]:
    """The labelled lines, oldest post first; the summary is the generator's return value."""
    posts, profiles, summary = _reviewed(session, since)
    for snapshot_id in sorted(profiles):
        snapshot = session.get(ProfileSnapshot, snapshot_id)
        if snapshot is None:
            continue
        account = session.get(Account, snapshot.account_id)
        person = session.get(Person, account.person_id) if account else None
        if account is None or person is None:
            continue
        before = session.exec(
            select(ProfileSnapshot)
            .where(
                ProfileSnapshot.account_id == snapshot.account_id,
                col(ProfileSnapshot.id) != snapshot.id,
                col(ProfileSnapshot.seen_at) <= snapshot.seen_at,
            )
            .order_by(col(ProfileSnapshot.seen_at).desc(), col(ProfileSnapshot.id).desc())
            .limit(1)
        ).first()
        if before is not None:  # TRN103 compares with the profile before
            yield {**_profile_line(before, account, person), "expect": [], "judged": []}
            summary.context += 1
        yield {**_profile_line(snapshot, account, person), **profiles[snapshot_id].line()}
        summary.profiles += 1
    rows = session.exec(
        select(Post, Account, Person)
        .join(Account, col(Account.id) == Post.account_id)
        .join(Person, col(Person.id) == Account.person_id)
        .where(col(Post.id).in_(sorted(posts)))
        .order_by(col(Post.created_at), col(Post.id))
    ).all()
    written: set[int] = set()
    for post, account, person in rows:
        context = _thread_context(session, post) if "RSP503" in _all(posts[post.id or 0]) else []
        keys = {
            (p.platform, ref)
            for p in [post, *context]
            for ref in (p.reply_to_id, p.repost_of_id, p.quote_of_id)
            if ref
        }
        parents = _parents(session, keys)
        for earlier in context:
            if earlier.id in written or earlier.id in posts:
                continue
            yield {**_post_line(earlier, account, person, parents), "expect": [], "judged": []}
            written.add(earlier.id or 0)
            summary.context += 1
        yield {**_post_line(post, account, person, parents), **posts[post.id or 0].line()}
        written.add(post.id or 0)
        summary.posts += 1
    return summary


def _all(labels: Labels) -> set[str]:
    return labels.confirmed | labels.dismissed | labels.missed
