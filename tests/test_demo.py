"""`socialaudit demo`: the whole pipeline on the sandbox, end to end through the CLI."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from checks.registry import all_rules, get_rule
from socialaudit.cli import app


def test_demo_writes_reports_dashboard_and_nudges(
    runner: CliRunner, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    result = runner.invoke(app, ["demo", "--output", str(tmp_path / "demo"), "--days", "9"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "demo"
    assert "played 9 daily rounds" in result.output
    reports = sorted(p.name for p in (out / "reports").glob("report-*.html"))
    # From the week of the oldest collected post (the seeded history) to the last played.
    assert reports == ["report-2026-W44.html", "report-2026-W45.html", "report-2026-W46.html"]
    html = "".join((out / "reports" / name).read_text(encoding="utf-8") for name in reports)
    assert {rule.code for rule in all_rules() if rule.code in html} == {
        rule.code for rule in all_rules()
    }  # the reports show every rule (so every family)
    (board,) = (out / "reports").glob("dashboard-*.html")
    # Accounts registered today with profiles seen on the simulated clock still count.
    assert 'aria-label="Disclaimer coverage' in board.read_text(encoding="utf-8")
    assert list((out / "outbox").rglob("*.eml"))
    with sqlite3.connect(out / "socialaudit.db") as db:
        codes = {row[0] for row in db.execute("select distinct rule_code from finding")}
        platforms = {row[0] for row in db.execute("select distinct platform from post")}
        outcomes = {row[0] for row in db.execute("select distinct outcome from postoutcome")}
    # Every rule of the registry fires through collect and check, so every family shows.
    assert codes == {rule.code for rule in all_rules()}
    assert {get_rule(code).family for code in codes} == {rule.family for rule in all_rules()}
    assert platforms == {"x", "bluesky", "mastodon"}
    # Every outcome the sandbox's script plays is in the store (awaiting-correction is
    # transient: by day 9 every window has closed).
    assert outcomes == {
        "corrected-by-edit",
        "corrected-openly",
        "deleted-then-corrected",
        "deleted-without-correction",
        "deleted-after-flag",
        "account-protected",
        "account-suspended",
        "account-deactivated",
        "original-deleted",
    }
    for outcome in sorted(outcomes):
        assert outcome in result.output  # the demo's summary line lists them
    week = (out / "reports" / "report-2026-W45.html").read_text(encoding="utf-8")
    assert "TRN101" in week and "<script" not in week
    # One clock: the rounds played on the sandbox's clock are in the weeks they ran.
    for name in ("report-2026-W45.html", "report-2026-W46.html"):
        page = (out / "reports" / name).read_text(encoding="utf-8")
        assert "No collection round ran" not in page, name
        assert "<h3>Collection rounds this week</h3>\n<table>" in page, name
    # Registered today, collected on a simulated clock: the 12 people still count as audited.
    assert '<div class="value">12</div><div class="label">People audited</div>' in week
    # The weekly report's deletions-and-corrections table names each outcome column.
    for label in (
        "corrected by edit",
        "corrected openly",
        "deleted then corrected",
        "deleted after a flag",
        "deleted without correction (MST801)",
        "unavailable",
    ):
        assert f'<th class="n">{label}</th>' in week, label
    # Chloé deleted her wrong figure and posted the correction 13 h after the original.
    rows = week.split('<section id="lifecycle">')[1].split("</section>")[0].split("<tr>")
    chloe = next(row for row in rows if "Chloé Martin" in row)
    cells = chloe.split('<td class="n">')[1:]
    assert cells[2].startswith('1 <span class="muted">(13 h)</span>')  # deleted then corrected
    with sqlite3.connect(out / "socialaudit.db") as db:
        fates = dict(
            db.execute(
                "select substr(post.text, 1, 20), outcome from postoutcome"
                " join post on post.id = postoutcome.post_id"
                " where post.text like 'The report says 3,000%' or post.text like 'Draft campaign%'"
            ).fetchall()
        )
    assert fates == {
        "The report says 3,00": "deleted-then-corrected",
        "Draft campaign plan ": "deleted-after-flag",
    }
