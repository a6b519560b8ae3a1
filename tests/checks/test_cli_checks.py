"""`socialaudit scan`, `draft` and `rules` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from socialaudit.cli import app

POLITICS = """
[[politics]]
country = "GB"
parties = ["Example Party"]
candidates = ["Jane Example"]
accounts = ["@exampleparty"]
"""


@pytest.fixture
def plain_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No database, no stray config: scan, draft and rules need neither."""
    import os

    for name in list(os.environ):
        if name.startswith("SOCIALAUDIT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    (tmp_path / "socialaudit.toml").write_text(POLITICS)
    return tmp_path


def _lines(*objs: dict) -> str:
    return "".join(json.dumps(o) + "\n" for o in objs)


POST = {
    "kind": "post",
    "id": "p1",
    "platform": "x",
    "author": "ana",
    "created_at": "2026-11-20T09:30:00Z",
}


def test_scan_writes_findings_as_json_lines_and_exits_1(plain_env, runner) -> None:
    data = _lines(
        {**POST, "text": "Polls open at 7! #VoteForJaneExample", "lang": "en"},
        {**POST, "id": "p2", "text": "Vote for the resolution on refugee protection today."},
        {
            "kind": "profile",
            "id": "u1",
            "platform": "x",
            "handle": "ana",
            "display_name": "Ana",
            "bio": "Campaigner @amnesty. Views my own.",
            "url": "",
        },
    )
    result = runner.invoke(app, ["scan", "-"], input=data)
    assert result.exit_code == 1, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(o["id"], o["rule"]) for o in out] == [("p1", "NPT201")]
    finding = out[0]
    assert set(finding) == {
        *("id", "rule", "name", "severity", "confidence", "message", "evidence"),
        "lang",  # the post's language: detected, else the platform's tag
    }
    assert finding["lang"] == "en"
    assert finding["name"] == "political-endorsement" and finding["severity"] == "high"
    text = "Polls open at 7! #VoteForJaneExample"
    for ev in finding["evidence"]:
        assert text[ev["start"] : ev["end"]] == ev["text"]


def test_scan_exits_0_without_findings(plain_env, runner) -> None:
    (plain_env / "in.jsonl").write_text(_lines({**POST, "text": "Lovely march today."}))
    result = runner.invoke(app, ["scan", "in.jsonl"])
    assert result.exit_code == 0 and result.stdout == ""


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "in.jsonl:2: not valid JSON"),
        (json.dumps({**POST, "kind": "tweet"}), 'in.jsonl:2: "kind" must be "profile" or "post"'),
        (json.dumps({**POST, "text": 5}), 'in.jsonl:2: "text" must be a string'),
        (json.dumps({**POST, "text": "x", "created_at": "yesterday"}), '"created_at" must be'),
        (json.dumps({**POST, "text": "x", "colour": "red"}), "unknown key 'colour'"),
        (json.dumps({**POST, "text": "x", "role": "boss"}), '"role" must be spokesperson'),
    ],
)
def test_scan_bad_input_names_the_line_and_exits_2(plain_env, runner, line, message) -> None:
    good = json.dumps({**POST, "text": "fine"})
    (plain_env / "in.jsonl").write_text(f"{good}\n{line}\n")
    result = runner.invoke(app, ["scan", "in.jsonl"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_scan_missing_file_is_a_usage_error(plain_env, runner) -> None:
    result = runner.invoke(app, ["scan", "nope.jsonl"])
    assert result.exit_code == 2 and "no such file: nope.jsonl" in result.stderr


def test_draft_explains_in_plain_words(plain_env, runner) -> None:
    result = runner.invoke(app, ["draft", "CONFIDENTIAL: the draft strategy, don't forward"])
    assert result.exit_code == 1
    assert "confidential-marker" in result.stdout
    assert "If in doubt, don't post." in result.stdout
    clean = runner.invoke(app, ["draft", "Great turnout at the vigil tonight."])
    assert clean.exit_code == 0 and "If in doubt, don't post." in clean.stdout


def test_rules_lists_and_shows_a_page(plain_env, runner) -> None:
    listing = runner.invoke(app, ["rules"])
    assert listing.exit_code == 0
    assert "NPT201" in listing.stdout and "MST801" in listing.stdout
    page = runner.invoke(app, ["rules", "rsp502"])
    assert page.exit_code == 0
    assert "hasty-reply" in page.stdout and "## Why it matters" in page.stdout
    assert "[rules.RSP502] minutes = 10" in page.stdout
    unknown = runner.invoke(app, ["rules", "ZZZ999"])
    assert unknown.exit_code == 2 and "no rule 'ZZZ999'" in unknown.stderr


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[rules.RSP502]\nminuts = 5\n", "rules.RSP502.minuts: RSP502 has no threshold 'minuts'"),
        ("[rules.RSP502]\nminutes = 'ten'\n", "rules.RSP502.minutes: expected a whole number"),
        ("[rules.ZZZ999]\nseverity = 'high'\n", "rules.ZZZ999: no such rule"),
        ("[rules]\ndisabled = ['ABC123']\n", "rules.disabled: no rule 'ABC123'"),
    ],
)
def test_rule_thresholds_are_checked_against_their_rule(plain_env, runner, toml, message) -> None:
    (plain_env / "socialaudit.toml").write_text(toml)
    result = runner.invoke(app, ["scan", "-"], input="")
    assert result.exit_code == 2
    assert message in result.stderr


