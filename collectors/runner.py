"""One collection round: the code that `socialaudit collect` and the scheduler both run.

For each platform: resolve new accounts to their stable ids; fetch every profile in batches;
per account, let the cheap trigger decide (the post count moved, or the timeline was last
paged more than `collection.page_every_hours` ago) whether to page the timeline; compare the
count with what the round found (expected = last count + new posts; a shortfall means
something was deleted) to decide whether to sweep the account's watched posts with the batch
look-up; then record a CollectionRun.

Deletion needs proof (DESIGN 3): a post is marked deleted only when the look-up says it is
gone while its account answered normally this round; an account that cannot be read gives
its posts the account's cause instead, lifted when it answers again.

Crash safety: each account is saved in its own transaction together with its resume points,
and an account due a sweep keeps `last_post_count` at the expected value until the sweep is
saved, so a round killed at any point is completed by the next one, without duplicates.
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from collectors.base import (
    ACCOUNT_CAUSES,
    AccountRef,
    AccountUnavailable,
    Collector,
    Lookup,
    Profile,
    Timeline,
)
from collectors.retry import ApiBudget, ApiError
from collectors.store import (
    Upsert,
    existing_posts,
    hide_account_posts,
    mark_missing,
    restore_account_posts,
    save_profile,
    upsert_post,
)
from socialaudit import platforms
from socialaudit.config import Settings
from socialaudit.db import session_scope
from socialaudit.logs import redact
from socialaudit.models import (
    Account,
    AccountStatus,
    CollectionRun,
    DeletionCause,
    Person,
    Post,
    PostKind,
)
from socialaudit.stopping import StopRequested, interruptible_sleep, stop_requested

log = logging.getLogger(__name__)
T = TypeVar("T")


class Progress:
    """Hooks for a progress display; the CLI's rich bar implements them."""

    def start(self, platform: str, total: int) -> None:
        """A platform's round begins with `total` accounts."""

    def advance(self, platform: str, handle: str) -> None:
        """One account is done."""

    def finish(self, platform: str, run: CollectionRun) -> None:
        """The platform's round is recorded."""


def collector_for(
    platform: str, settings: Settings, *, sleep: Callable[[float], None] = interruptible_sleep
) -> Collector:
    """The collector for `platform` (its registry entry's "module:Class"), configured from
    `[platforms.<platform>]`."""
    return collector_class(platform)(settings, sleep=sleep)


def collector_class(platform: str) -> type[Collector]:
    """The platform's collector class (its registry entry's "module:Class"), imported only
    when asked for."""
    spec = platforms.PLATFORMS.get(platform)
    if spec is None:
        raise LookupError(f"no collector for {platform!r} yet")
    module_name, class_name = spec.collector.split(":")
    return getattr(importlib.import_module(module_name), class_name)


def chunks(items: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), max(size, 1)):
        yield items[start : start + size]


@dataclass
class _Tally:
    new: int = 0
    updated: int = 0
    deleted: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, ref: AccountRef | None, stage: str, exc: BaseException) -> None:
        message = redact(str(exc)).splitlines()[0][:500] if str(exc) else type(exc).__name__
        entry = {"stage": stage, "error": message}
        if ref is not None:
            entry |= {"account_id": ref.id, "handle": ref.handle}
        log.warning("%s%s: %s", stage, f" {ref.handle}" if ref else "", message)
        self.errors.append(entry)

    def stopped(self, stage: str, ref: AccountRef | None, left: int | None, why: str) -> None:
        """Where a stop request ended the round (stage `stopped`; not an account's error:
        the account is collected as usual next round)."""
        where = f"in the {stage}" + (f" at {ref.handle}" if ref is not None else "")
        rest = f"; {left} account(s) left for the next round" if left is not None else ""
        entry: dict[str, Any] = {"stage": "stopped", "error": f"{why} {where}{rest}"}
        if ref is not None:
            entry["handle"] = ref.handle
        log.info("%s", entry["error"])
        self.errors.append(entry)


