"""The review queue through the CLI: list, decide, repeat safely, and the report shows it."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from reports import review, weekly
from socialaudit.cli import app
from socialaudit.config import load_settings
from socialaudit.db import session_scope
from socialaudit.models import Finding
from socialaudit.weeks import Week
from tests.reports.seed import seed_week


def run(runner: CliRunner, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    return result.output


def test_review_flow(runner: CliRunner, cli_env: dict, engine: Engine) -> None:
    with session_scope(engine) as session:
        ids = seed_week(session)
    listing = run(runner, "review", "list", "--week", "2026-W47", "--status", "open")
    assert "4 findings" in listing and "NPT201 political-endorsement" in listing
    assert listing.index("high") < listing.index("review")

    out = run(
        runner,
        "review",
        str(ids["high"]),
        "--as",
        "false-positive",
        "--note",
        "Quoting a party's slogan to criticise it",
        "--by",
        "Comms Lead",
    )
    assert f"recorded finding {ids['high']} (NPT201) as false-positive by Comms Lead" in out
    again = run(
        runner,
        "review",
        str(ids["high"]),
        "--as",
        "false-positive",
        "--note",
        "Quoting a party's slogan to criticise it",
        "--by",
        "Comms Lead",
    )
    assert "unchanged:" in again
    assert "3 findings" in run(runner, "review", "list", "--status", "open")
    assert "1 findings" in run(runner, "review", "list", "--status", "false-positive")
    run(runner, "review", str(ids["cnf"]), "--as", "acknowledged", "--by", "Comms Lead")

    with Session(engine) as session:
        high = session.get(Finding, ids["high"])
        assert high.review_status == "false-positive" and high.reviewed_by == "Comms Lead"
        assert high.reviewed_at is not None
        # The checks engine asks for the suppressed subjects: rule and post.
        assert ("NPT201", "post", ids["hostile_post"]) in review.suppressed_subjects(session)

    report = weekly.build(engine, load_settings(environ={}), Week.parse("2026-W47"))
    html = weekly.render_html(report)
    assert "Review: <strong>false-positive</strong> by <bdi>Comms Lead</bdi>" in html
    assert "Quoting a party&#39;s slogan to criticise it" in html
    assert "Review: <strong>acknowledged</strong> by <bdi>Comms Lead</bdi>" in html
    # False positives are not counted and are listed last.
    assert report.findings[-1]["id"] == ids["high"]
    assert {f.label: f.value for f in report.figures}["Findings this week"] == 3


def test_false_positive_covers_every_finding_on_the_same_subject(engine: Engine) -> None:
    with session_scope(engine) as session:
        ids = seed_week(session)
        original = session.get(Finding, ids["high"])
        twin = Finding(
            fingerprint="fp-twin",
            rule_code="NPT201",
            rule_name="political-endorsement",
            severity="high",
            subject_type="post",
            person_id=original.person_id,
            account_id=original.account_id,
            post_id=original.post_id,
            week="2026-W48",
        )
        session.add(twin)
    with session_scope(engine) as session:
        review.review_finding(session, ids["high"], review.parse_decision("false-positive"), "A")
    with Session(engine) as session:
        statuses = session.exec(
            select(Finding.review_status).where(Finding.rule_code == "NPT201")
        ).all()
    assert statuses == ["false-positive", "false-positive"]


def test_review_errors_are_one_line(runner: CliRunner, cli_env: dict, engine: Engine) -> None:
    with session_scope(engine) as session:
        ids = seed_week(session)
    out = run(runner, "review", "999999", "--as", "resolved", code=2)
    assert "finding 999999: no such finding" in out
    out = run(runner, "review", str(ids["high"]), "--as", "fine", code=2)
    assert "--as: expected one of false-positive, acknowledged, resolved, open, got 'fine'" in out
    assert "say the decision with --as" in run(runner, "review", str(ids["high"]), code=2)
    assert "expected 'list' or a finding id" in run(runner, "review", "lsit", code=2)
    assert "--status: expected one of" in run(runner, "review", "list", "--status", "x", code=2)
    assert "--by: the name" in run(
        runner, "review", str(ids["high"]), "--as", "resolved", "--by", " ", code=2
    )
    with Session(engine) as session:
        assert session.get(Finding, ids["high"]).review_status == "open"
