"""The gettext catalogues: complete, current, compiled, and what a nudge reads in each language.

Every message id (templates, code, the policy's own words) has a real translation in every
catalogue: no empty or fuzzy entry, every plural form, the same placeholders as the English.
The template (.pot) is what `make catalogues` extracts today, and each compiled .mo holds what
its .po says, so a fresh clone reads the same words as the sources.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from checks.policy import CLAUSES, MOTTO
from checks.registry import CATALOGUE
from reports import nudge_texts
from reports.i18n import LANGUAGES, LOCALE_DIR, for_language
from reports.nudges import NudgeItem, WentWell, available_languages, excerpt, render, where

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [language for language in LANGUAGES if language != "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def po(language: str):  # type: ignore[no-untyped-def]
    with open(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=language)


def frozen(value: object) -> object:
    """A message id or string as a key (a .mo reads plural forms as lists)."""
    return tuple(value) if isinstance(value, list | tuple) else value


def template_ids() -> set[object]:
    with open(LOCALE_DIR / "messages.pot", "rb") as f:
        return {m.id for m in read_po(f) if m.id}


def test_english_french_spanish_and_arabic() -> None:
    assert {"en", "fr", "es", "ar"} <= available_languages()


def test_the_template_is_what_the_sources_say() -> None:
    """`make catalogues` was run after the last change to a message (babel.cfg)."""
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f, filename="babel.cfg")
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        str(ROOT), method_map, options_map, keywords={"_": None, "gettext": None,
        "ngettext": (1, 2), "N_": None},
    ):  # fmt: skip
        found.add(message)
    assert found == template_ids()


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language: str) -> None:
    catalog = po(language)
    ids = {m.id for m in catalog if m.id}
    assert ids == template_ids(), "run `make catalogues` and translate what is new"
    assert not catalog.obsolete
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if isinstance(message.id, tuple):
            assert len(strings) == catalog.num_plurals, message.id
        assert all(s.strip() for s in strings), message.id
        english = set(PLACEHOLDER.findall(" ".join(message.id if isinstance(message.id, tuple)
                                                   else (message.id,))))  # fmt: skip
        for text in strings:
            # A translation may leave out the count ("un point") but no other placeholder,
            # and never invents one.
            used = set(PLACEHOLDER.findall(text))
            assert used <= english, (message.id, text)
            assert english - {"num", "shown"} <= used, (message.id, text)
    assert [errors for _, errors in catalog.check() if errors] == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_holds_what_the_source_says(language: str) -> None:
    with open(LOCALE_DIR / language / "LC_MESSAGES" / "messages.mo", "rb") as f:
        compiled = {frozen(m.id): frozen(m.string) for m in read_mo(f) if m.id}
    source = {frozen(m.id): frozen(m.string) for m in po(language) if m.id}
    assert compiled == source, "run `make catalogues` to compile the .po files"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_policy_words_are_translated(language: str) -> None:
    for key, clause in CLAUSES.items():
        assert nudge_texts.clause_summary(key, language) != clause.summary, key
    for code, info in CATALOGUE.items():
        assert nudge_texts.instead(code, language) != info.instead, code
    assert nudge_texts.motto(language) != MOTTO


@pytest.mark.parametrize(
    ("code", "expected"),
    [("fr", "fr"), ("fr-CA", "fr"), ("ES_es", "es"), ("ar-EG", "ar"), ("pt", "en"), (None, "en"),
     ("", "en")],
)  # fmt: skip
def test_language_fallback(code: str | None, expected: str) -> None:
    assert nudge_texts.language_of(code) == expected
    assert for_language(code).code == expected


def test_english_comes_from_the_rules_and_the_policy() -> None:
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


# --- a nudge rendered from the catalogues, in each language ---------------------------------


def nudge(language: str, *, replies: int, more: int, items: int = 2) -> tuple[str, str, str]:
    words = for_language(language)
    day = words.day(date(2026, 11, 17))
    rows = [
        NudgeItem(
            finding_id=i,
            rule_code="RSP501",
            subject="post",
            platform="X",
            day=day,
            where=where(words, "post", "X", day, deleted=i == 1),
            excerpt=f"EXCERPT-{i} <b>bold</b>",
            url=f"https://x.com/ana/status/{i}",
            deleted=i == 1,
            clause=nudge_texts.clause_summary("8", language),
            suggestion=nudge_texts.instead("RSP501", language),
        )
        for i in range(1, items + 1)
    ]
    context = {
        "language": words.code,
        "name": "Ana <Lima>",
        "organisation": "Example Rights",
        "week": "2026-W47",
        "days": words.days(date(2026, 11, 16), date(2026, 11, 22)),
        "items": rows,
        "count": len(rows),
        "more": more,
        "went_well": WentWell(replies=replies, corrected=1, taken_down=0),
        "motto": nudge_texts.motto(language),
        "unsubscribe": None,
        "page_url": "https://audit.example.org/me",
    }
    rendered = render(context, language)
    return rendered.subject, rendered.text, rendered.html


# Per language: subject, words that must appear (text part), the week's dates by the locale.
NUDGES = {
    "en": ("Your social media week, November 16 – 22: 2 things to look at",
           ["Hi Ana <Lima>,", "WHAT WENT WELL", "You posted 2 replies", "You corrected 1 post",
            "There are 3 more along the same lines", "Your post on X, November 17 (since deleted)",
            "If in doubt, don't post."]),
    "fr": ("Votre semaine sur les réseaux sociaux, 16 – 22 novembre : 2 points à regarder",
           ["Bonjour Ana <Lima>,", "CE QUI S'EST BIEN PASSÉ", "Vous avez publié 2 réponses",
            "Vous avez corrigé ouvertement 1 publication", "Il y a 3 autres points",
            "Votre publication sur X, le 17 novembre (supprimée depuis)",
            "Dans le doute, ne publiez pas.", "« EXCERPT-1 <b>bold</b> »"]),
    "es": ("Tu semana en redes sociales, 16–22 de noviembre: 2 puntos para revisar",
           ["Hola, Ana <Lima>:", "LO QUE SALIÓ BIEN", "Publicaste 2 respuestas",
            "Corregiste abiertamente 1 publicación", "Hay 3 puntos más",
            "Tu publicación en X, el 17 de noviembre (ya borrada)",
            "Si tienes dudas, no lo publiques.", "«EXCERPT-1 <b>bold</b>»"]),
    "ar": ("أسبوعك على وسائل التواصل الاجتماعي، 16–22 نوفمبر: أمران يستحقان المراجعة",
           ["مرحبًا Ana <Lima>،", "نشرت ردّين", "صحّحت منشورًا واحدًا علنًا",
            "هناك 3 بنود أخرى", "منشورك على X، 17 نوفمبر (حُذف لاحقًا)",
            "إن كنت في شك، فلا تنشر.", "«EXCERPT-1 <b>bold</b>»"]),
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(NUDGES))
def test_a_nudge_in_each_language(language: str) -> None:
    subject, words = NUDGES[language]
    got_subject, text, html = nudge(language, replies=2, more=3)
    assert got_subject == subject
    for expected in words:
        assert expected in text, expected
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
    # The HTML part: the same words, untrusted text escaped inside the translated sentences.
    assert "Ana &lt;Lima&gt;" in html and "Ana <Lima>" not in html
    assert "EXCERPT-1 &lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html
    assert nudge_texts.motto(language).replace("'", "&#39;") in html
    # The policy's words in the person's language, in both parts.
    clause = nudge_texts.clause_summary("8", language)
    assert clause in text and clause.replace("'", "&#39;") in html


@pytest.mark.parametrize(
    ("replies", "expected"),
    [(1, "نشرت ردًا واحدًا"), (2, "نشرت ردّين"), (3, "نشرت 3 ردود"), (11, "نشرت 11 ردًا"),
     (100, "نشرت 100 رد")],
)  # fmt: skip
def test_arabic_plurals_follow_the_number(replies: int, expected: str) -> None:
    _, text, _ = nudge("ar", replies=replies, more=0)
    assert expected in text


def test_numbers_are_written_as_the_locale_writes_them() -> None:
    _, english, _ = nudge("en", replies=1234, more=0)
    _, french, _ = nudge("fr", replies=1234, more=0)
    assert "You posted 1,234 replies" in english
    assert "Vous avez publié 1\u202f234 réponses" in french  # a narrow no-break space


def test_one_item_reads_in_the_singular() -> None:
    subject, text, _ = nudge("es", replies=1, more=1, items=1)
    assert subject.endswith(": un punto para revisar")
    assert "Publicaste 1 respuesta:" in text and "Hay un punto más del mismo tipo" in text
