"""Every implemented rule documents itself: the docstring is its page."""

from __future__ import annotations

import pytest

from checks.engine import load_rule_modules
from checks.registry import CATALOGUE, implemented_rules, lifecycle_rules

SECTIONS = ("## What it does", "## Why it matters", "## Example", "## Instead")

load_rule_modules()


def test_every_catalogue_rule_but_mst801_is_implemented() -> None:
    assert {r.code for r in implemented_rules()} == set(CATALOGUE) - {"MST801"}


def test_mst801_is_decided_from_the_store() -> None:
    assert [r.code for r in lifecycle_rules()] == ["MST801"]


@pytest.mark.parametrize("info", implemented_rules() + lifecycle_rules(), ids=lambda r: r.code)
def test_rule_page_has_every_section(info) -> None:
    for section in SECTIONS:
        assert section in info.doc, f"{info.code} lacks {section!r}"
        body = info.doc.split(section, 1)[1].split("## ", 1)[0].strip()
        assert len(body) > 20, f"{info.code}: section {section!r} is empty"
    assert info.func.__module__ == f"checks.{info.family}"


def test_every_threshold_is_documented_in_the_example_config() -> None:
    from pathlib import Path

    example = (Path(__file__).parents[2] / "config.example.toml").read_text()
    for info in implemented_rules():
        if not info.params:
            continue
        section = example.split(f"# [rules.{info.code}]", 1)
        assert len(section) == 2, f"[rules.{info.code}] is not in config.example.toml"
        block = section[1].split("# [rules.", 1)[0]
        for key, default in info.params.items():
            assert f"# {key} = {default!r}".replace("'", '"') in block, (info.code, key)
