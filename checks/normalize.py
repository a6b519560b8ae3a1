"""Text normalisation before matching, so that a rule cannot be dodged by spelling tricks.

`normalize(text)` returns a `Text`: the matching view (`.text`) and a map back to the original,
so evidence always points at what the person wrote. The matching view is:

- compatibility-folded (Unicode NFKC/NFKD: full-width letters, ligatures, styled "𝐛𝐨𝐥𝐝" letters),
  with accents and other combining marks dropped ("opinión" reads "opinion");
- case-folded;
- free of zero-width and other invisible format characters (ZWSP, ZWJ, soft hyphen, bidi marks);
- with look-alike letters from other scripts folded to Latin (Cyrillic "а", Greek "ο");
- with common leetspeak folded inside words ("c0nfident1al" reads "confidential");
- with hashtags split into words ("#VoteForJane" reads "#vote for jane").

ASCII text without camel-case hashtags (most posts) takes a fast path whose map is the identity.
`plain` is the same view without the leetspeak folding, for rules that read digits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Format characters are category Cf (ZWSP, ZWJ, bidi marks, soft hyphen...); these are the
# other invisible code points people use to break up a word.
_INVISIBLE_EXTRA = frozenset(
    "\u115f\u1160\u3164\uffa0\u034f\u180e\u2800\ufe00\ufe01\ufe02\ufe03\ufe04\ufe05\ufe06"
    "\ufe07\ufe08\ufe09\ufe0a\ufe0b\ufe0c\ufe0d\ufe0e\ufe0f"
)

# Letters from other scripts that look like Latin ones (after case folding).
HOMOGLYPHS = {
    # Cyrillic
    "а": "a",
    "в": "b",
    "е": "e",
    "ё": "e",
    "к": "k",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "х": "x",
    "ѕ": "s",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "һ": "h",
    "ԁ": "d",
    "ԛ": "q",
    "ԝ": "w",
    "ӏ": "l",
    # Greek
    "α": "a",
    "β": "b",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "ς": "s",
    "σ": "o",
    # Latin look-alikes that NFKD keeps
    "ı": "i",
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ß": "ss",
    "ſ": "s",
}

# Leetspeak, folded only where the character touches a letter ("sh1t", "c0nfidential"), so
# that "2026", "3pm" and "£500" keep their digits in `plain` and mostly in `text`.
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
_LEET_RE = re.compile(r"(?<=[a-z])[0134579@$!]+(?=[a-z])|(?<=[a-z])[0135]+\b|\b[0134$@][a-z]")
_LEET_TABLE = str.maketrans({k: v for k, v in _LEET.items()})

_HASHTAG = re.compile(r"#(\w+)")
_SPLIT_POINTS = re.compile(
    r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])|_"
)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One original character's contribution to the matching view (maybe empty)."""
    if ch in _INVISIBLE_EXTRA:
        return ""
    cat = unicodedata.category(ch)
    if cat == "Cf" or cat == "Mn" or cat == "Me":
        return ""
    if cat == "Zs" or ch in "\u2028\u2029":
        return " "
    if ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212":
        return "-"
    if ch in "\u2018\u2019\u201b\u2032":
        return "'"
    if ch in "\u201c\u201d\u201f\u2033":
        return '"'
    out = []
    for part in unicodedata.normalize("NFKD", ch):
        if unicodedata.category(part) in ("Mn", "Me", "Cf"):
            continue
        for c in part.casefold():
            out.append(HOMOGLYPHS.get(c, c))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Text:
    """A matching view of `original`, with the map that takes a span back to it."""

    original: str
    text: str  # normalised, with leetspeak folded
    plain: str  # normalised, digits as written
    _starts: tuple[int, ...] | None = None  # original start of each view character
    _ends: tuple[int, ...] | None = None  # original end of each view character

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) that the view's [start, end) came from."""
        if self._starts is None or self._ends is None:
            return start, end
        if start >= end:
            pos = self._starts[start] if start < len(self._starts) else len(self.original)
            return pos, pos
        return self._starts[start], self._ends[end - 1]

    def evidence(self, field: str, start: int, end: int) -> dict[str, object]:
        """An evidence entry for the view's [start, end), in original offsets."""
        s, e = self.span(start, end)
        return {"field": field, "start": s, "end": e, "text": self.original[s:e]}


def _split_points(text: str) -> list[int]:
    """Original positions where a space goes in (inside camel-case hashtags) or where an
    underscore becomes one."""
    points: list[int] = []
    for match in _HASHTAG.finditer(text):
        body = match.group(1)
        if body.islower() and "_" not in body:
            continue
        base = match.start(1)
        for split in _SPLIT_POINTS.finditer(body):
            points.append(base + split.start())
    return points


def _fold_leet(view: str) -> str:
    if not any(c in view for c in "0134579@$!"):
        return view
    return _LEET_RE.sub(lambda m: m.group(0).translate(_LEET_TABLE), view)


def normalize(original: str) -> Text:
    """The matching view of `original` (see the module docstring); never raises."""
    if original.isascii():
        points = _split_points(original) if "#" in original else []
        if not points:
            plain = original.lower()
            return Text(original, _fold_leet(plain), plain)
    else:
        points = _split_points(original) if "#" in original else []
    inserts = set(points)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(original):
        if i in inserts:
            out.append(" ")
            starts.append(i)
            ends.append(i)
            if ch == "_":
                # the underscore itself becomes the space
                ends[-1] = i + 1
                continue
        folded = ch.lower() if ch.isascii() else _fold_char(ch)
        for c in folded:
            out.append(c)
            starts.append(i)
            ends.append(i + 1)
    plain = "".join(out)
    return Text(original, _fold_leet(plain), plain, tuple(starts), tuple(ends))


@lru_cache(maxsize=8192)
def norm_phrase(phrase: str) -> str:
    """A lexicon entry in the same view as the text it is matched against."""
    return " ".join(normalize(phrase).text.split())
