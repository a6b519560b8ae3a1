"""Deletion versus correction in the store: outcomes per post, MST801, the weekly table.

`update_outcomes` feeds `checks.mistakes.decide` the person's posts and keeps one PostOutcome
row per changed post; when the outcome is ``deleted-without-correction`` it raises MST801 as
an ordinary Finding (fingerprinted, so re-running adds nothing). What the weekly report and
the dashboard read of them is `reports.lifecycle` (`outcomes_table`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, or_, select

from checks.mistakes import DEFAULT_WINDOW, Decision, Outcome, PostState, decide
from checks.registry import get_rule
from socialaudit.config import Settings
from socialaudit.findings import Written, fingerprint, write_finding
from socialaudit.models import (
    Account,
    Finding,
    Post,
    PostOutcome,
    ReviewStatus,
    Severity,
)
from socialaudit.weeks import Week

log = logging.getLogger(__name__)

# Outcomes that may still change as time passes or posts arrive.
_OPEN = {Outcome.AWAITING_CORRECTION}


def correction_window(settings: Settings) -> timedelta:
    hours = settings.rules.for_rule("MST801").get("window_hours")
    return timedelta(hours=float(hours)) if hours is not None else DEFAULT_WINDOW


@dataclass
class LifecycleResult:
    decided: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    findings: int = 0
    withdrawn: int = 0  # outcomes removed because the post is visible and unchanged again


def _state(post: Post, high: bool) -> PostState:
    return PostState(
        id=post.platform_id,
        created_at=post.created_at,
        text=post.text,
        kind=post.kind,
        reply_to_id=post.reply_to_id,
        quote_of_id=post.quote_of_id,
        deleted_at=post.deleted_at,
        deletion_cause=post.deletion_cause,
        edited=post.edited,
        high_finding=high,
    )


def update_outcomes(
    engine: Engine, settings: Settings, now: datetime | None = None
) -> LifecycleResult:
    """Decide the outcome of every recently changed post and raise MST801 where due."""
    now = now or datetime.now(UTC)
    window = correction_window(settings)
    horizon = now - timedelta(days=settings.collection.watch_days) - window
    tz = settings.organisation.timezone
    result = LifecycleResult()
    rule = get_rule("MST801")
    disabled = "MST801" in settings.rules.disabled
    severity = settings.rules.for_rule("MST801").get("severity", rule.severity)
    with Session(engine) as session:
        open_ids = set(
            session.exec(
                select(PostOutcome.post_id).where(col(PostOutcome.outcome).in_(list(_OPEN)))
            ).all()
        )
        # Every post with an outcome is decided again: a post seen again (an account
        # reactivated, a protected one opened) has nothing left to decide, and loses its row.
        decided = select(PostOutcome.post_id)
        changed = session.exec(
            select(Post)
            .where(
                or_(
                    col(Post.deleted_at).is_not(None),
                    col(Post.edited).is_(True),
                    col(Post.reply_to_id).is_not(None),
                    col(Post.quote_of_id).is_not(None),
                    col(Post.id).in_(decided),
                )
            )
            .where(or_(Post.created_at >= horizon, col(Post.id).in_(open_ids or {-1})))
        ).all()
        by_account: dict[int, list[Post]] = defaultdict(list)
        for post in changed:
            by_account[post.account_id].append(post)
        for account_id in by_account:
            account = session.get(Account, account_id)
            assert account is not None
            posts = session.exec(
                select(Post)
                .where(Post.account_id == account_id, Post.created_at >= horizon - window)
                .order_by(Post.created_at)
            ).all()
            by_platform_id = {p.platform_id: p for p in posts}
            targets = {p.reply_to_id for p in posts} | {p.quote_of_id for p in posts}
            high = set(
                session.exec(
                    select(Finding.post_id).where(
                        Finding.account_id == account_id,
                        Finding.severity == Severity.HIGH,
                        Finding.review_status != ReviewStatus.FALSE_POSITIVE,
                    )
                ).all()
            )
            states = [_state(p, p.id in high) for p in posts]
            rows = {
                row.post_id: row
                for row in session.exec(
                    select(PostOutcome).where(col(PostOutcome.post_id).in_([p.id for p in posts]))
                ).all()
            }
            for post in posts:
                if not (post.deleted_at or post.edited or post.platform_id in targets):
                    decision = None
                else:
                    decision = decide(_state(post, post.id in high), states, now, window)
                if decision is None:
                    if post.id in rows:
                        session.delete(rows[post.id])
                        result.withdrawn += 1
                    continue
                correction = by_platform_id.get(decision.correction_id or "")
                _save(session, post, account, decision, correction, tz)
                result.decided[decision.outcome] += 1
                if decision.outcome == Outcome.DELETED_WITHOUT_CORRECTION and not disabled:
                    result.findings += _raise_mst801(
                        session, post, account, decision, severity, tz, window
                    )
        session.commit()
    return result


def _save(
    session: Session,
    post: Post,
    account: Account,
    decision: Decision,
    correction: Post | None,
    tz: str,
) -> None:
    row = session.exec(select(PostOutcome).where(PostOutcome.post_id == post.id)).first()
    event_at = post.deleted_at or post.created_at
    values = {
        "person_id": account.person_id,
        "outcome": str(decision.outcome),
        "correction_post_id": correction.id if correction else None,
        "event_at": event_at,
        "week": str(Week.of(event_at, tz)),
        "seconds_to_delete": int(decision.time_to_delete.total_seconds())
        if decision.time_to_delete is not None
        else None,
        "seconds_to_correct": int(decision.time_to_correct.total_seconds())
        if decision.time_to_correct is not None
        else None,
    }
    if row is None:
        session.add(PostOutcome(post_id=post.id, **values))
        return
    if any(getattr(row, key) != value for key, value in values.items()):
        for key, value in values.items():
            setattr(row, key, value)
        row.decided_at = datetime.now(UTC)
        session.add(row)


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f} h" if hours >= 1 else f"{delta.total_seconds() / 60:.0f} min"


def _raise_mst801(
    session: Session,
    post: Post,
    account: Account,
    decision: Decision,
    severity: str,
    tz: str,
    window: timedelta,
) -> int:
    assert post.deleted_at is not None
    text = post.text
    took = _hours(decision.time_to_delete) if decision.time_to_delete else "some time"
    finding = Finding(
        # One per post, whatever its text (retention may redact a deleted post's text).
        fingerprint=fingerprint("MST801", f"post|{post.platform}|{post.platform_id}"),
        rule_code="MST801",
        rule_name="deleted-without-correction",
        severity=severity,
        confidence="medium",
        subject_type="post",
        person_id=account.person_id,
        account_id=account.id,
        post_id=post.id,
        message=(
            f"This post was deleted {took} after it was published, and no correction "
            f"followed within {_hours(window)}. If it contained a mistake, a short correction "
            "(a reply, a quote or an edit) is better than a silent deletion."
        ),
        evidence=[{"field": "text", "start": 0, "end": len(text), "text": text}],
        week=str(Week.of(post.deleted_at, tz)),
    )
    return int(write_finding(session, finding, Finding.post_id == post.id) == Written.NEW)
