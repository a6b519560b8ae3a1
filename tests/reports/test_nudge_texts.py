"""Every rule and clause a nudge can mention reads in each template language."""

from __future__ import annotations

import pytest

from checks.policy import CLAUSES
from checks.registry import CATALOGUE
from reports import nudge_texts
from reports.nudges import available_languages, excerpt


def test_templates_exist_for_english_french_and_spanish() -> None:
    assert {"en", "fr", "es"} <= available_languages()


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_rule_and_clause_is_translated(language: str) -> None:
    assert set(nudge_texts.INSTEAD[language]) == set(CATALOGUE)
    assert set(nudge_texts.CLAUSE_SUMMARIES[language]) == set(CLAUSES)
    assert language in nudge_texts.MOTTOS and len(nudge_texts.MONTHS[language]) == 12


@pytest.mark.parametrize(
    ("code", "expected"),
    [("fr", "fr"), ("fr-CA", "fr"), ("ES_es", "es"), ("pt", "en"), (None, "en"), ("", "en")],
)
def test_language_fallback(code: str | None, expected: str) -> None:
    assert nudge_texts.language_of(code, available_languages()) == expected


def test_english_comes_from_the_catalogue_and_policy() -> None:
    assert nudge_texts.instead("MST801", "en") == CATALOGUE["MST801"].instead
    assert nudge_texts.clause_summary("9", "en") == CLAUSES["9"].summary
    assert nudge_texts.instead("MST801", "pt") == CATALOGUE["MST801"].instead


def test_excerpt_is_short_and_centred_on_the_evidence() -> None:
    assert excerpt("  short\n post ") == "short post"
    long = "word " * 60 + "CONFIDENTIAL memo attached " + "more " * 60
    cut = excerpt(long, [{"text": "CONFIDENTIAL"}])
    assert "CONFIDENTIAL memo" in cut and cut.startswith("…") and cut.endswith("…")
    assert len(cut) <= 182
    head = excerpt(long)
    assert head.startswith("word") and head.endswith("…") and "CONFIDENTIAL" not in head