def test_configured_severity_and_disabled_rules_apply(plain_env, runner) -> None:
    (plain_env / "socialaudit.toml").write_text(
        POLITICS + '\n[rules]\ndisabled = ["CNF301"]\n[rules.NPT201]\nseverity = "medium"\n'
    )
    data = _lines({**POST, "text": "CONFIDENTIAL memo. Vote for Jane Example!"})
    result = runner.invoke(app, ["scan", "-"], input=data)
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(o["rule"], o["severity"]) for o in out] == [("NPT201", "medium")]


def test_rules_and_draft_say_which_endorsements_are_detected(plain_env, runner) -> None:
    listing = runner.invoke(app, ["rules"])
    assert listing.exit_code == 0
    out = listing.stdout
    assert 'detected: an appeal to vote for a configured party ("Vote for Example Party")' in out
    assert "detected: a repost of a configured political account (@exampleparty)" in out
    assert "Warning: no [[politics]]" not in out
    page = runner.invoke(app, ["rules", "NPT201"])
    assert "Endorsements (NPT201, NPT202) with this configuration:" in page.stdout
    draft = runner.invoke(app, ["draft", "Great turnout at the vigil tonight."])
    assert "detected: an appeal to re-elect a configured candidate" in draft.stdout


def test_no_politics_configured_is_a_warning_not_silence(plain_env, runner) -> None:
    (plain_env / "socialaudit.toml").write_text("")
    for args in (["rules"], ["rules", "NPT202"], ["draft", "Great turnout at the vigil."]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.stdout
        assert "Warning: no [[politics]] configured" in result.stdout, args
        assert "NOT detected: a repost" not in result.stdout  # no account to probe with
    (plain_env / "socialaudit.toml").write_text(
        POLITICS.replace('accounts = ["@exampleparty"]', "")
    )
    result = runner.invoke(app, ["rules"])
    assert "Warning: no political accounts configured" in result.stdout


def test_disabled_endorsement_rules_are_said(plain_env, runner) -> None:
    (plain_env / "socialaudit.toml").write_text(POLITICS + '\n[rules]\ndisabled = ["NPT201"]\n')
    result = runner.invoke(app, ["rules"])
    assert "NOT detected: an appeal to vote for a configured party" in result.stdout
    assert "Warning: NPT201 is disabled" in result.stdout


@pytest.mark.parametrize(
    "text",
    [
        "CONFIDENTIAL: internal memo on next year's plan, don't forward",
        "Sam from finance was given a final warning for lateness",
    ],
)
def test_draft_never_asks_to_take_down_an_unpublished_post(plain_env, runner, text) -> None:
    result = runner.invoke(app, ["draft", text])
    assert result.exit_code == 1, result.stdout
    lowered = result.stdout.lower()
    assert "take the post down" not in lowered and "remove the post" not in lowered
    assert "leave" in lowered  # the advice is said of a post not yet published


def test_no_draft_advice_speaks_of_a_published_post() -> None:
    from checks.engine import load_rule_modules
    from checks.registry import implemented_rules

    load_rule_modules()
    for info in implemented_rules():
        advice = info.draft_instead.lower()
        assert "take the post down" not in advice and "remove the post" not in advice, info.code


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (DEEP, "in.jsonl:2: nested deeper than 32 levels"),
        ('{"kind": "post", "x": ' + "[" * 5000 + "]" * 5000 + "}", "nested deeper than 32"),
        (json.dumps({**POST, "text": "[" * 5000}), None),  # brackets inside a string are text
    ],
)
def test_scan_caps_the_nesting_depth(plain_env, runner, line, message) -> None:
    good = json.dumps({**POST, "text": "fine"})
    (plain_env / "in.jsonl").write_text(f"{good}\n{line}\n")
    result = runner.invoke(app, ["scan", "in.jsonl"])
    if message is None:
        assert result.exit_code in (0, 1), result.output
        return
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("locale", ["C", "C.UTF-8"])
def test_scan_from_stdin_refuses_invalid_utf8_as_a_file_does(plain_env, locale) -> None:
    import os
    import subprocess
    import sys

    data = (json.dumps({**POST, "text": "caf"})[:-2] + '\xe9"}\n').encode("latin-1")
    (plain_env / "in.jsonl").write_bytes(data)
    env = {**os.environ, "LC_ALL": locale, "PYTHONIOENCODING": "", "PYTHONUTF8": "0"}
    outcomes = []
    for args, stdin in ((["in.jsonl"], b""), (["-"], data)):
        done = subprocess.run(
            [sys.executable, "-m", "socialaudit", "scan", *args],
            input=stdin,
            capture_output=True,
            cwd=plain_env,
            env=env,
            timeout=120,
            check=False,
        )
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        assert done.returncode == 2, err
        assert len(err) == 1 and "not UTF-8 text" in err[0], err
        outcomes.append(done.returncode)
    assert outcomes == [2, 2]


