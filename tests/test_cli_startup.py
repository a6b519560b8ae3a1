"""`scan`, `rules` and `draft` start without the libraries other commands need.

Start-up is most of what a small `scan` costs, and it was 7.8 CPU seconds when every command
imported pandas, matplotlib, SQLAlchemy, APScheduler and scikit-learn. Each command runs in a
fresh interpreter here, and the modules it loaded are read from `sys.modules` at exit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = {
    "pandas",
    "matplotlib",
    "apscheduler",
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "fastapi",
    "jinja2",
    "sklearn",
    "scipy",
    "numpy",
    "joblib",
    "tweepy",
    "atproto",
    "mastodon",
}

RUNNER = """
import json, os, sys
from socialaudit.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
with open(os.environ["MODULES_OUT"], "w") as out:
    json.dump({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}, out)
"""


def _run(tmp_path: Path, *args: str) -> tuple[int, set[str]]:
    out = tmp_path / "modules.json"
    env = {**os.environ, "MODULES_OUT": str(out)}
    env.pop("SOCIALAUDIT_CONFIG", None)
    subprocess.run(
        [sys.executable, "-c", RUNNER, *args],
        cwd=tmp_path,
        env=env,
        check=False,
        capture_output=True,
        timeout=120,
    )
    data = json.loads(out.read_text())
    return data["code"], set(data["modules"])


def test_scan_imports_only_what_it_needs(tmp_path: Path) -> None:
    items = [
        # Rough words without profanity: this one reaches the classifier.
        {
            "kind": "post",
            "id": "p1",
            "platform": "x",
            "author": "a",
            "created_at": "2026-11-20T09:30:00Z",
            "text": "@critic you absolute clown, read it first",
        },
        {
            "kind": "post",
            "id": "p2",
            "platform": "x",
            "author": "a",
            "created_at": "2026-11-20T09:31:00Z",
            "text": "Call her on 07911 123456",
        },
        {"kind": "profile", "id": "u1", "platform": "x", "handle": "a", "bio": "Hi"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(i) + "\n" for i in items))
    code, modules = _run(tmp_path, "scan", str(source))
    assert code == 1  # findings: the check really ran, classifier included
    assert "checks" in modules and "ahocorasick" in modules
    assert not modules & HEAVY, sorted(modules & HEAVY)


@pytest.mark.parametrize("args", [("rules",), ("rules", "NPT201"), ("draft", "You absolute clown")])
def test_rules_and_draft_import_only_what_they_need(tmp_path: Path, args: tuple[str, ...]) -> None:
    code, modules = _run(tmp_path, *args)
    assert code in (0, 1)
    assert "checks" in modules
    assert not modules & HEAVY, sorted(modules & HEAVY)


def test_other_commands_still_load_their_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lazy registry finds every command: `db current` opens the database."""
    monkeypatch.setenv("SOCIALAUDIT_DATABASE_URL", f"sqlite:///{tmp_path / 'a.db'}")
    assert _run(tmp_path, "db", "upgrade")[0] == 0  # only `db upgrade` creates a database
    code, modules = _run(tmp_path, "db", "current")
    assert code == 0
    assert "sqlalchemy" in modules and "alembic" in modules


def test_an_empty_report_draws_no_frame_and_no_chart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The weekly report counts in SQL: an empty week loads neither pandas nor matplotlib
    (about 4 s of start-up on a loaded machine), and still writes its three files."""
    monkeypatch.setenv("SOCIALAUDIT_DATABASE_URL", f"sqlite:///{tmp_path / 'a.db'}")
    assert _run(tmp_path, "db", "upgrade")[0] == 0
    code, modules = _run(tmp_path, "report", "--week", "2026-W10", "-o", str(tmp_path / "out"))
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "report-2026-W10.csv",
        "report-2026-W10.html",
        "report-2026-W10.json",
    ]
    assert "sqlalchemy" in modules and "jinja2" in modules  # it did read and render
    unused = {"pandas", "matplotlib", "numpy", "sklearn", "scipy", "apscheduler", "fastapi"}
    assert not modules & unused, sorted(modules & unused)
