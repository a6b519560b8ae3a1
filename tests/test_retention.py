"""Retention is enforced: old rows go, the newest profile and findings' evidence stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from socialaudit.cli import app
from socialaudit.config import RetentionConfig
from socialaudit.db import make_engine
from socialaudit.models import (
    CollectionRun,
    Finding,
    Post,
    PostVersion,
    ProfileSnapshot,
    ReferencedPost,
    User,
    UserRole,
    WebSession,
)
from socialaudit.retention import purge
from tests.factories import make_person_with_posts

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _age(session: Session, days: int) -> None:
    """Make every row `days` old."""
    then = NOW - timedelta(days=days)
    for post in session.exec(select(Post)).all():
        post.created_at = then
        session.add(post)
    for snap in session.exec(select(ProfileSnapshot)).all():
        snap.seen_at = then
        session.add(snap)
    for finding in session.exec(select(Finding)).all():
        finding.created_at = then
        session.add(finding)


def _count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _seed(engine: Engine, days_old: int) -> None:
    with Session(engine) as session:
        _, account, _ = make_person_with_posts(session, "Ana Lima", posts=3)
        session.add(
            ProfileSnapshot(
                account_id=account.id, handle="ana", bio="new bio", content_hash="ana-2"
            )
        )
        session.add(
            ReferencedPost(
                platform="x",
                platform_id="other-1",
                text="hostile?",
                seen_at=NOW - timedelta(days=days_old),
            )
        )
        session.add(
            CollectionRun(
                platform="x",
                started_at=NOW - timedelta(days=days_old),
                finished_at=NOW - timedelta(days=days_old),
            )
        )
        session.flush()
        _age(session, days_old)
        session.commit()


def test_nothing_young_is_purged(engine: Engine) -> None:
    _seed(engine, days_old=10)
    result = purge(engine, RetentionConfig(), now=NOW)
    assert result.total == 0
    with Session(engine) as session:
        assert _count(session, Post) == 3 and _count(session, Finding) == 4


def test_old_posts_go_and_findings_keep_their_evidence(engine: Engine) -> None:
    _seed(engine, days_old=400)  # past posts (365) and runs (180), not findings (730)
    with Session(engine) as session:
        evidence_before = sorted(f.fingerprint for f in session.exec(select(Finding)).all())
    preview = purge(engine, RetentionConfig(), now=NOW, dry_run=True)
    assert preview.deleted["post"] == 3 and preview.deleted["postversion"] == 3
    with Session(engine) as session:
        assert _count(session, Post) == 3  # a dry run deletes nothing
    result = purge(engine, RetentionConfig(), now=NOW)
    assert result.deleted == {
        "reviewdecision": 0,
        "missedpost": 0,
        "finding": 0,
        "postversion": 3,
        "post": 3,
        "profilesnapshot": 1,
        "referencedpost": 1,
        "collectionrun": 1,
        "websession": 0,
    }
    with Session(engine) as session:
        assert _count(session, Post) == 0 and _count(session, PostVersion) == 0
        # The platform's JSON goes with its post and snapshot: none is left anywhere.
        left = select(func.count()).select_from(ProfileSnapshot)
        assert session.exec(left.where(ProfileSnapshot.raw.is_not(None))).one() == 0
        findings = session.exec(select(Finding)).all()
        assert sorted(f.fingerprint for f in findings) == evidence_before
        assert all(f.post_id is None for f in findings if f.subject_type == "post")
        # The newest snapshot is the current profile: always kept.
        snapshots = session.exec(select(ProfileSnapshot)).all()
        assert [s.bio for s in snapshots] == ["new bio"]
    assert purge(engine, RetentionConfig(), now=NOW).total == 0  # idempotent


def test_old_findings_go(engine: Engine) -> None:
    _seed(engine, days_old=800)
    result = purge(engine, RetentionConfig(), now=NOW)
    assert result.deleted["finding"] == 4
    with Session(engine) as session:
        assert _count(session, Finding) == 0


def test_purge_command(runner: CliRunner, cli_env: dict, db_url: str) -> None:
    engine = make_engine(db_url)
    _seed(engine, days_old=3650)
    engine.dispose()
    result = runner.invoke(app, ["purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would delete" in result.output and "post " in result.output
    result = runner.invoke(app, ["purge"])
    assert result.exit_code == 0
    assert "deleted 13 rows" in result.output  # 4+3+3+1+1+1, newest snapshot kept
    result = runner.invoke(app, ["purge"])
    assert "deleted 0 rows" in result.output


def test_deleted_text_is_redacted_once_the_outcome_is_known(engine: Engine) -> None:
    from socialaudit.models import PostOutcome
    from socialaudit.retention import REDACTED

    with Session(engine) as session:
        person, _, posts = make_person_with_posts(session, "Ana Lima", posts=3)
        for post, outcome in zip(
            posts[:2], ["deleted-without-correction", "awaiting-correction"], strict=True
        ):
            post.deleted_at = NOW - timedelta(days=3)
            post.deletion_cause = "deleted"
            session.add(post)
            session.add(
                PostOutcome(
                    post_id=post.id,
                    person_id=person.id,
                    outcome=outcome,
                    event_at=post.deleted_at,
                    week="2026-W47",
                )
            )
        flagged = session.exec(select(Finding).where(Finding.post_id == posts[0].id)).one()
        flagged.evidence = [{"field": "text", "start": 0, "end": 4, "text": "post"}]
        session.add(flagged)
        session.commit()
        ids = [p.id for p in posts]
    keep = purge(engine, RetentionConfig(), now=NOW)
    assert keep.redacted_posts == 0
    policy = RetentionConfig(deleted_text="redact")
    assert purge(engine, policy, now=NOW, dry_run=True).redacted_posts == 1
    result = purge(engine, policy, now=NOW)
    assert result.redacted_posts == 1 and result.total == 0
    with Session(engine) as session:
        texts = [session.get(Post, i).text for i in ids]  # type: ignore[union-attr]
        assert texts[0] == REDACTED  # decided: redacted
        assert texts[1] != REDACTED and texts[2] != REDACTED  # still awaiting; not deleted
        versions = session.exec(select(PostVersion).where(PostVersion.post_id == ids[0])).all()
        assert all(v.text == REDACTED for v in versions)
        # The kept platform payload held the words too: gone, so `reprocess` cannot bring
        # them back; the posts left alone keep theirs.
        assert versions and all(v.raw is None for v in versions)
        others = session.exec(select(PostVersion).where(PostVersion.post_id == ids[2])).all()
        assert others and all(v.raw is not None for v in others)
        finding = session.exec(select(Finding).where(Finding.post_id == ids[0])).one()
        assert [e["text"] for e in finding.evidence] == [REDACTED]
    assert purge(engine, policy, now=NOW).redacted_posts == 0  # idempotent


def test_redact_reaches_referenced_copies_and_mst801_of_posts_purged_in_the_same_run(
    engine: Engine,
) -> None:
    from socialaudit.models import PostOutcome
    from socialaudit.retention import REDACTED

    with Session(engine) as session:
        person, account, posts = make_person_with_posts(session, "Ana Lima", posts=2)
        recent, old = posts
        old.created_at = NOW - timedelta(days=400)  # purged by this run (posts_days = 365)
        for post, outcome in ((recent, "deleted-without-correction"), (old, "awaiting-correction")):
            post.deleted_at = post.created_at + timedelta(hours=1)
            post.deletion_cause = "deleted"
            post.text = f"regretted words {post.platform_id}"
            session.add(post)
            session.add(
                PostOutcome(
                    post_id=post.id,
                    person_id=person.id,
                    outcome=outcome,
                    event_at=post.deleted_at,
                    week="2026-W47",
                )
            )
            # A colleague replied: the post is kept as that reply's context.
            session.add(
                ReferencedPost(
                    platform=post.platform,
                    platform_id=post.platform_id,
                    text=post.text,
                    seen_at=NOW - timedelta(days=1),
                )
            )
            session.add(
                Finding(
                    fingerprint=f"mst801-{post.id}",
                    rule_code="MST801",
                    rule_name="deleted-without-correction",
                    severity="review",
                    subject_type="post",
                    person_id=person.id,
                    account_id=account.id,
                    post_id=post.id,
                    evidence=[{"field": "text", "start": 0, "end": 9, "text": post.text}],
                    week="2026-W47",
                    created_at=NOW - timedelta(days=30),
                )
            )
        session.commit()
    result = purge(engine, RetentionConfig(deleted_text="redact"), now=NOW)
    assert result.deleted["post"] == 1
    with Session(engine) as session:
        copies = session.exec(select(ReferencedPost)).all()
        assert [c.text for c in copies] == [REDACTED, REDACTED]
        mst801 = session.exec(select(Finding).where(Finding.rule_code == "MST801")).all()
        assert len(mst801) == 2  # findings outlive the purged post, unlinked
        assert sorted(f.post_id is None for f in mst801) == [False, True]
        for finding in mst801:
            assert [e["text"] for e in finding.evidence] == [REDACTED]
        texts = " ".join(
            str(v)
            for model in (Post, PostVersion, ReferencedPost, Finding)
            for row in session.exec(select(model)).all()
            for v in row.model_dump().values()
        )
        assert "regretted words" not in texts


def test_expired_web_sessions_are_purged_and_live_ones_kept(engine: Engine) -> None:
    with Session(engine) as session:
        user = User(name="rita", role=UserRole.REVIEWER, password_hash="x")
        session.add(user)
        session.flush()
        for token, expires in (
            ("gone", NOW - timedelta(hours=1)),
            ("live", NOW + timedelta(hours=1)),
        ):
            session.add(
                WebSession(
                    token_hash=token,
                    user_id=user.id,
                    csrf_token=f"csrf-{token}",
                    created_at=NOW - timedelta(days=1),
                    expires_at=expires,
                )
            )
        session.commit()
    assert purge(engine, RetentionConfig(), now=NOW, dry_run=True).deleted["websession"] == 1
    result = purge(engine, RetentionConfig(), now=NOW)
    assert result.deleted["websession"] == 1
    with Session(engine) as session:
        assert [s.token_hash for s in session.exec(select(WebSession)).all()] == ["live"]
