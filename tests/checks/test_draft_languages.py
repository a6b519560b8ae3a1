"""`socialaudit draft` in the person's language, from the same catalogues as the nudges."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialaudit.cli import app

LEAK = "CONFIDENTIAL: the draft strategy, don't forward"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """No database, no stray config, no locale from the machine running the tests."""
    for name in list(os.environ):
        if name.startswith("SOCIALAUDIT_") or name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    (tmp_path / "socialaudit.toml").write_text("")
    return CliRunner()


# Per language: the count line, CNF301's clause, its advice before publishing, the motto.
EXPECTED = {
    "en": ["Before you post, one thing to look at:",
           "Don't share internal communications or links to internal systems.",
           "You could: Leave out anything internal; ask comms when unsure.",
           'In your text: “CONFIDENTIAL”', "If in doubt, don't post."],
    "fr": ["Avant de publier, un point à regarder :",
           "Ne partagez pas de communications internes ni de liens vers des outils internes.",
           "Vous pourriez : Laissez de côté tout élément interne",
           "Dans votre texte : « CONFIDENTIAL »", "Dans le doute, ne publiez pas."],
    "es": ["Antes de publicar, un punto para revisar:",
           "No compartas comunicaciones internas ni enlaces a sistemas internos.",
           "Podrías: Deja fuera todo lo interno", "En tu texto: «CONFIDENTIAL»",
           "Si tienes dudas, no lo publiques."],
    "ar": ["قبل أن تنشر، هناك أمر واحد يستحق المراجعة:",
           "لا تشارك المراسلات الداخلية ولا روابط الأنظمة الداخلية.",
           "يمكنك: اترك كل ما هو داخلي خارج المنشور", "في نصّك: «CONFIDENTIAL»",
           "إن كنت في شك، فلا تنشر."],
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_draft_in_each_language(runner: CliRunner, language: str) -> None:
    result = runner.invoke(app, ["draft", "--language", language, LEAK])
    assert result.exit_code == 1, result.stdout
    for expected in EXPECTED[language]:
        assert expected in result.stdout, expected
    assert "confidential-marker" in result.stdout  # the rule's stable name, in any language


def test_draft_follows_the_locale_and_says_a_clean_draft_in_it(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    clean = runner.invoke(app, ["draft", "Gran participación en la vigilia de esta noche."])
    assert clean.exit_code == 0
    assert "Nada en este borrador va en contra de la política de redes sociales." in clean.stdout
    assert "Aun así, reléelo una vez más como lo haría un periodista." in clean.stdout
    monkeypatch.setenv("LANG", "C.UTF-8")
    english = runner.invoke(app, ["draft", "Great turnout at the vigil tonight."])
    assert "Nothing in this draft goes against the social media policy." in english.stdout


def test_a_reply_shows_the_other_persons_words_as_theirs(runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        ["draft", "--language", "fr", "--reply-to", "You people are a disgrace, pathetic liars",
         "Here are the facts."],
    )  # fmt: skip
    assert result.exit_code == 1, result.stdout
    assert "Dans le message auquel vous répondez :" in result.stdout
    assert "Dans votre texte" not in result.stdout


def test_an_unknown_language_is_one_line_and_exit_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["draft", "--language", "pt", "Hello"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "socialaudit: error: draft: --language must be one of en, fr, es, ar, got 'pt'"
    ]
