"""Policy packs: the organisation and the rules' vocabulary come from the pack the config names.

The second pack (`tests/checks/packs/harbour`) is an invented organisation with its own names,
clauses and a few words for CNF301, RSP501 and TRN101. The same items are scanned with the
default pack and with it, through `socialaudit scan` (a process checks with one pack), and
each finding follows the pack: its names for TRN102, its grammar for TRN101, its markers for
CNF301 and its profanity for RSP501.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from socialaudit import packs
from socialaudit.config import load_settings
from socialaudit.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
HARBOUR = Path(__file__).parent / "packs" / "harbour"

ITEMS = [
    {"kind": "profile", "id": "harbour-bio", "platform": "x", "handle": "sam",
     "bio": "Skipper at Harbour Trust. Words mine."},
    {"kind": "profile", "id": "default-bio", "platform": "x", "handle": "kim",
     "bio": "Campaigner at Amnesty International. Views my own."},
    {"kind": "post", "id": "harbour-marker", "platform": "x", "author": "sam",
     "created_at": "2026-11-20T09:30:00Z",
     "text": "Harbour log: the new berth plan is attached, do not pass it on."},
    {"kind": "post", "id": "default-marker", "platform": "x", "author": "sam",
     "created_at": "2026-11-20T09:31:00Z",
     "text": "Internal only: the new berth plan is attached."},
    {"kind": "post", "id": "harbour-insult", "platform": "x", "author": "sam",
     "created_at": "2026-11-20T09:32:00Z",
     "text": "You absolute barnacle-brain, read the tide table."},
]  # fmt: skip


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "socialaudit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), "PYTHONPATH": str(ROOT)},
    )


def _scan(tmp_path: Path, config: str | None) -> set[tuple[str, str]]:
    items = tmp_path / "items.jsonl"
    items.write_text("".join(json.dumps(i) + "\n" for i in ITEMS), encoding="utf-8")
    args = ["scan", str(items)]
    if config is not None:
        (tmp_path / "socialaudit.toml").write_text(config, encoding="utf-8")
        args = ["--config", str(tmp_path / "socialaudit.toml"), *args]
    done = _run(*args, cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    return {(f["id"], f["rule"]) for f in map(json.loads, done.stdout.splitlines())}


def test_rules_use_the_second_packs_names_and_vocabulary(tmp_path: Path) -> None:
    # The pack's folder given by a path relative to the config file.
    shutil.copytree(HARBOUR, tmp_path / "packs" / "harbour")
    harbour = _scan(tmp_path, '[organisation]\npolicy_pack = "packs/harbour"\n')
    # No config in its folder: the default pack.
    (tmp_path / "default").mkdir()
    default = _scan(tmp_path / "default", None)

    # TRN102: the bio names the harbour organisation, not the default one.
    assert ("harbour-bio", "TRN102") not in harbour
    assert ("default-bio", "TRN102") in harbour
    assert ("harbour-bio", "TRN102") in default
    assert ("default-bio", "TRN102") not in default
    # TRN101: "words mine" is a disclaimer in its grammar; "views my own" is not.
    assert ("harbour-bio", "TRN101") not in harbour
    assert ("default-bio", "TRN101") in harbour
    assert ("default-bio", "TRN101") not in default
    # CNF301: its marker fires and the default pack's does not.
    assert ("harbour-marker", "CNF301") in harbour
    assert ("default-marker", "CNF301") not in harbour
    assert ("harbour-marker", "CNF301") not in default
    assert ("default-marker", "CNF301") in default
    # RSP501: its profanity.
    assert ("harbour-insult", "RSP501") in harbour
    assert ("harbour-insult", "RSP501") not in default


def test_rule_page_quotes_the_packs_clause(tmp_path: Path) -> None:
    config = tmp_path / "socialaudit.toml"
    config.write_text(f'[organisation]\npolicy_pack = "{HARBOUR}"\n', encoding="utf-8")
    done = _run("--config", str(config), "rules", "CNF301", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Harbour Trust guideline: keep the harbour log private." in done.stdout
    assert "Amnesty" not in done.stdout


def test_settings_take_the_organisation_from_the_pack(tmp_path: Path) -> None:
    config = tmp_path / "socialaudit.toml"
    config.write_text(
        f'[organisation]\npolicy_pack = "{HARBOUR}"\nhandles = ["@harbourcrew"]\n',
        encoding="utf-8",
    )
    settings = load_settings(config, environ={})
    assert settings.organisation.name == "Harbour Trust"
    assert settings.organisation.names == ["Harbour Trust", "HT"]
    # A key given in the config replaces the pack's.
    assert settings.organisation.handles == ["@harbourcrew"]
    assert settings.organisation.pack().motto == "When unsure, wait a day."


def test_default_pack_ships_with_the_project() -> None:
    assert packs.DEFAULT in packs.shipped()
    pack = packs.load(packs.DEFAULT)
    assert pack.organisation["name"]
    # every vocabulary file is named after the rule that reads it
    assert set(pack.owners.values()) <= {p.stem for p in (pack.folder / "vocabulary").iterdir()}


def _broken(tmp_path: Path, file: str, text: str) -> Path:
    folder = tmp_path / "broken"
    shutil.copytree(HARBOUR, folder)
    (folder / file).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("file", "text", "message"),
    [
        ("pack.toml", "[pack\n", r"pack\.toml: not valid TOML"),
        ("pack.toml", "[pack]\ntitle = 'x'\n[organisation]\n", r"organisation\.name: this key"),
        ("pack.toml", "[pack]\ntitle='x'\n[organisation]\nname='x'\nnmaes=['x']\n", r"nmaes"),
        ("clauses.toml", "[[clause]]\nkey = '1'\n", r"clause 1: needs key, title, text"),
        ("vocabulary/RSP501.toml", "PROFANITY = 3\n", r"RSP501\.toml: PROFANITY: expected"),
        ("vocabulary/rude.toml", "PROFANITY = []\n", r"named after its rule"),
        ("vocabulary/CNF301.toml", "PROFANITY = []\n", r"PROFANITY is also in"),
    ],
)
def test_malformed_pack_is_one_line_naming_the_file(
    tmp_path: Path, file: str, text: str, message: str
) -> None:
    folder = _broken(tmp_path, file, text)
    config = tmp_path / "socialaudit.toml"
    config.write_text(f'[organisation]\npolicy_pack = "{folder}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(config, environ={})
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith(f"{config}: organisation.policy_pack: ")


def test_missing_pack_on_the_cli_is_one_line_and_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "socialaudit.toml"
    config.write_text('[organisation]\npolicy_pack = "no-such-pack"\n', encoding="utf-8")
    done = _run("--config", str(config), "rules", cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "organisation.policy_pack: no such policy pack: expected" in lines[0]
    assert lines[0].endswith("got 'no-such-pack'")
    assert "Traceback" not in done.stderr


def test_a_vocabulary_name_no_rule_reads_is_refused(tmp_path: Path) -> None:
    folder = _broken(tmp_path, "vocabulary/RSP502.toml", "HOSTILE_AT_YUO = ['you']\n")
    config = tmp_path / "socialaudit.toml"
    config.write_text(f'[organisation]\npolicy_pack = "{folder}"\n', encoding="utf-8")
    items = tmp_path / "items.jsonl"
    items.write_text(json.dumps(ITEMS[0]) + "\n", encoding="utf-8")
    done = _run("--config", str(config), "scan", str(items), cwd=tmp_path)
    assert done.returncode == 2
    assert "RSP502.toml: HOSTILE_AT_YUO: no rule reads this name" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
