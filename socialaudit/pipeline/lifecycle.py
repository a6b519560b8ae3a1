"""Deletion versus correction in the store: outcomes per post, MST801, the weekly table.

`update_outcomes` feeds `checks.mistakes.decide` the person's posts and keeps one PostOutcome
row per changed post; when the outcome is ``deleted-without-correction`` it raises MST801 as
an ordinary Finding (fingerprinted, so re-running adds nothing). It is incremental: only
the posts the collectors changed since the last run (`post.lifecycle_at` cleared), what
those can affect, and the outcomes time or a review can change are read and decided, in
set-based reads per group of accounts, so its cost follows what changed, not the store.
What the weekly report and the dashboard read of them is `reports.lifecycle`
(`outcomes_table`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, tuple_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, or_, select

from checks.mistakes import DEFAULT_WINDOW, Decision, Outcome, PostState, decide
from checks.registry import get_rule
from socialaudit.config import Settings
from socialaudit.findings import Written, fingerprint, write_finding
from socialaudit.models import (
    Account,
    Finding,
    OutcomeSettings,
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


def _state(post: _Row, high: bool) -> PostState:
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


def settings_key(settings: Settings) -> str:
    """What a stored outcome depends on besides the posts: when it changes, decide again."""
    return (
        f"window={correction_window(settings).total_seconds():g};"
        f"watch={settings.collection.watch_days};tz={settings.organisation.timezone}"
    )


# Accounts are decided in groups of this size; ids are written in chunks of this size.
ACCOUNTS = 500
CHUNK = 2000

# The columns the decision reads of a post (never the ORM object: a group is thousands).
_COLUMNS = (
    Post.id,
    Post.account_id,
    Post.platform,
    Post.platform_id,
    Post.created_at,
    Post.text,
    Post.kind,
    Post.reply_to_id,
    Post.quote_of_id,
    Post.deleted_at,
    Post.deletion_cause,
    Post.edited,
    Post.lifecycle_at,
)
_DELETIONS = [
    Outcome.DELETED_THEN_CORRECTED,
    Outcome.DELETED_WITHOUT_CORRECTION,
    Outcome.AWAITING_CORRECTION,
]


@dataclass(frozen=True)
class _Row:
    """One post as the lifecycle reads it."""

    id: int
    account_id: int
    platform: str
    platform_id: str
    created_at: datetime
    text: str
    kind: str
    reply_to_id: str | None
    quote_of_id: str | None
    deleted_at: datetime | None
    deletion_cause: str | None
    edited: bool
    lifecycle_at: datetime | None

    @property
    def reach(self) -> datetime:
        """Until when (plus the window) a later post can still change this one's outcome."""
        return self.deleted_at or self.created_at


@dataclass(frozen=True)
class _Context:
    settings: Settings
    now: datetime
    window: timedelta
    earliest: datetime  # the oldest post a run decides, as the whole-window pass did
    last_id: int  # posts stored after the run began wait for the next run


@dataclass
class _Work:
    """What the run has to decide, per account."""

    since: dict[int, datetime] = field(default_factory=dict)  # read the account from here
    changed: dict[int, tuple[datetime, datetime]] = field(default_factory=dict)  # first, last
    stale: set[int] = field(default_factory=set)  # outcomes decided whatever their time

    def read_from(self, account_id: int, moment: datetime) -> None:
        self.since[account_id] = min(moment, self.since.get(account_id, moment))


