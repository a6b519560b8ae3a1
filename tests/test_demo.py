"""`socialaudit demo`: the whole pipeline on the sandbox, end to end through the CLI."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from checks.registry import get_rule
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
    assert reports == ["report-2026-W45.html", "report-2026-W46.html"]
    assert list((out / "reports").glob("dashboard-*.html"))
    assert list((out / "outbox").rglob("*.eml"))
    with sqlite3.connect(out / "socialaudit.db") as db:
        codes = {row[0] for row in db.execute("select distinct rule_code from finding")}
        platforms = {row[0] for row in db.execute("select distinct platform from post")}
    families = {get_rule(code).family for code in codes}
    assert {
        "transparency",
        "partisanship",
        "confidentiality",
        "embargo",
        "respect",
        "copyright",
    } <= families
    assert platforms == {"x", "bluesky", "mastodon"}
    week = (out / "reports" / "report-2026-W45.html").read_text(encoding="utf-8")
    assert "TRN101" in week and "<script" not in week
