"""Normalisation: rules cannot be dodged, and evidence still points at the original text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from checks.normalize import normalize
from checks.transparency import find_disclaimer

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
# Look-alike letters from other scripts, each standing for the Latin letter it mimics.
LOOKALIKES = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "i": "і", "s": "ѕ", "y": "у"}


def test_case_accents_width_and_styles_fold() -> None:
    assert normalize("Opinión PERSONAL").text == "opinion personal"
    assert normalize("ＶＩＥＷＳ").text == "views"
    assert normalize("𝐕𝐢𝐞𝐰𝐬 𝐦𝐲 𝐨𝐰𝐧").text == "views my own"
    assert normalize("ﬁnancial").text == "financial"


def test_zero_width_homoglyphs_and_leetspeak_fold() -> None:
    assert normalize("con\u200bfi\u200ddential").text == "confidential"
    assert normalize("соnfidеntial").text == "confidential"  # Cyrillic о, е
    assert normalize("c0nf1dential").text == "confidential"
    assert normalize("sh!t").text == "shit"


def test_digits_stay_digits_where_they_are_numbers() -> None:
    view = normalize("Budget up 15% in 2026, march at 3pm, call 020 7946 0321")
    assert view.plain == "budget up 15% in 2026, march at 3pm, call 020 7946 0321"
    assert "2026" in view.text and "15%" in view.text


def test_hashtags_split_into_words_with_offsets_kept() -> None:
    original = "Polls open! #VoteForJaneExample today"
    view = normalize(original)
    assert "#vote for jane example today" in view.text
    at = view.text.index("jane example")
    ev = view.evidence("text", at, at + len("jane example"))
    assert ev["text"] == "JaneExample"
    assert original[ev["start"] : ev["end"]] == "JaneExample"


def test_evidence_maps_through_removed_and_expanded_characters() -> None:
    original = "ok \u200bＣＯＮＦＩＤＥＮＴＩＡＬ\u200b memo"
    view = normalize(original)
    at = view.text.index("confidential")
    ev = view.evidence("text", at, at + len("confidential"))
    assert ev["text"] == "ＣＯＮＦＩＤＥＮＴＩＡＬ"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_crashes_and_offsets_stay_in_bounds(text: str) -> None:
    view = normalize(text)
    assert len(view.plain) == len(view.text)
    for start in range(0, len(view.text) + 1, max(1, len(view.text) // 7)):
        for end in (start, min(len(view.text), start + 3), len(view.text)):
            s, e = view.span(start, end)
            assert 0 <= s <= e <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_every_view_character_maps_back_to_what_produced_it(text: str) -> None:
    view = normalize(text)
    for i in range(len(view.text)):
        s, e = view.span(i, i + 1)
        assert 0 <= s <= e <= len(text)
        if s < e:
            # the original characters this view character came from fold to contain it
            assert view.plain[i] in normalize(text[s:e]).plain or view.plain[i] == " "


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.text(max_size=30),
    phrase=st.sampled_from(["Views are my own", "Tweets/views are my own", "Personal account"]),
    hide=st.lists(st.tuples(st.integers(0, 30), st.sampled_from(ZERO_WIDTH)), max_size=6),
    swap=st.lists(st.integers(0, 30), max_size=4),
)
def test_hidden_disclaimer_is_still_found(
    prefix: str, phrase: str, hide: list[tuple[int, str]], swap: list[int]
) -> None:
    chars = list(phrase)
    for position in swap:
        i = position % len(chars)
        chars[i] = LOOKALIKES.get(chars[i], chars[i])
    for position, mark in sorted(hide, reverse=True):
        chars.insert(position % (len(chars) + 1), mark)
    disguised = "".join(chars)
    bio = f"{prefix.replace(chr(10), ' ')} {disguised}."
    view = normalize(bio)
    found = find_disclaimer(view)
    assert found is not None
    ev = view.evidence("bio", found.start(), found.end())
    assert bio[ev["start"] : ev["end"]] == ev["text"]
    assert normalize(ev["text"]).text.strip() != ""