def update_outcomes(
    engine: Engine, settings: Settings, now: datetime | None = None
) -> LifecycleResult:
    """Decide the outcome of every post that changed, or may have, since the last run.

    Incremental: the collectors clear `post.lifecycle_at` on what they change, and a run
    decides those posts and the ones a change can affect: the account's earlier posts whose
    correction window the changed post falls in, the posts it replies to or quotes, the
    outcomes still awaiting a correction (time alone closes their window), and the outcomes
    whose high-severity finding was dismissed or confirmed since. Each is decided from the
    account's posts as before (`checks.mistakes.decide`), so the rows are those a full
    recomputation would keep; `tests/test_lifecycle_incremental.py` holds them against it.
    Accounts are read a group at a time, each once, from the earliest post it needs.
    """
    now = now or datetime.now(UTC)
    window = correction_window(settings)
    horizon = now - timedelta(days=settings.collection.watch_days) - window
    result = LifecycleResult()
    with Session(engine) as session:
        _redecide_on_new_settings(session, settings, horizon - window)
        session.commit()
        last_id = session.exec(select(func.max(Post.id))).one() or 0
        context = _Context(settings, now, window, horizon - window, last_id)
        work = _stale_outcomes(session)
        for account_id, first, last in session.exec(
            select(Post.account_id, func.min(Post.created_at), func.max(Post.created_at))
            .where(col(Post.lifecycle_at).is_(None), col(Post.id) <= last_id)
            .group_by(col(Post.account_id))
        ).all():
            first, last = _aware(first), _aware(last)
            work.changed[account_id] = (first, last)
            work.read_from(account_id, first - window)
        for group in _chunks(sorted(work.changed)):
            _reach_back(session, context, group, work)
        # Accounts in order of how far back they are read, so one bound serves a group.
        order = sorted(work.since, key=lambda a: work.since[a])
        for group in _chunks(order):
            _decide_accounts(session, context, group, work, result)
            session.execute(
                update(Post)
                .where(
                    col(Post.account_id).in_(group),
                    col(Post.lifecycle_at).is_(None),
                    col(Post.id) <= last_id,
                )
                .values(lifecycle_at=now)
            )
            session.commit()
    return result


