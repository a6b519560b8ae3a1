"""The language of a text: lingua's shipped model, falling back to the platform's tag.

`detect_language(text, hint)` gives an ISO 639-1 code ("en", "fr") or None. The model is
lingua-language-detector's (compiled into its wheel: nothing is downloaded, no numpy), read
in its low-accuracy mode for the languages the rules have vocabulary for (`LANGUAGES`).
Loading it costs about 0.1 CPU s, so it is loaded on the first call, not at import: `scan`
asks only for items that need it (a finding to report, a word whose meaning depends on the
language). A call costs about 0.1 ms for a post.

A text in a script none of those languages is written in (Cyrillic, Greek, Hebrew, CJK...) is
not forced into one of them: the platform's tag is returned if there is one, else None. So is
a text with too few letters to tell. Nothing here raises on any input.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache
from typing import Any

log = logging.getLogger(__name__)

# The languages the rules have vocabulary for (the organisation's working languages).
LANGUAGES = ("en", "fr", "es", "de", "pt", "it", "ar", "nl", "ca")
# Below this many letters a short post ("lol", "ok!") says nothing reliable.
MIN_LETTERS = 8
# Enough of a post to tell its language; longer texts cost more and say no more.
MAX_CHARS = 240

# Below this many letters the platform's tag, when there is one, is trusted over the model.
TRUST_TAG_BELOW = 30

# Function words, for short texts, where the trigram model is weakest ("you are a liar" rates
# German): each language's commonest words that are rarely words of the others.
FUNCTION_WORDS = {
    "en": "the you your are is and of to this that with what for have not they it's don't",
    "fr": "le les des est et une vous tu pas que qui pour avec dans c'est ce sont",
    "es": "el los las es y una que por para con del usted eres no esta muy pero",
    "de": "der die das und ist nicht du ich sie wir ein eine mit auf den sind auch",
    "pt": "o os as é e uma que não você para com do da isso muito mas está",
    "it": "il gli che è e una non sono per con della questo sei anche ma più",
    "nl": "de het een en is niet je ik van dat met zijn voor ook maar",
    "ca": "el els les és i una que no amb per del això són però molt",
}
_FUNCTION_SETS = {lang: frozenset(words.split()) for lang, words in FUNCTION_WORDS.items()}
_WORD = re.compile(r"[\w']+")
SHORT = 80

_LETTER = re.compile(r"[^\W\d_]")
_MENTION_OR_LINK = re.compile(r"(?:https?://|www\.)\S+|[@#][\w.]+")


@cache
def _detector() -> Any:
    """The lingua detector, or None when the package cannot be loaded."""
    try:
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        codes = [getattr(IsoCode639_1, code.upper()) for code in LANGUAGES]
        return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()
    except Exception as exc:  # a missing or broken wheel: the platform tag still answers
        log.warning("language detection unavailable, using the platform's tag: %s", exc)
        return None


def _script(text: str) -> tuple[str | None, int]:
    """'latin', 'arabic' or 'other' for the majority of the letters (None with too few), and
    the number of letters."""
    latin = arabic = other = 0
    for ch in _LETTER.findall(text):
        if ch.isascii():
            latin += 1
            continue
        name = unicodedata.name(ch, "")
        if name.startswith("LATIN"):
            latin += 1
        elif name.startswith("ARABIC"):
            arabic += 1
        else:
            other += 1
    total = latin + arabic + other
    if total < MIN_LETTERS:
        return None, total
    if arabic * 2 > total:
        return "arabic", total
    if latin * 2 > total:
        return "latin", total
    return "other", total


def _function_words(text: str) -> dict[str, int]:
    words = _WORD.findall(text.lower())
    counts = {}
    for lang, vocabulary in _FUNCTION_SETS.items():
        n = sum(1 for w in words if w in vocabulary)
        if n:
            counts[lang] = n
    return counts


def _tag(hint: str | None) -> str | None:
    """The platform's tag as a bare lower-case code ("en-GB" -> "en"), or None."""
    if not hint or not isinstance(hint, str):
        return None
    code = hint.strip().replace("_", "-").split("-")[0].lower()
    return code if code.isalpha() and 2 <= len(code) <= 3 else None


def detect_language(text: str, hint: str | None = None) -> str | None:
    """The language of `text` (ISO 639-1), else the platform's tag `hint`, else None."""
    tag = _tag(hint)
    if not text:
        return tag
    try:
        body = _MENTION_OR_LINK.sub(" ", text[: MAX_CHARS * 2])[:MAX_CHARS]
        script, letters = _script(body)
        if script is None or script == "other":
            return tag
        if tag is not None and letters < TRUST_TAG_BELOW and script == "latin":
            return tag
        if script == "arabic":
            return "ar"
        detector = _detector()
        if detector is None:
            return tag
        if len(body) <= SHORT:
            counts = _function_words(body)
            if counts:
                first = max(counts, key=counts.__getitem__)
                rest = max((n for lang, n in counts.items() if lang != first), default=0)
                if (counts[first] >= 2 and counts[first] >= 2 * rest) or rest == 0:
                    return first
        found = detector.detect_language_of(body)
        if found is None:
            return tag
        return found.iso_code_639_1.name.lower()
    except Exception as exc:  # never let a strange text stop a scan
        log.debug("language detection failed: %s", exc)
        return tag
