"""`socialaudit nudge` as an operator runs it: default week, dry run, exit codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select
from typer.testing import CliRunner

from socialaudit.cli import app
from socialaudit.db import make_engine
from socialaudit.models import Account, Finding, Nudge, Person, Post
from socialaudit.weeks import Week
from tests.smtp_server import Behaviour, SmtpServer

TZ = "Europe/London"  # the default organisation time zone


def seed_last_week(db_url: str) -> None:
    """Two people with a finding in the last complete week (the command's default)."""
    week = Week.last_complete(TZ)
    start, _ = week.bounds(TZ)
    engine = make_engine(db_url)
    with Session(engine) as session:
        for i, name in enumerate(["Gil Santos", "Hana Ito"]):
            person = Person(name=name, email=f"{name.split()[0].lower()}@example.org")
            session.add(person)
            session.flush()
            account = Account(person_id=person.id, platform="x", platform_id=f"id{i}", handle=name)
            session.add(account)
            session.flush()
            post = Post(
                account_id=account.id,
                platform="x",
                platform_id=f"p{i}",
                created_at=start + timedelta(days=1, hours=i),
                text=f"Internal only: draft for {name}",
            )
            session.add(post)
            session.flush()
            session.add(
                Finding(
                    fingerprint=f"f{i}",
                    rule_code="CNF301",
                    rule_name="confidential-marker",
                    severity="medium",
                    subject_type="post",
                    person_id=person.id,
                    account_id=account.id,
                    post_id=post.id,
                    week=str(week),
                )
            )
        session.commit()
    engine.dispose()


def count_nudges(db_url: str) -> int:
    engine = make_engine(db_url)
    with Session(engine) as session:
        count = len(session.exec(select(Nudge)).all())
    engine.dispose()
    return count


def test_nudge_command(
    runner: CliRunner, cli_env: dict, db_url: str, tmp_path: Path, monkeypatch
) -> None:
    seed_last_week(db_url)
    monkeypatch.setenv("SOCIALAUDIT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SOCIALAUDIT_SMTP_SECURITY", "none")

    result = runner.invoke(app, ["nudge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "2 written" in result.output
    week = str(Week.last_complete(TZ))
    assert len(list((tmp_path / "data" / "outbox" / week).glob("*.eml"))) == 2
    assert count_nudges(db_url) == 0

    with SmtpServer(Behaviour(refuse={"hana@example.org"})) as server:
        monkeypatch.setenv("SOCIALAUDIT_SMTP_PORT", str(server.port))
        result = runner.invoke(app, ["nudge"])
    assert result.exit_code == 1, result.output  # one could not be delivered
    assert "1 sent" in result.output and "1 failed" in result.output
    assert [r.rcpt_tos for r in server.received] == [["gil@example.org"]]

    with SmtpServer() as server:
        monkeypatch.setenv("SOCIALAUDIT_SMTP_PORT", str(server.port))
        result = runner.invoke(app, ["nudge", "--week", week, "--person", "Hana Ito"])
        assert result.exit_code == 0, result.output
        again = runner.invoke(app, ["nudge"])
        assert again.exit_code == 0 and "2 already sent" in again.output
    assert [r.rcpt_tos for r in server.received] == [["hana@example.org"]]
    assert count_nudges(db_url) == 2


def test_nudge_command_errors(runner: CliRunner, cli_env: dict, monkeypatch) -> None:
    result = runner.invoke(app, ["nudge", "--week", "2026-47"])
    assert result.exit_code == 2
    assert "week: expected an ISO week such as 2026-W47" in result.output
    this_week = str(Week.of(datetime.now(UTC), TZ))
    result = runner.invoke(app, ["nudge", "--week", this_week])
    assert result.exit_code == 2 and "has not ended yet" in result.output
    result = runner.invoke(app, ["nudge", "--person", "Nobody"])
    assert result.exit_code == 2 and "no registered person called 'Nobody'" in result.output
    monkeypatch.setenv("SOCIALAUDIT_NUDGES_ENABLED", "false")
    result = runner.invoke(app, ["nudge"])
    assert result.exit_code == 0 and "nudges are switched off" in result.output
