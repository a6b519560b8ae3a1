"""The dashboard's compliance rate is the weekly report's rate, week by week, and the weekly
aggregates it reads (`week_aggregate`) count what the findings table holds after every change:
new findings, review decisions, deletions."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from reports import dashboard, review, weekly
from socialaudit import aggregates
from socialaudit.config import load_settings
from socialaudit.db import session_scope
from socialaudit.models import (
    Account,
    Finding,
    Person,
    ProfileSnapshot,
    ReviewDecision,
    ReviewStatus,
    WeekAggregate,
)
from socialaudit.weeks import Week
from tests.reports.seed import MONDAY, seed_week

W47 = Week.parse("2026-W47")


def settings():
    return load_settings(environ={"SOCIALAUDIT_REPORTS_MIN_GROUP_SIZE": "1"})


def _add(session, n: int, person: Person, week: str, status: str, severity: str = "medium"):
    session.add(
        Finding(
            fingerprint=f"agree-{n}",
            rule_code="RSP501",
            rule_name="hostile-reply",
            severity=severity,
            week=week,
            subject_type="post",
            person_id=person.id,
            review_status=status,
        )
    )


def _seed(engine: Engine) -> dict[str, int]:
    """The report seed, plus findings across earlier weeks in every review state and a
    profile that fell short in W45 and was fixed in W46."""
    with session_scope(engine) as session:
        ids = seed_week(session, people=12)
        people = session.exec(select(Person).order_by(Person.id)).all()
        for n, (person, week, status, severity) in enumerate(
            [
                (people[3], "2026-W44", "open", "review"),  # open: needs attention from W44
                (people[4], "2026-W45", "acknowledged", "info"),
                (people[5], "2026-W45", "resolved", "high"),  # flagged in W45 only
                (people[6], "2026-W46", "false-positive", "high"),  # counts nowhere
                (people[7], "2026-W48", "open", "medium"),  # after the span
            ]
        ):
            _add(session, n, person, week, status, severity)
        account = session.exec(select(Account).where(Account.person_id == people[8].id)).first()
        assert account is not None
        for k, (seen, bio) in enumerate(
            [
                (MONDAY - timedelta(days=14), "No disclaimer"),
                (MONDAY - timedelta(days=6), "Views my own"),
            ]
        ):
            snapshot = ProfileSnapshot(
                account_id=account.id,
                handle=account.handle,
                bio=bio,
                fields=[],
                content_hash=f"agree-{k}",
                seen_at=seen,
            )
            session.add(snapshot)
            session.flush()
            if k == 0:
                session.add(
                    Finding(
                        fingerprint="agree-profile",
                        rule_code="TRN101",
                        rule_name="missing-views-disclaimer",
                        severity="medium",
                        week="2026-W45",
                        subject_type="profile",
                        person_id=people[8].id,
                        account_id=account.id,
                        snapshot_id=snapshot.id,
                        review_status="resolved",
                    )
                )
    return ids


def _agree(engine: Engine, weeks: int = 8) -> None:
    board = dashboard.build(engine, settings(), weeks, until=W47)
    for label in board.weeks:
        shown = weekly.build(engine, settings(), Week.parse(label)).figure("compliance").value
        rate = board.compliance.loc[label, dashboard.TOTAL]
        if shown is None:
            assert math.isnan(rate), label
        else:
            assert rate == pytest.approx(shown), label


def _aggregates_hold(engine: Engine) -> None:
    """Every stored row equals the count made here from the findings themselves."""
    with session_scope(engine) as session:
        expected: dict[tuple, list[int]] = {}
        for f in session.exec(select(Finding)).all():
            row = expected.setdefault((f.week, f.person_id, f.rule_code, f.severity), [0, 0, 0, 0])
            row[0] += f.review_status != ReviewStatus.FALSE_POSITIVE
            row[1] += f.review_status in (ReviewStatus.OPEN, ReviewStatus.ACKNOWLEDGED)
            row[2] += f.review_status == ReviewStatus.OPEN
            row[3] += 1
        stored = {
            (a.week, a.person_id, a.rule_code, a.severity): [
                a.findings,
                a.outstanding,
                a.unreviewed,
                a.total,
            ]
            for a in session.exec(select(WeekAggregate)).all()
        }
    assert stored == expected


def test_dashboard_rate_is_the_report_rate(engine: Engine) -> None:
    _seed(engine)
    _agree(engine)
    board = dashboard.build(engine, settings(), 8, until=W47)
    total = board.compliance[dashboard.TOTAL]
    # The open finding of W44 keeps its person needing attention every week after it.
    assert total.loc["2026-W44"] < 1 and total.loc["2026-W46"] < 1
    # Never shown as 100% while something needs attention: floored like the report's.
    assert dashboard._pct(0.996) == "99%" and dashboard._pct(1.0) == "100%"


def test_aggregates_follow_checks_reviews_and_deletions(engine: Engine) -> None:
    ids = _seed(engine)
    assert aggregates.sync(engine) > 0  # the seed's findings, counted once
    _aggregates_hold(engine)
    assert aggregates.sync(engine) == 0  # nothing changed: a read
    # A review decision refreshes its own week and person at once.
    with session_scope(engine) as session:
        review.review_finding(session, ids["review"], ReviewStatus.FALSE_POSITIVE, "lead", None)
    _aggregates_hold(engine)
    _agree(engine)
    # Undoing it puts back an older `reviewed_at`, which no sync would see: undo refreshes.
    with session_scope(engine) as session:
        decision = session.exec(
            select(ReviewDecision).order_by(ReviewDecision.id.desc())  # type: ignore[union-attr]
        ).first()
        assert decision is not None
        review.undo_decision(session, decision.id, "lead")
    _aggregates_hold(engine)
    _agree(engine)
    # A finding deleted (the retention purge) is noticed by the next sync.
    with session_scope(engine) as session:
        session.execute(sa.delete(Finding).where(Finding.fingerprint == "agree-0"))
    assert aggregates.sync(engine) > 0
    _aggregates_hold(engine)
    _agree(engine)
    # A finding added (as `check` adds them) is counted by the sync after the check.
    with session_scope(engine) as session:
        person = session.exec(select(Person).order_by(Person.id)).first()
        _add(session, 99, person, "2026-W46", "open", "high")
    assert aggregates.sync(engine) == 1
    _aggregates_hold(engine)
    _agree(engine)
