"""RSP501's per-language vocabulary: stems, masks, compounds, groups, and what stays silent."""

from __future__ import annotations

import pytest

from checks.abuse import find
from checks.normalize import normalize


def _found(text: str, lang: str | None = None) -> str | None:
    view = normalize(text)
    hit = find(view.text, lambda: lang)
    if hit is None:
        return None
    return view.evidence("text", hit.start, hit.end)["text"]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("you absolute idiots", "idiots"),  # inflected (stem)
        ("Was für Idioten", "Idioten"),
        ("sono dei coglioni", "coglioni"),
        ("f*ck this", "f*ck"),  # masked
        ("FUUUUCK off", "FUUUUCK"),  # letters repeated for emphasis
        ("das Medienpack lügt", "Medienpack"),  # a German compound ending in an insult
        ("#YouIdiot", "Idiot"),  # glued into a hashtag
        ("t'es drôle sale juif", "sale juif"),  # insult of a group
        ("dirty immigrants everywhere", "dirty immigrants"),
        ("questi animali vanno fermati", "animali"),  # dehumanising, pointed at people
        ("يا حمار", "حمار"),
        ("والخنازير كلهم", "والخنازير"),  # Arabic with the attached article
        ("quel con celui-là", "con"),  # a French word, counted in French
    ],
)
def test_finds_the_kinds_of_disrespectful_language(text: str, word: str) -> None:
    lang = "fr" if "con" in text.split() else None
    assert _found(text, lang) == word


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Voy con el gobierno a la reunión", "es"),  # "con" in Spanish is "with"
        ("he called me an idiot for asking", "en"),  # abuse received, reported
        ('she wrote "idiot" under my post', "en"),  # quoted
        ("@Cock4ndPussy thanks for the link", "en"),  # inside a handle
        ("new dumbbell workout today", "en"),  # a short stem does not take long endings
        ("the government's policy is a disgrace and must change", "en"),
        ("le temps est sale aujourd'hui", "fr"),
        ("Die FDP will die Steuern senken", "de"),  # a party, not French "fdp"
        ("Привет, как дела?", None),  # an unknown script: nothing, no error
    ],
)
def test_stays_silent_on_hard_negatives(text: str, lang: str | None) -> None:
    assert _found(text, lang) is None