def _mark_errors(engine: Engine, tally: _Tally, now: datetime) -> None:
    """Accounts whose round failed get status `error` and the message (posts untouched:
    an error proves nothing about them). The next good round sets them back to `ok`."""
    failed = {e["account_id"]: e for e in tally.errors if "account_id" in e}
    if not failed:
        return
    with session_scope(engine) as session:
        for account_id, entry in failed.items():
            account = session.get(Account, account_id)
            if account is not None and account.status in (AccountStatus.OK, AccountStatus.PENDING):
                _set_status(
                    account, AccountStatus.ERROR, f"{entry['stage']}: {entry['error']}", now
                )
                session.add(account)


def _state(account: Account) -> dict[str, Any]:
    """The collector's resume state kept in Account.cursor (JSON)."""
    if not account.cursor:
        return {}
    try:
        value = json.loads(account.cursor)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _ref(account: Account) -> AccountRef:
    return AccountRef(
        id=account.id,  # type: ignore[arg-type]
        platform=account.platform,
        handle=account.handle,
        platform_id=account.platform_id,
        instance=account.instance,
        since_id=account.since_id,
        last_post_count=account.last_post_count,
    )


def _accounts(session: Session, platform: str, person_id: int | None) -> list[AccountRef]:
    query = (
        select(Account)
        .join(Person)
        .where(Account.platform == platform, Account.active, Person.active)
        .order_by(Account.id)
    )
    if person_id is not None:
        query = query.where(Account.person_id == person_id)
    return [_ref(a) for a in session.exec(query).all()]


def _set_status(account: Account, status: AccountStatus, detail: str | None, now: datetime) -> bool:
    if account.status == status and account.status_detail == detail:
        return False
    changed = account.status != status
    account.status = status
    account.status_detail = detail
    if changed:
        account.status_changed_at = now
    return changed


@dataclass
class _AccountOutcome:
    new: int = 0
    updated: int = 0
    sweep: bool = False
    paged: bool = False
    post_count: int | None = None


def _unavailable(
    session: Session, account: Account, problem: AccountUnavailable, now: datetime
) -> None:
    changed = _set_status(account, problem.status, problem.detail, now)
    cause = ACCOUNT_CAUSES.get(problem.status)
    if cause is not None:
        hidden = hide_account_posts(session, account, cause, now)
        if changed:
            log.info(
                "%s: %s (%d posts hidden, not deleted)", account.handle, problem.status, hidden
            )
    account.last_collected_at = now
    session.add(account)


def _collect_account(
    session: Session,
    collector: Collector,
    ref: AccountRef,
    profile: Profile | AccountUnavailable,
    settings: Settings,
    now: datetime,
) -> _AccountOutcome:
    """One account's share of the round. Network first, then every write, then commit:
    the transaction never waits on the platform."""
    account = session.get(Account, ref.id)
    assert account is not None
    outcome = _AccountOutcome()
    if isinstance(profile, AccountUnavailable):
        _unavailable(session, account, profile, now)
        return outcome
    if profile.protected:
        save_profile(session, account, profile, now)
        problem = AccountUnavailable(AccountStatus.PROTECTED, "the account's posts are protected")
        _unavailable(session, account, problem, now)
        return outcome
    last, count = account.last_post_count, profile.post_count
    paged_at = _state(account).get("paged_at")
    every = timedelta(hours=settings.collection.page_every_hours)
    stale = paged_at is None or datetime.fromisoformat(paged_at) + every <= now
    # Fewer posts than last time: sweep first; page only if the deletions found do not
    # explain the drop (then there are new posts too). Until the sweep is saved the old
    # count stays, so a round killed before it leaves the shortfall to be found again.
    sweep_first = last is not None and count is not None and count < last and not stale
    timeline = None
    if not sweep_first and (last is None or count is None or count != last or stale):
        timeline = _fetch_timeline(session, collector, ref, account, settings)
    if account.status != AccountStatus.OK:
        restored = restore_account_posts(session, account)
        if restored:
            log.info("%s answers again: %d posts visible again", account.handle, restored)
    save_profile(session, account, profile, now)
    _set_status(account, AccountStatus.OK, None, now)
    if sweep_first:
        outcome.sweep = True
    elif timeline is not None:
        new_counted = _save_timeline(session, account, timeline, now, outcome)
        if last is not None and count is not None:
            expected = last + new_counted
            outcome.sweep = count < expected
            outcome.paged = True
            # As above: remember the count we expected until the sweep is saved.
            account.last_post_count = expected if outcome.sweep else count
        else:
            account.last_post_count = count
    outcome.post_count = count
    account.last_collected_at = now
    session.add(account)
    return outcome


