"""TRN102 and the short alias "AI": the organisation, not artificial intelligence."""

from __future__ import annotations

import pytest

from checks.engine import Engine, ProfileItem
from socialaudit.config import load_settings


@pytest.fixture(scope="module")
def engine() -> Engine:
    # The built-in defaults: names = ["Amnesty International", "Amnesty", "AI", ...].
    return Engine.from_settings(load_settings(None, environ={}))


def _codes(engine: Engine, bio: str, name: str = "Sam Doe", role: str = "spokesperson") -> set:
    item = ProfileItem("p", handle="sam", display_name=name, bio=bio, role=role)
    return {r.rule for r in engine.check_batch([item])[0]}


@pytest.mark.parametrize(
    "bio",
    [
        "Working on AI ethics and human rights. Views my own.",
        "AI, surveillance and the law. Tweets my own.",
        "Head of AI at ExampleCorp. Views my own.",
        "AI US policy lead. Views my own.",
        "AI ML engineer by day, activist by night. Views my own.",
        "Fan of @AI_UK_news. Views my own.",
    ],
)
def test_ai_as_a_word_does_not_name_the_organisation(engine: Engine, bio: str) -> None:
    assert "TRN102" in _codes(engine, bio)


@pytest.mark.parametrize(
    "bio",
    [
        "AI UK press officer. Views my own.",
        "Organiser, AIUSA. Views my own.",
        "AI-NZ campaigns. Views my own.",
        "Researcher, AI International Secretariat. Views my own.",
        "Researcher on AI and surveillance at Amnesty Tech. Views my own.",
    ],
)
def test_ai_as_a_section_names_the_organisation(engine: Engine, bio: str) -> None:
    assert "TRN102" not in _codes(engine, bio)


def test_ai_as_a_word_does_not_bring_staff_into_scope(engine: Engine) -> None:
    """A staff member's profile is checked for TRN101 once it names the organisation."""
    assert _codes(engine, "AI researcher. Cats.", role="staff") == set()
    assert _codes(engine, "AI UK researcher. Cats.", role="staff") == {"TRN101"}
