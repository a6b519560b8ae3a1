"""Retention: what is kept, for how long, enforced by `socialaudit purge` and the daily job.

The limits come from `[retention]`. A finding may outlive the post it was raised on (findings
are kept longer by default, for the audit trail): it then keeps its evidence, the exact words
that triggered it, and loses only the link to the purged post. The newest profile snapshot of
an account is always kept, because it is the account's current profile and the baseline that
TRN103 compares the next one with.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from socialaudit.config import RetentionConfig
from socialaudit.models import (
    CollectionRun,
    DeletionCause,
    Finding,
    MissedPost,
    Post,
    PostOutcome,
    PostSearch,
    PostVersion,
    ProfileSnapshot,
    ReferencedPost,
    ReviewDecision,
    WebSession,
)
from socialaudit.search import index_posts

log = logging.getLogger(__name__)
_CHUNK = 500
# What a deleted post's text becomes under `deleted_text = "redact"`, once its outcome is known.
REDACTED = "[deleted post: text redacted]"
# Outcomes still waiting on time: their text is needed to match a correction.
_UNDECIDED = ["awaiting-correction"]


@dataclass
class PurgeResult:
    cutoffs: dict[str, datetime] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    unlinked_findings: int = 0
    redacted_posts: int = 0

    @property
    def total(self) -> int:
        return sum(self.deleted.values())


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def purge(
    engine: Engine, retention: RetentionConfig, now: datetime | None = None, dry_run: bool = False
) -> PurgeResult:
    """Delete what is older than the configured limits; with `dry_run`, only count it."""
    now = now or datetime.now(UTC)
    result = PurgeResult(
        cutoffs={
            "posts": now - timedelta(days=retention.posts_days),
            "snapshots": now - timedelta(days=retention.snapshots_days),
            "findings": now - timedelta(days=retention.findings_days),
            "runs": now - timedelta(days=retention.runs_days),
        }
    )
    with Session(engine) as session:
        findings = list(
            session.exec(
                select(Finding.id).where(Finding.created_at < result.cutoffs["findings"])
            ).all()
        )
        posts = list(
            session.exec(select(Post.id).where(Post.created_at < result.cutoffs["posts"])).all()
        )
        newest = (
            select(func.max(ProfileSnapshot.id))
            .group_by(ProfileSnapshot.account_id)
            .scalar_subquery()
        )
        snapshots = list(
            session.exec(
                select(ProfileSnapshot.id).where(
                    ProfileSnapshot.seen_at < result.cutoffs["snapshots"],
                    col(ProfileSnapshot.id).not_in(newest),
                )
            ).all()
        )
        referenced = list(
            session.exec(
                select(ReferencedPost.id).where(ReferencedPost.seen_at < result.cutoffs["posts"])
            ).all()
        )
        runs = list(
            session.exec(
                select(CollectionRun.id).where(
                    CollectionRun.started_at < result.cutoffs["runs"],
                    CollectionRun.finished_at.is_not(None),  # type: ignore[union-attr]
                )
            ).all()
        )
        versions = 0
        for chunk in _chunks(posts):
            versions += session.exec(
                select(func.count())
                .select_from(PostVersion)
                .where(col(PostVersion.post_id).in_(chunk))
            ).one()
        decisions = misses = 0
        for chunk in _chunks(findings):
            decisions += session.exec(
                select(func.count())
                .select_from(ReviewDecision)
                .where(col(ReviewDecision.finding_id).in_(chunk))
            ).one()
        for chunk in _chunks(posts):
            misses += session.exec(
                select(func.count())
                .select_from(MissedPost)
                .where(col(MissedPost.post_id).in_(chunk))
            ).one()
        result.deleted = {
            "reviewdecision": decisions,
            "missedpost": misses,
            "finding": len(findings),
            "postversion": versions,
            "post": len(posts),
            "profilesnapshot": len(snapshots),
            "referencedpost": len(referenced),
            "collectionrun": len(runs),
            # Signed-in sessions past their expiry: never valid again, nothing to keep.
            "websession": session.exec(
                select(func.count()).select_from(WebSession).where(col(WebSession.expires_at) < now)
            ).one(),
        }
        redact: list[int] = []
        if retention.deleted_text == "redact":
            # A deleted post whose outcome is known, or that this run purges (its findings
            # outlive it, and with them its words, unless they are redacted now).
            decided = col(PostOutcome.outcome).not_in(_UNDECIDED)
            purged = col(Post.id).in_(posts) if posts else sa.false()
            redact = list(
                session.exec(
                    select(Post.id)
                    .outerjoin(PostOutcome, PostOutcome.post_id == Post.id)
                    .where(
                        Post.deletion_cause == DeletionCause.DELETED,
                        sa.or_(sa.and_(PostOutcome.id.is_not(None), decided), purged),
                        sa.or_(
                            Post.text != REDACTED,
                            sa.exists().where(
                                Finding.post_id == Post.id,
                                sa.cast(Finding.evidence, sa.Text).contains('"text"'),
                                ~sa.cast(Finding.evidence, sa.Text).contains(REDACTED),
                            ),
                        ),
                    )
                ).all()
            )
        result.redacted_posts = len(redact)
        if dry_run:
            return result
        for chunk in _chunks(redact):
            session.execute(sa.update(Post).where(col(Post.id).in_(chunk)).values(text=REDACTED))
            # The kept payloads hold the words too (and `reprocess` would bring them back).
            session.execute(
                sa.update(PostVersion)
                .where(col(PostVersion.post_id).in_(chunk))
                .values(text=REDACTED, raw=None)
            )
            # Someone else's reply keeps a copy of the post as its context: redacted too.
            copies = select(Post.platform, Post.platform_id).where(col(Post.id).in_(chunk))
            for platform, platform_id in session.exec(copies).all():
                session.execute(
                    sa.update(ReferencedPost)
                    .where(
                        ReferencedPost.platform == platform,
                        ReferencedPost.platform_id == platform_id,
                        ReferencedPost.text != REDACTED,
                    )
                    .values(text=REDACTED)
                )
            index_posts(session, chunk)  # the folded copy the search reads, redacted too
            # Every finding on the post, MST801 included: its evidence quotes the words.
            for finding in session.exec(
                select(Finding).where(col(Finding.post_id).in_(chunk))
            ).all():
                finding.evidence = [
                    {**e, "text": REDACTED} if "text" in e else e for e in finding.evidence
                ]
                session.add(finding)
        for chunk in _chunks(findings):
            session.execute(
                sa.delete(ReviewDecision).where(col(ReviewDecision.finding_id).in_(chunk))
            )
            session.execute(sa.delete(Finding).where(col(Finding.id).in_(chunk)))
        # Findings kept longer than their subject keep their evidence, lose the link.
        for column, ids in ((Finding.post_id, posts), (Finding.snapshot_id, snapshots)):
            for chunk in _chunks(ids):
                unlinked = session.execute(
                    sa.update(Finding).where(col(column).in_(chunk)).values({column: None})
                )
                result.unlinked_findings += unlinked.rowcount or 0
        for chunk in _chunks(posts):
            session.execute(sa.delete(MissedPost).where(col(MissedPost.post_id).in_(chunk)))
            session.execute(sa.delete(PostSearch).where(col(PostSearch.post_id).in_(chunk)))
            session.execute(sa.delete(PostVersion).where(col(PostVersion.post_id).in_(chunk)))
            session.execute(sa.delete(Post).where(col(Post.id).in_(chunk)))
        for model, ids in (
            (ProfileSnapshot, snapshots),
            (ReferencedPost, referenced),
            (CollectionRun, runs),
        ):
            for chunk in _chunks(ids):
                session.execute(sa.delete(model).where(col(model.id).in_(chunk)))
        session.execute(sa.delete(WebSession).where(col(WebSession.expires_at) < now))
        session.commit()
    log.info(
        "purge: deleted %s rows (%s), redacted %s deleted posts",
        result.total,
        result.deleted,
        result.redacted_posts,
    )
    return result