def _fetch_timeline(
    session: Session,
    collector: Collector,
    ref: AccountRef,
    account: Account,
    settings: Settings,
) -> Timeline:
    """Page the account's timeline down to the posts already stored (reads only)."""
    known = set(session.exec(select(Post.platform_id).where(Post.account_id == account.id)))
    return collector.fetch_posts(
        replace(ref, handle=account.handle, since_id=account.since_id),
        known=known.__contains__,
        max_pages=settings.collection.max_pages,
    )


def _save_timeline(
    session: Session,
    account: Account,
    timeline: Timeline,
    now: datetime,
    outcome: _AccountOutcome,
) -> int:
    """Upsert a fetched timeline; move the resume points; return new counted posts."""
    new_counted = 0
    stored = existing_posts(session, account.platform, [p.platform_id for p in timeline.posts])
    for data in timeline.posts:
        if data.author_id != account.platform_id:
            log.warning("%s: skipped a post by someone else (%s)", account.handle, data.platform_id)
            continue
        _, result = upsert_post(session, account, data, now, stored.get(data.platform_id))
        if result == Upsert.NEW:
            outcome.new += 1
            new_counted += int(data.counted)
        elif result == Upsert.UPDATED:
            outcome.updated += 1
    if timeline.since_id:
        account.since_id = timeline.since_id
    state = _state(account)
    state["paged_at"] = now.isoformat()
    account.cursor = json.dumps(state, sort_keys=True)
    return new_counted


def _lookup_all(collector: Collector, ids: list[str], tally: _Tally) -> tuple[Lookup, set[str]]:
    """Batch look-ups; returns the merged answer and the ids whose batch failed."""
    merged, failed = Lookup(), set()
    for batch in chunks(ids, collector.lookup_batch):
        try:
            answer = collector.lookup_posts(batch)
        except ApiError as exc:
            tally.error(None, "deletion sweep", exc)
            failed.update(batch)
            continue
        merged.found.update(answer.found)
        merged.missing.update(answer.missing)
    return merged, failed


def _sweep(
    engine: Engine,
    collector: Collector,
    due: list[tuple[AccountRef, int | None, bool]],
    settings: Settings,
    now: datetime,
    tally: _Tally,
) -> None:
    """Check the watched posts of accounts whose count fell short; record what is gone."""
    if not due:
        return
    since = now - timedelta(days=settings.collection.watch_days)
    with Session(engine) as session:
        posts = session.exec(
            select(Post)
            .where(
                Post.account_id.in_([ref.id for ref, _, _ in due]),  # type: ignore[attr-defined]
                Post.created_at >= since,
                (Post.deleted_at.is_(None))  # type: ignore[union-attr]
                | (Post.deletion_cause == DeletionCause.UNKNOWN_ERROR),
            )
            .order_by(Post.account_id, Post.created_at)
        ).all()
    wanted: dict[int, list[str]] = {}
    for post in posts:
        ids = []
        if post.kind == PostKind.REPOST and post.repost_of_id:
            ids.append(post.repost_of_id)
            if collector.lookup_reposts:
                ids.append(post.platform_id)
        else:
            ids.append(post.platform_id)
        wanted[post.id] = ids  # type: ignore[index]
    unique = list(dict.fromkeys(i for ids in wanted.values() for i in ids))
    answer, failed = _lookup_all(collector, unique, tally)
    by_account: dict[int, list[Post]] = {}
    for post in posts:
        by_account.setdefault(post.account_id, []).append(post)
    for ref, post_count, paged in due:
        try:
            with session_scope(engine) as session:
                account = session.get(Account, ref.id)
                assert account is not None
                complete, found = True, 0
                for stale in by_account.get(ref.id, []):
                    post = session.get(Post, stale.id)
                    assert post is not None
                    ids = wanted[post.id]  # type: ignore[index]
                    if any(i in failed for i in ids):
                        complete = False
                        continue
                    cause = _apply(session, account, post, collector, answer, now, tally)
                    tally.deleted += int(cause == DeletionCause.DELETED)
                    counted = post.kind != PostKind.REPOST or collector.reposts_counted
                    found += int(cause is not None and counted)
                if not complete:
                    continue
                explained = (account.last_post_count or 0) - found
                if not paged and post_count is not None and explained < post_count:
                    # The drop hides new posts as well: page for them now.
                    outcome = _AccountOutcome()
                    timeline = _fetch_timeline(session, collector, ref, account, settings)
                    _save_timeline(session, account, timeline, now, outcome)
                    tally.new += outcome.new
                    tally.updated += outcome.updated
                account.last_post_count = post_count
                session.add(account)
        except Exception as exc:  # one account's trouble never stops the round
            tally.error(ref, "deletion sweep", exc)


