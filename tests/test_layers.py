"""The layering (pyproject.toml [tool.importlinter]) holds, and breaks on an upward import.

Each violation is made in a scratch copy of the packages, never in the tree itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("socialaudit", "checks", "collectors", "reports", "sandbox")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_tree_keeps_every_contract() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken", "chain"),
    [
        # The cycle the pipeline had: a collector importing the jobs that run it.
        (
            "collectors/runner.py",
            "from socialaudit.pipeline.jobs import run_recorded",
            "Layers:",
            "collectors.runner -> socialaudit.pipeline.jobs",
        ),
        # A rule reading the store.
        (
            "checks/law.py",
            "from socialaudit.db import session_scope",
            "The rules read no store",
            "checks.law -> socialaudit.db",
        ),
        # A rule calling out to the network.
        ("checks/law.py", "import requests", "The rules import no database", "checks.law"),
        # Core reaching up to the web app.
        (
            "socialaudit/registry.py",
            "from socialaudit.web import queries",
            "Layers:",
            "socialaudit.registry -> socialaudit.web.queries",
        ),
        # Collectors and reports are independent.
        (
            "reports/weekly.py",
            "from collectors.store import upsert_post",
            "Layers:",
            "reports.weekly -> collectors.store",
        ),
    ],
)
def test_an_upward_import_breaks_a_contract(
    scratch: Path, module: str, line: str, broken: str, chain: str
) -> None:
    path = scratch / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    result = _lint(scratch)
    assert result.returncode == 1, result.stdout + result.stderr
    broken_lines = [ln for ln in result.stdout.splitlines() if ln.endswith(" BROKEN")]
    assert any(ln.startswith(broken) for ln in broken_lines), result.stdout
    assert chain in result.stdout


def test_a_new_core_module_must_be_placed(scratch: Path) -> None:
    (scratch / "socialaudit" / "newthing.py").write_text('"""Unplaced."""\n', encoding="utf-8")
    result = _lint(scratch)
    assert result.returncode == 1
    assert "socialaudit.newthing" in result.stdout
