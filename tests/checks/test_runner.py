"""`socialaudit check`: findings in the store, idempotent, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from socialaudit.cli import app
from socialaudit.config import load_settings
from socialaudit.models import (
    Account,
    AccountStatus,
    Finding,
    Person,
    Post,
    ProfileSnapshot,
    ReferencedPost,
    ReviewStatus,
)
from socialaudit.pipeline.check_runner import run_checks

T0 = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


def _settings(tmp_path, extra: str = ""):
    path = tmp_path / "audit.toml"
    path.write_text(
        '[[politics]]\ncountry = "GB"\nparties = ["Example Party"]\n'
        'candidates = ["Jane Example"]\naccounts = ["@exampleparty"]\n' + extra
    )
    return load_settings(path, environ={})


def _person(session: Session, name: str = "Ana Lima") -> tuple[Person, Account]:
    person = Person(name=name, email="ana@example.org")
    session.add(person)
    session.flush()
    account = Account(
        person_id=person.id,
        platform="x",
        platform_id="100",
        handle="analima",
        status=AccountStatus.OK,
    )
    session.add(account)
    session.flush()
    return person, account


def _post(session: Session, account: Account, pid: str, text: str, at: datetime, **kw) -> Post:
    post = Post(
        account_id=account.id, platform="x", platform_id=pid, created_at=at, text=text, **kw
    )
    session.add(post)
    session.flush()
    return post


def test_check_stores_findings_once_and_stamps_checked_at(engine, tmp_path) -> None:
    settings = _settings(tmp_path)
    with Session(engine, expire_on_commit=False) as session:
        person, account = _person(session)
        session.add(
            ProfileSnapshot(
                account_id=account.id,
                handle="analima",
                bio="Campaigner at Amnesty.",
                content_hash="h1",
                seen_at=T0,
            )
        )
        _post(session, account, "1", "Polls open! #VoteForJaneExample", T0)
        _post(session, account, "2", "Vote for the resolution today.", T0 + timedelta(hours=1))
        session.commit()
    first = run_checks(engine, settings)
    assert (first.posts, first.profiles, first.new_findings) == (2, 1, 2)
    with Session(engine, expire_on_commit=False) as session:
        rows = session.exec(select(Finding).order_by(Finding.rule_code)).all()
        assert [(f.rule_code, f.subject_type) for f in rows] == [
            ("NPT201", "post"),
            ("TRN101", "profile"),
        ]
        npt = rows[0]
        assert npt.week == "2026-W47" and npt.post_id is not None and npt.person_id == person.id
        assert npt.evidence[0]["text"] == "VoteForJaneExample"
        assert all(p.checked_at is not None for p in session.exec(select(Post)).all())
    again = run_checks(engine, settings)
    assert (again.posts, again.new_findings) == (0, 0)
    # An edit clears checked_at: the post is checked again; the same finding is not added twice.
    with Session(engine, expire_on_commit=False) as session:
        post = session.exec(select(Post).where(Post.platform_id == "1")).one()
        post.checked_at = None
        session.add(post)
        session.commit()
    third = run_checks(engine, settings)
    assert (third.posts, third.new_findings, third.already_known) == (1, 0, 1)
    with Session(engine, expire_on_commit=False) as session:
        assert len(session.exec(select(Finding)).all()) == 2


def test_false_positive_is_not_raised_again(engine, tmp_path) -> None:
    settings = _settings(tmp_path)
    with Session(engine, expire_on_commit=False) as session:
        _, account = _person(session)
        _post(session, account, "1", "CONFIDENTIAL: next year's plan", T0)
        session.commit()
    assert run_checks(engine, settings).new_findings == 1
    with Session(engine, expire_on_commit=False) as session:
        finding = session.exec(select(Finding)).one()
        finding.review_status = ReviewStatus.FALSE_POSITIVE
        session.add(finding)
        post = session.exec(select(Post)).one()
        post.text = "Next year's plan (CONFIDENTIAL), edited"
        post.checked_at = None
        session.add(post)
        session.commit()
    summary = run_checks(engine, settings)
    assert (summary.new_findings, summary.suppressed) == (0, 1)


def test_thread_rules_read_the_store(engine, tmp_path) -> None:
    settings = _settings(tmp_path)
    with Session(engine, expire_on_commit=False) as session:
        _, account = _person(session)
        session.add(
            ReferencedPost(
                platform="x",
                platform_id="h1",
                author_id="666",
                author_handle="angry_critic",
                created_at=T0 + timedelta(minutes=20),
                text="You people are pathetic liars, you absolute clowns",
            )
        )
        for i in range(2, 5):
            session.add(
                ReferencedPost(
                    platform="x",
                    platform_id=f"h{i}",
                    author_id="666",
                    author_handle="angry_critic",
                    created_at=T0 + timedelta(minutes=20 * i),
                    text=f"Still waiting for an answer ({i})",
                )
            )
        for i in range(1, 5):
            _post(
                session,
                account,
                f"r{i}",
                f"Our report cites the evidence, point {i}.",
                T0 + timedelta(minutes=20 * i + 3),
                kind="reply",
                reply_to_id=f"h{i}",
                reply_to_account_id="666",
                conversation_id="c1",
            )
        session.add(
            ReferencedPost(
                platform="x",
                platform_id="party1",
                author_id="777",
                author_handle="exampleparty",
                text="Our manifesto",
            )
        )
        _post(
            session,
            account,
            "rt",
            "",
            T0,
            kind="repost",
            repost_of_id="party1",
            repost_of_account_id="777",
        )
        session.commit()
    run_checks(engine, settings)
    with Session(engine, expire_on_commit=False) as session:
        rows = session.exec(select(Finding, Post).join(Post, Finding.post_id == Post.id)).all()
        found = sorted((f.rule_code, p.platform_id) for f, p in rows)
    assert found == [("NPT202", "rt"), ("RSP502", "r1"), ("RSP503", "r4")]


def test_disclaimer_removed_compares_with_previous_snapshot(engine, tmp_path) -> None:
    settings = _settings(tmp_path)
    with Session(engine, expire_on_commit=False) as session:
        _, account = _person(session)
        session.add(
            ProfileSnapshot(
                account_id=account.id,
                handle="analima",
                content_hash="a",
                bio="Press officer, Amnesty. Views my own.",
                seen_at=T0,
            )
        )
        session.add(
            ProfileSnapshot(
                account_id=account.id,
                handle="analima",
                content_hash="b",
                bio="Press officer, Amnesty.",
                seen_at=T0 + timedelta(days=3),
            )
        )
        session.commit()
    run_checks(engine, settings)
    with Session(engine, expire_on_commit=False) as session:
        codes = sorted(f.rule_code for f in session.exec(select(Finding)).all())
    assert codes == ["TRN101", "TRN103"]


def test_check_command_exits_1_on_new_findings_then_0(cli_env, runner, engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        _, account = _person(session)
        _post(session, account, "1", "Call me on 020 7946 0321 after the vigil", T0)
        session.commit()
    first = runner.invoke(app, ["check"])
    assert first.exit_code == 1, first.output
    assert "1 new finding(s) (CNF305 1)" in first.stdout
    second = runner.invoke(app, ["check"])
    assert second.exit_code == 0 and "0 new finding(s)" in second.stdout