def _apply(
    session: Session,
    account: Account,
    post: Post,
    collector: Collector,
    answer: Lookup,
    now: datetime,
    tally: _Tally,
) -> DeletionCause | None:
    """Apply the look-up's answer to one watched post; return the cause newly recorded."""
    if post.kind == PostKind.REPOST and post.repost_of_id:
        if collector.lookup_reposts and post.platform_id in answer.found:
            _, result = upsert_post(session, account, answer.found[post.platform_id], now)
            tally.updated += int(result == Upsert.UPDATED)
            return None
        if answer.missing.get(post.repost_of_id) == DeletionCause.DELETED:
            return _missing(session, post, DeletionCause.ORIGINAL_DELETED, now)
        if collector.lookup_reposts and post.platform_id in answer.missing:
            return _missing(session, post, answer.missing[post.platform_id], now)
        return None  # the original is there; a repost undone is not visible to the look-up
    if post.platform_id in answer.found:
        _, result = upsert_post(session, account, answer.found[post.platform_id], now)
        tally.updated += int(result == Upsert.UPDATED)
        return None
    cause = answer.missing.get(post.platform_id)
    if cause is None:
        return None
    newly = _missing(session, post, cause, now)
    if newly == DeletionCause.DELETED:
        # Reposts of it, by anyone registered, lost their original (not their own deletion).
        for repost in session.exec(
            select(Post).where(
                Post.platform == post.platform,
                Post.repost_of_id == post.platform_id,
                Post.deleted_at.is_(None),  # type: ignore[union-attr]
            )
        ):
            mark_missing(session, repost, DeletionCause.ORIGINAL_DELETED, now)
    return newly


def _missing(
    session: Session, post: Post, cause: DeletionCause, now: datetime
) -> DeletionCause | None:
    if not mark_missing(session, post, cause, now):
        return None
    log.info("post %s: %s", post.platform_id, cause)
    return cause


def _resolve_pending(
    engine: Engine,
    collector: Collector,
    refs: list[AccountRef],
    now: datetime,
    tally: _Tally,
) -> tuple[list[AccountRef], dict[str, Profile | AccountUnavailable]]:
    """Give accounts registered by handle their stable platform id (batched)."""
    resolved = [r for r in refs if r.platform_id]
    profiles: dict[str, Profile | AccountUnavailable] = {}
    pending = [r for r in refs if not r.platform_id]
    for batch in chunks(pending, collector.profile_batch):
        try:
            answers = collector.resolve_many(batch)
        except ApiError as exc:
            for ref in batch:
                tally.error(ref, "resolve", exc)
            continue
        for ref in batch:
            answer = answers.get(ref.id)
            if answer is None:
                tally.error(ref, "resolve", LookupError("the platform did not answer for it"))
                continue
            with session_scope(engine) as session:
                account = session.get(Account, ref.id)
                assert account is not None
                if isinstance(answer, AccountUnavailable):
                    _unavailable(session, account, answer, now)
                    continue
                clash = session.exec(
                    select(Account).where(
                        Account.platform == ref.platform,
                        Account.platform_id == answer.platform_id,
                        Account.id != ref.id,
                    )
                ).first()
                if clash is not None:
                    tally.error(
                        ref,
                        "resolve",
                        ValueError(
                            f"{ref.handle} is the same account as registered {clash.handle} "
                            f"({answer.platform_id}); remove one of them"
                        ),
                    )
                    continue
                account.platform_id = answer.platform_id
                session.add(account)
            resolved.append(replace(ref, platform_id=answer.platform_id))
            profiles[answer.platform_id] = answer
    return resolved, profiles


