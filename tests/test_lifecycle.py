"""Outcomes in the store and MST801, idempotent, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from reports.lifecycle import outcomes_table
from socialaudit.config import load_settings
from socialaudit.models import Account, Finding, Person, Post, PostOutcome
from socialaudit.pipeline.lifecycle import update_outcomes

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # Monday of 2026-W47
H = timedelta(hours=1)
TEXT = "New report: 1,200 people held in Freedonia's detention centres, we found."


def _seed(engine: Engine) -> None:
    with Session(engine) as session:
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

        def post(pid: str, text: str, at: timedelta, **kw: object) -> Post:
            row = Post(
                account_id=account.id,
                platform="bluesky",
                platform_id=pid,
                created_at=T0 + at,
                text=text,
                **kw,
            )  # type: ignore[arg-type]
            session.add(row)
            return row

        post("silent", TEXT, 0 * H, deleted_at=T0 + 2 * H, deletion_cause="deleted")
        post(
            "fixed",
            "The vigil is on Friday at 6pm.",
            3 * H,
            deleted_at=T0 + 4 * H,
            deletion_cause="deleted",
        )
        post("fixed-2", "The vigil is on Saturday at 6pm.", 5 * H)
        flagged = post(
            "flagged",
            "Internal memo: do not forward",
            6 * H,
            deleted_at=T0 + 7 * H,
            deletion_cause="deleted",
        )
        post("typo", "Relase the prisoners now", 8 * H, edited=True)
        post("wrong", "Turnout was 5,000 people.", 9 * H)
        post(
            "wrong-fix",
            "Correction: turnout was 3,000 people.",
            10 * H,
            kind="reply",
            reply_to_id="wrong",
        )
        post(
            "protected",
            "Something",
            11 * H,
            deleted_at=T0 + 12 * H,
            deletion_cause="account-protected",
        )
        session.flush()
        session.add(
            Finding(
                fingerprint="cnf",
                rule_code="CNF301",
                rule_name="confidential-marker",
                severity="high",
                subject_type="post",
                person_id=person.id,
                account_id=account.id,
                post_id=flagged.id,
                week="2026-W47",
            )
        )
        session.commit()


def test_outcomes_and_mst801(engine: Engine) -> None:
    _seed(engine)
    settings = load_settings(environ={})
    now = T0 + 100 * H
    first = update_outcomes(engine, settings, now=now)
    assert first.findings == 1
    with Session(engine) as session:
        outcomes = {
            session.get(Post, o.post_id).platform_id: o  # type: ignore[union-attr]
            for o in session.exec(select(PostOutcome)).all()
        }
        assert {k: o.outcome for k, o in outcomes.items()} == {
            "silent": "deleted-without-correction",
            "fixed": "deleted-then-corrected",
            "flagged": "deleted-after-flag",
            "typo": "corrected-by-edit",
            "wrong": "corrected-openly",
            "protected": "account-protected",
        }
        assert outcomes["silent"].seconds_to_delete == 2 * 3600
        assert outcomes["fixed"].seconds_to_correct == 2 * 3600
        mst = session.exec(select(Finding).where(Finding.rule_code == "MST801")).all()
        assert len(mst) == 1 and mst[0].week == "2026-W47"
        assert mst[0].evidence[0]["text"] == TEXT
        assert "deleted 2 h after it was published" in mst[0].message
    # Idempotent: running again changes nothing and raises nothing new.
    again = update_outcomes(engine, settings, now=now)
    assert again.findings == 0
    with Session(engine) as session:
        assert len(session.exec(select(PostOutcome)).all()) == 6
        assert len(session.exec(select(Finding).where(Finding.rule_code == "MST801")).all()) == 1


def test_window_open_then_closed(engine: Engine) -> None:
    _seed(engine)
    settings = load_settings(environ={})
    early = update_outcomes(engine, settings, now=T0 + 10 * H)
    assert early.findings == 0
    assert early.decided["awaiting-correction"] == 1
    late = update_outcomes(engine, settings, now=T0 + 60 * H)
    assert late.findings == 1


def test_outcomes_table(engine: Engine) -> None:
    _seed(engine)
    update_outcomes(engine, load_settings(environ={}), now=T0 + 100 * H)
    table = outcomes_table(engine, ["2026-W47"])
    counts = dict(zip(table["outcome"], table["posts"], strict=True))
    assert counts["deleted-without-correction"] == 1 and counts["corrected-openly"] == 1
    assert set(table["person"]) == {"Ana Lima"}
    assert outcomes_table(engine, ["2026-W01"]).empty