def test_rules_show_the_configured_settings(plain_env, runner) -> None:
    (plain_env / "socialaudit.toml").write_text(
        POLITICS
        + '\n[rules]\ndisabled = ["CNF301"]\n'
        + '[rules.RSP502]\nminutes = 25\nseverity = "high"\n'
    )
    page = runner.invoke(app, ["rules", "RSP502"])
    assert page.exit_code == 0, page.output
    assert "[rules.RSP502] minutes = 25 (default 10)" in page.stdout
    assert "severity high (default review)" in page.stdout
    listing = runner.invoke(app, ["rules"])
    row = next(line for line in listing.stdout.splitlines() if line.strip().startswith("RSP502"))
    assert " high " in row
    assert "(disabled)" in next(
        line for line in listing.stdout.splitlines() if line.strip().startswith("CNF301")
    )
    disabled = runner.invoke(app, ["rules", "CNF301"])
    assert "Disabled in the configuration" in disabled.stdout


@pytest.mark.parametrize(
    "args",
    [["rules"], ["rules", "RSP502"], ["draft", "Hello"], ["people", "list"], ["db", "current"]],
)
def test_a_missing_config_file_is_an_error(plain_env, runner, args) -> None:
    result = runner.invoke(app, ["--config", "missing.toml", *args])
    assert result.exit_code == 2
    assert result.stderr == "socialaudit: error: config file not found: missing.toml\n"


def test_piped_tables_use_the_full_width(plain_env, runner, monkeypatch) -> None:
    monkeypatch.delenv("COLUMNS")
    result = runner.invoke(app, ["rules"])  # the runner's output is not a terminal
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    row = next(line for line in lines if line.strip().startswith("CNF301"))
    assert "confidential-marker" in row and "Do not share: internal communications" in row
    assert max(len(line.rstrip()) for line in lines) > 80
    monkeypatch.setenv("COLUMNS", "60")  # an explicit width is still obeyed
    narrow = runner.invoke(app, ["rules"]).stdout.split("\n\n")[0].splitlines()
    assert len(narrow) > 30 and max(len(line) for line in narrow) <= 60