def collect_platform(
    engine: Engine,
    settings: Settings,
    platform: str,
    *,
    person_id: int | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
    collector: Collector | None = None,
) -> CollectionRun:
    """One round on one platform; returns its CollectionRun (already saved).

    Errors are recorded in the run, never raised: an account's in its `errors` (status
    `partial`, or `failed` when every account failed), anything that stops the platform's
    round (a failed login, a bug) as status `failed`. A service stop (SIGTERM) ends the
    round after the account in hand, without the deletion sweep, as status `stopped`. Only
    an interruption (KeyboardInterrupt, SystemExit) propagates; the run is then left
    `running` and the next round marks it `interrupted`.
    """
    now = now or datetime.now(UTC)
    began = datetime.now(UTC)  # the round's own duration, added to the clock it runs on
    progress = progress or Progress()
    tally = _Tally()
    with session_scope(engine) as session:
        for stale in session.exec(
            select(CollectionRun).where(
                CollectionRun.platform == platform, CollectionRun.status == "running"
            )
        ):
            stale.status = "interrupted"
            session.add(stale)
        # On the clock the round runs on (a replay's, the demo's), like every row it writes.
        run = CollectionRun(platform=platform, started_at=now)
        session.add(run)
        session.flush()
        refs = _accounts(session, platform, person_id)
        run.accounts = len(refs)
    progress.start(platform, len(refs))
    status = "failed"
    stage = "resolve"
    try:
        if collector is None:
            collector = collector_for(platform, settings)
        resolved, profiles = _resolve_pending(engine, collector, refs, now, tally)
        stage = "profile batch"
        todo = [r for r in resolved if r.platform_id not in profiles]
        for batch in chunks(todo, collector.profile_batch):
            try:
                profiles.update(collector.fetch_profiles(batch))
            except ApiError as exc:
                for ref in batch:
                    tally.error(ref, "profile", exc)
        by_id = {r.id: r for r in resolved}
        stage = "timeline"
        ordered = [by_id.get(r.id, r) for r in refs]
        due, stopped = _timelines(
            engine, collector, ordered, profiles, settings, now, tally, progress, platform
        )
        if not stopped:  # a stop skips the deletion sweep too: the next round does it
            stage = "deletion sweep"
            _sweep(engine, collector, due, settings, now, tally)
        _mark_errors(engine, tally, now)
        status = "stopped" if stopped else _round_status(refs, tally)
    except StopRequested as stop:  # in a wait outside the accounts' loop
        _mark_errors(engine, tally, now)
        tally.stopped(stage, None, None, stop.describe())
        status = "stopped"
    except Exception as exc:
        log.exception("%s: the round stopped", platform)
        tally.error(None, "round", exc)
    if collector is not None:
        collector.close()
    budget = collector.budget if collector is not None else ApiBudget()
    with session_scope(engine) as session:
        saved = session.get(CollectionRun, run.id)
        assert saved is not None
        saved.finished_at = now + (datetime.now(UTC) - began)
        saved.status = status
        saved.api_calls = budget.calls
        saved.rate_limited = budget.rate_limited
        saved.posts_read = budget.posts_read
        saved.rate_limits = dict(budget.rate_limits)
        saved.new_posts = tally.new
        saved.updated_posts = tally.updated
        saved.deleted_posts = tally.deleted
        saved.errors = tally.errors
        session.add(saved)
    progress.finish(platform, saved)
    return saved


