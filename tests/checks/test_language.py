"""The language of a post: the shipped model, the platform's tag as fallback, never an error."""

from __future__ import annotations

import pytest

from checks.engine import PostItem
from checks.language import detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("You are an absolute idiot and a liar", "en"),
        ("Votez pour le candidat de la gauche dimanche prochain", "fr"),
        ("No me gusta nada lo que dice este señor sobre los migrantes", "es"),
        ("Ich finde das wirklich nicht in Ordnung, was die Regierung macht", "de"),
        ("Eu não concordo com nada do que você disse ontem à noite", "pt"),
        ("Non sono d'accordo con quello che hai scritto ieri sera", "it"),
        ("هذا الكلام غير مقبول على الإطلاق", "ar"),
    ],
)
def test_detects_the_languages_the_rules_know(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_platform_tag_is_the_fallback() -> None:
    # Too short to tell, or a script none of the rule languages uses: the tag answers.
    assert detect_language("ok!", "en-GB") == "en"
    assert detect_language("Привет, как у тебя дела сегодня?", "ru") == "ru"
    assert detect_language("Привет, как у тебя дела сегодня?") is None
    assert detect_language("", "fr") == "fr"
    assert detect_language("ok") is None


@pytest.mark.parametrize(
    "text",
    [
        "日本語のテキストです、よろしく",
        "\x00\x01\x02",
        "🙂" * 50,
        "\u200b" * 10,
        "a" * 100_000,
        "123 456 789",
    ],
)
def test_any_text_is_read_without_error(text: str) -> None:
    result = detect_language(text, "xx")
    assert result is None or isinstance(result, str)


def test_post_records_its_language_lazily() -> None:
    post = PostItem("p1", text="Votez pour le candidat de la gauche dimanche prochain", lang="en")
    assert post.language == "fr"
    unknown = PostItem("p2", text="Привет, как у тебя дела сегодня?", lang="ru")
    assert unknown.language == "ru"


@pytest.mark.parametrize(
    "text",
    [
        "Привет, ты идиот? Позвони мне +7 951 803 90 22",
        "日本語のテキストです、選挙に行こう",
        "שלום לכולם, זה טקסט בעברית",
        "🙂🙃" * 30,
        "f*** #VoteFor",
        "\u200b\u200d" * 20 + "vote",
    ],
)
def test_texts_in_unknown_languages_are_checked_without_error(text: str) -> None:
    from checks.engine import Engine
    from socialaudit.config import load_settings

    engine = Engine.from_settings(load_settings(None, environ={}))
    post = PostItem("p1", text=text, platform="x", author="a", lang="xx")
    results = engine.check_batch([post])[0]
    assert all(r.rule for r in results)
    # another script, or too few letters: the platform's tag is what is recorded
    assert post.language == "xx"