def _aware(moment: datetime) -> datetime:
    """SQLite's aggregates come back without the zone the column type adds."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _redecide_on_new_settings(session: Session, settings: Settings, earliest: datetime) -> None:
    """Another correction window or time zone than the outcomes were decided with: every
    post of the watch window is undecided again."""
    key = settings_key(settings)
    row = session.get(OutcomeSettings, 1)
    if row is not None and row.key == key:
        return
    if row is not None:
        log.info("lifecycle settings changed (%s to %s): deciding the window again", row.key, key)
        session.execute(update(Post).where(Post.created_at >= earliest).values(lifecycle_at=None))
    session.merge(OutcomeSettings(id=1, key=key, decided_at=datetime.now(UTC)))
    session.flush()


def _stale_outcomes(session: Session) -> _Work:
    """Stored outcomes that can change without any post changing: those awaiting a
    correction (time closes their window), and those whose high-severity finding was
    dismissed, or confirmed, after they were decided."""
    high = (
        select(Finding.id)
        .where(
            Finding.post_id == PostOutcome.post_id,
            Finding.severity == Severity.HIGH,
            Finding.review_status != ReviewStatus.FALSE_POSITIVE,
        )
        .exists()
    )
    work = _Work()
    for post_id, account_id, created_at in session.exec(
        select(Post.id, Post.account_id, Post.created_at)
        .join(PostOutcome, col(PostOutcome.post_id) == Post.id)
        .where(
            or_(
                col(PostOutcome.outcome).in_(list(_OPEN)),
                (PostOutcome.outcome == Outcome.DELETED_AFTER_FLAG) & ~high,
                col(PostOutcome.outcome).in_(_DELETIONS) & high,
            )
        )
    ).all():
        work.stale.add(post_id)
        work.read_from(account_id, created_at)
    return work


def _reach_back(session: Session, context: _Context, group: list[int], work: _Work) -> None:
    """Read an account from further back where a change reaches an older post: one deleted
    lately (its window runs from the deletion), or one a changed post replies to or quotes."""
    window = context.window
    first = min(work.changed[a][0] for a in group)
    last = max(work.changed[a][1] for a in group)
    for account_id, created_at in session.exec(
        select(Post.account_id, Post.created_at).where(
            col(Post.account_id).in_(group),
            col(Post.deleted_at) >= first - window,
            Post.created_at <= last,
            Post.created_at >= context.earliest,
        )
    ).all():
        work.read_from(account_id, created_at)
    named: dict[tuple[str, str], set[int]] = defaultdict(set)
    for account_id, platform, reply_to, quote_of in session.exec(
        select(Post.account_id, Post.platform, Post.reply_to_id, Post.quote_of_id).where(
            col(Post.account_id).in_(group),
            col(Post.lifecycle_at).is_(None),
            or_(col(Post.reply_to_id).is_not(None), col(Post.quote_of_id).is_not(None)),
        )
    ).all():
        for ref in (reply_to, quote_of):
            if ref:
                named[(platform, ref)].add(account_id)
    listed = sorted(named)
    for start in range(0, len(listed), ACCOUNTS):
        for account_id, platform, platform_id, created_at in session.exec(
            select(Post.account_id, Post.platform, Post.platform_id, Post.created_at).where(
                tuple_(Post.platform, Post.platform_id).in_(listed[start : start + ACCOUNTS])
            )
        ).all():
            if account_id in named[(platform, platform_id)]:
                work.read_from(account_id, created_at)


def _chunks(values: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(values), ACCOUNTS):
        yield list(values[start : start + ACCOUNTS])


def _decide_accounts(
    session: Session, context: _Context, group: list[int], work: _Work, result: LifecycleResult
) -> None:
    settings, window = context.settings, context.window
    tz = settings.organisation.timezone
    disabled = "MST801" in settings.rules.disabled
    severity = settings.rules.for_rule("MST801").get("severity", get_rule("MST801").severity)
    bound = max(context.earliest, min(work.since[a] for a in group))
    posts: dict[int, list[_Row]] = defaultdict(list)
    for values in session.exec(
        select(*_COLUMNS)
        .where(
            col(Post.account_id).in_(group),
            Post.created_at >= bound,
            col(Post.id) <= context.last_id,
        )
        .order_by(col(Post.account_id), col(Post.created_at), col(Post.id))
    ).all():
        row = _Row(*values)
        posts[row.account_id].append(row)
    high = set(
        session.exec(
            select(Finding.post_id).where(
                col(Finding.account_id).in_(group),
                col(Finding.post_id).is_not(None),
                Finding.severity == Severity.HIGH,
                Finding.review_status != ReviewStatus.FALSE_POSITIVE,
            )
        ).all()
    )
    chosen: list[tuple[_Row, list[PostState], dict[str, _Row], set[str]]] = []
    for account_id in group:
        rows = posts.get(account_id, [])
        if not rows:
            continue
        targets: set[str] = {r.reply_to_id for r in rows if r.reply_to_id}
        targets |= {r.quote_of_id for r in rows if r.quote_of_id}
        first, last = work.changed.get(account_id, (None, None))
        since = max(work.since[account_id], context.earliest)
        states: list[PostState] | None = None
        by_platform_id: dict[str, _Row] = {}
        for index, row in enumerate(rows):
            if row.created_at < since:
                continue
            affected = (
                row.lifecycle_at is None
                or row.id in work.stale
                or (
                    first is not None
                    and last is not None
                    and row.created_at <= last
                    and row.reach >= first - window
                    and bool(row.deleted_at or row.edited or row.platform_id in targets)
                )
                or (row.platform_id in targets and first is not None)
            )
            if not affected:
                continue
            if states is None:
                states = [_state(r, r.id in high) for r in rows]
                by_platform_id = {r.platform_id: r for r in rows}
            chosen.append((row, states[index:], by_platform_id, targets))
    if not chosen:
        return
    stored: dict[int, PostOutcome] = {}
    for start in range(0, len(chosen), CHUNK):
        ids = [row.id for row, *_ in chosen[start : start + CHUNK]]
        for outcome in session.exec(
            select(PostOutcome).where(col(PostOutcome.post_id).in_(ids))
        ).all():
            stored[outcome.post_id] = outcome
    accounts = {a.id: a for a in session.exec(select(Account).where(col(Account.id).in_(group)))}
    for row, later, by_platform_id, targets in chosen:
        if not (row.deleted_at or row.edited or row.platform_id in targets):
            decision = None
        else:
            decision = decide(later[0], later, context.now, window)
        if decision is None:
            if row.id in stored:
                session.delete(stored[row.id])
                result.withdrawn += 1
            continue
        account = accounts[row.account_id]
        correction = by_platform_id.get(decision.correction_id or "")
        _save(session, stored.get(row.id), row, account, decision, correction, tz)
        result.decided[decision.outcome] += 1
        if decision.outcome == Outcome.DELETED_WITHOUT_CORRECTION and not disabled:
            result.findings += _raise_mst801(session, row, account, decision, severity, tz, window)
    session.flush()


def _save(
    session: Session,
    row: PostOutcome | None,
    post: _Row,
    account: Account,
    decision: Decision,
    correction: _Row | None,
    tz: str,
) -> None:
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
    post: _Row,
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
