"""The incremental lifecycle pass keeps exactly the rows the whole-window pass kept.

`tests/previous_lifecycle.py` is the pass as it was before it became incremental, kept
verbatim: it re-decides every changed post of the watch window on every run. After each
incremental run, running it changes nothing: every outcome and every MST801 finding is the
one it would have stored. Checked over the demo world's collection rounds (the store
`make demo` builds: deletions, corrections, edits, protected accounts) and over the cases a
change reaches without touching the post itself (a window closing with time, a finding
dismissed, a reply naming an old post, a new correction window), on both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from collectors.runner import collect
from sandbox.seed import demo_config, people_csv
from sandbox.server import Sandbox
from sandbox.world import World
from socialaudit.config import load_settings
from socialaudit.db import session_scope
from socialaudit.models import Account, Finding, Person, Post, PostOutcome, ReviewStatus
from socialaudit.pipeline.check_runner import run_checks
from socialaudit.pipeline.lifecycle import update_outcomes
from socialaudit.registry import import_people_csv
from tests.collectors.rounds import environ

from .previous_lifecycle import update_outcomes as whole_window_outcomes

ROUND_DAYS = [0, 1, 2, 3, 4, 6, 10, 17]
T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


def _snapshot(engine: Engine) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """Every outcome row and every MST801 finding, as comparable values."""
    with Session(engine) as session:
        outcomes = {
            (
                r.post_id,
                r.person_id,
                r.outcome,
                r.correction_post_id,
                r.event_at.replace(tzinfo=None),
                r.week,
                r.seconds_to_delete,
                r.seconds_to_correct,
            )
            for r in session.exec(select(PostOutcome)).all()
        }
        findings = {
            (f.fingerprint, f.post_id, f.severity, f.week, f.message)
            for f in session.exec(select(Finding).where(Finding.rule_code == "MST801")).all()
        }
    return outcomes, findings


def _assert_whole_window_agrees(engine: Engine, settings: Any, now: datetime) -> None:
    before = _snapshot(engine)
    whole_window_outcomes(engine, settings, now=now)
    after = _snapshot(engine)
    assert after[0] == before[0], (
        f"missing: {sorted(after[0] - before[0])}; extra: {sorted(before[0] - after[0])}"
    )
    assert after[1] == before[1]


def test_demo_rounds_match_the_whole_window_pass(
    sandbox: Sandbox, sandbox_world: World, db_url: str, engine: Engine, tmp_path: Path
) -> None:
    world = sandbox_world
    config = tmp_path / "socialaudit.toml"
    config.write_text(demo_config(sandbox.url), encoding="utf-8")
    settings = load_settings(config, environ=environ(sandbox.url, db_url))
    with session_scope(engine) as session:
        import_people_csv(session, people_csv(world))
    start = world.now
    decided = 0
    for day in ROUND_DAYS:
        world.advance(hours=(start + timedelta(days=day) - world.now).total_seconds() / 3600)
        collect(engine, settings, now=world.now)
        run_checks(engine, settings)
        result = update_outcomes(engine, settings, now=world.now)
        decided += sum(result.decided.values())
        _assert_whole_window_agrees(engine, settings, world.now)
        # A run with nothing new decides nothing and changes nothing.
        again = update_outcomes(engine, settings, now=world.now)
        assert sum(again.decided.values()) == 0 or again.decided.keys() <= {"awaiting-correction"}
        assert again.findings == 0 and again.withdrawn == 0
    outcomes, findings = _snapshot(engine)
    kinds = {row[2] for row in outcomes}
    # The world holds the cases that matter, so agreement is not agreement on nothing.
    assert {"deleted-without-correction", "deleted-then-corrected"} <= kinds, kinds
    assert findings and decided
    with Session(engine) as session:
        undecided = session.exec(select(Post.id).where(col(Post.lifecycle_at).is_(None))).all()
    assert undecided == []


def _account(session: Session) -> Account:
    person = Person(name="Ana Lima", team="Press")
    session.add(person)
    session.flush()
    account = Account(
        person_id=person.id,
        platform="bluesky",
        platform_id="did:plc:ana",
        handle="ana.example",
        status="ok",
    )
    session.add(account)
    session.flush()
    return account


def _post(
    session: Session, account: Account, pid: str, text: str, at: timedelta, **kw: Any
) -> Post:
    row = Post(
        account_id=account.id,
        platform="bluesky",
        platform_id=pid,
        created_at=T0 + at,
        text=text,
        **kw,
    )
    session.add(row)
    session.flush()
    return row


def _outcomes(engine: Engine) -> dict[str, str]:
    with Session(engine) as session:
        return dict(
            session.exec(
                select(Post.platform_id, PostOutcome.outcome).join(
                    PostOutcome, col(PostOutcome.post_id) == Post.id
                )
            ).all()
        )


def test_changes_that_do_not_touch_the_post_reach_its_outcome(
    engine: Engine, tmp_path: Path
) -> None:
    settings = load_settings(environ={})
    with Session(engine) as session:
        account = _account(session)
        _post(
            session,
            account,
            "silent",
            "Turnout at the vigil was 5,000 people.",
            0 * H,
            deleted_at=T0 + 1 * H,
            deletion_cause="deleted",
        )
        flagged = _post(
            session,
            account,
            "flagged",
            "Internal memo: do not forward",
            2 * H,
            deleted_at=T0 + 3 * H,
            deletion_cause="deleted",
        )
        _post(session, account, "old", "The march starts at 3pm on Friday.", 4 * H)
        session.add(
            Finding(
                fingerprint="f-flagged",
                rule_code="CNF301",
                rule_name="confidential",
                severity="high",
                confidence="high",
                subject_type="post",
                person_id=account.person_id,
                account_id=account.id,
                post_id=flagged.id,
                message="m",
                evidence=[],
                week="2026-W47",
            )
        )
        session.commit()
        account_id = account.id

    # Within the window: awaiting; the flagged deletion is the right move.
    update_outcomes(engine, settings, now=T0 + 10 * H)
    assert _outcomes(engine) == {
        "silent": "awaiting-correction",
        "flagged": "deleted-after-flag",
    }
    _assert_whole_window_agrees(engine, settings, T0 + 10 * H)

    # Time alone closes the window; dismissing the finding makes the deletion a silent one.
    with Session(engine) as session:
        finding = session.exec(select(Finding).where(Finding.fingerprint == "f-flagged")).one()
        finding.review_status = ReviewStatus.FALSE_POSITIVE
        session.add(finding)
        session.commit()
    update_outcomes(engine, settings, now=T0 + 60 * H)
    assert _outcomes(engine) == {
        "silent": "deleted-without-correction",
        "flagged": "deleted-without-correction",
    }
    _assert_whole_window_agrees(engine, settings, T0 + 60 * H)

    # A correction replying to an old post, arriving later: the old post is decided again.
    with Session(engine) as session:
        account = session.get(Account, account_id)
        assert account is not None
        _post(
            session,
            account,
            "old-fix",
            "Correction: the march starts at 4pm on Friday.",
            6 * H,
            kind="reply",
            reply_to_id="old",
        )
        session.commit()
    update_outcomes(engine, settings, now=T0 + 61 * H)
    assert _outcomes(engine)["old"] == "corrected-openly"
    _assert_whole_window_agrees(engine, settings, T0 + 61 * H)

    # A longer correction window than the outcomes were decided with: decided again.
    config = tmp_path / "wider.toml"
    config.write_text("[rules.MST801]\nwindow_hours = 100\n", encoding="utf-8")
    wider = load_settings(config, environ={})
    result = update_outcomes(engine, wider, now=T0 + 62 * H)
    assert result.withdrawn == 0 and sum(result.decided.values()) >= 3
    assert _outcomes(engine)["silent"] == "awaiting-correction"
    _assert_whole_window_agrees(engine, wider, T0 + 62 * H)


def test_a_run_with_nothing_changed_reads_no_account(engine: Engine) -> None:
    settings = load_settings(environ={})
    with Session(engine) as session:
        account = _account(session)
        for n in range(30):
            _post(session, account, f"p{n}", f"Post number {n} about the campaign.", n * H)
        _post(
            session,
            account,
            "gone",
            "A post that went",
            31 * H,
            deleted_at=T0 + 32 * H,
            deletion_cause="deleted",
        )
        session.commit()
    first = update_outcomes(engine, settings, now=T0 + 100 * H)
    assert first.decided == {"deleted-without-correction": 1}
    statements: list[str] = []
    from sqlalchemy import event

    @event.listens_for(engine, "before_cursor_execute")
    def _count(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    try:
        again = update_outcomes(engine, settings, now=T0 + 101 * H)
    finally:
        event.remove(engine, "before_cursor_execute", _count)
    assert sum(again.decided.values()) == 0 and again.findings == 0
    assert not any("FROM post\n" in s and "account_id IN" in s for s in statements), statements
    assert len(statements) <= 6, statements