def _timelines(
    engine: Engine,
    collector: Collector,
    refs: list[AccountRef],
    profiles: dict[str, Profile | AccountUnavailable],
    settings: Settings,
    now: datetime,
    tally: _Tally,
    progress: Progress,
    platform: str,
) -> tuple[list[tuple[AccountRef, int | None, bool]], bool]:
    """Every account's timeline and writes, `collection.concurrency` accounts at a time.

    A round's time is mostly waiting for the platform, so several accounts' calls are in
    flight together, on one client (its budget counts under a lock); each account is read,
    fetched and saved by one worker in its own transaction, and everything else (the tally,
    progress, the accounts refused) happens here, in the round's thread. A stop request
    submits no further account; the ones in hand finish. Returns the accounts due a
    deletion sweep and whether the round was stopped."""
    due: list[tuple[AccountRef, int | None, bool]] = []
    stopped = False
    waiting = [(i, ref) for i, ref in enumerate(refs)]
    waiting.reverse()  # popped from the end: in the accounts' order
    in_flight: dict[Future[_AccountOutcome], tuple[int, AccountRef]] = {}

    def one(ref: AccountRef, profile: Profile | AccountUnavailable) -> _AccountOutcome:
        with session_scope(engine) as session:
            return _collect_account(session, collector, ref, profile, settings, now)

    def submit(pool: ThreadPoolExecutor) -> None:
        nonlocal stopped
        while waiting and not stopped:
            index, ref = waiting[-1]
            if stop_requested():  # SIGTERM: end after the accounts in hand; the rest is next
                log.info(
                    "%s: stop requested; the remaining accounts wait for the next round", platform
                )
                tally.stopped("timeline", ref, len(waiting), "stop requested before")
                stopped = True
                return
            waiting.pop()
            profile = profiles.get(ref.platform_id or "")
            if profile is None:  # unresolved or failed: already recorded
                progress.advance(platform, ref.handle)
                continue
            in_flight[pool.submit(one, ref, profile)] = (index, ref)
            return

    workers = max(1, settings.collection.concurrency)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"collect-{platform}") as pool:
        for _ in range(workers):
            submit(pool)
        while in_flight:
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: in_flight[f][0]):
                _, ref = in_flight.pop(future)
                try:
                    outcome = future.result()
                    tally.new += outcome.new
                    tally.updated += outcome.updated
                    if outcome.sweep:
                        due.append((ref, outcome.post_count, outcome.paged))
                except StopRequested as stop:  # a wait cut short: this account is next round's
                    if not stopped:
                        tally.stopped("timeline", ref, len(waiting) + 1, stop.describe())
                    stopped = True
                except AccountUnavailable as problem:  # refused between profile and timeline
                    with session_scope(engine) as session:
                        account = session.get(Account, ref.id)
                        assert account is not None
                        _unavailable(session, account, problem, now)
                except Exception as exc:  # one account's trouble never stops the round
                    tally.error(ref, "timeline", exc)
                finally:
                    progress.advance(platform, ref.handle)
                submit(pool)
    order = {ref.id: i for i, ref in enumerate(refs)}
    due.sort(key=lambda item: order[item[0].id])
    return due, stopped


def _round_status(refs: list[AccountRef], tally: _Tally) -> str:
    """`ok` without errors; `failed` when every account of the round failed (nothing was
    collected, as when the round itself stopped); `partial` otherwise."""
    if not tally.errors:
        return "ok"
    failed = {e["account_id"] for e in tally.errors if "account_id" in e}
    if refs and all(ref.id in failed for ref in refs):
        return "failed"
    return "partial"


def enabled_platforms(settings: Settings) -> list[str]:
    """The registered platforms whose `[platforms.NAME] enabled` is true, in registry order."""
    return [name for name in platforms.names() if settings.platforms.section(name).enabled]


def collect(
    engine: Engine,
    settings: Settings,
    platform: str | None = None,
    person_id: int | None = None,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> list[CollectionRun]:
    """A round on every enabled platform (or one), for every active account (or a person's)."""
    platforms = [platform] if platform else enabled_platforms(settings)
    return [
        collect_platform(engine, settings, p, person_id=person_id, now=now, progress=progress)
        for p in platforms
    ]
