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
from bisect import bisect_right
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
_LEET_RUN = re.compile(r"[0134579@$!]+")
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


@dataclass(slots=True)
class Text:
    """A matching view of `original`, with the map that takes a span back to it.

    The map is a list of segments `(view_start, view_end, orig_start, orig_end, one_to_one)`
    in view order: a run of characters copied one for one, or one original character that
    became several (or an inserted space). `None` means the identity (the fast path).
    """

    original: str
    text: str  # normalised, with leetspeak folded
    plain: str  # normalised, digits as written
    _segments: list[tuple[int, int, int, int, bool]] | None = None
    _view_starts: list[int] | None = None
    hits: dict[int, list[tuple[int, int]]] | None = None  # lexicon matches (checks.matching)

    def _segment(self, view_pos: int) -> tuple[int, int, int, int, bool]:
        assert self._segments is not None
        if self._view_starts is None:
            self._view_starts = [seg[0] for seg in self._segments]
        index = bisect_right(self._view_starts, view_pos) - 1
        return self._segments[max(index, 0)]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) that the view's [start, end) came from."""
        if self._segments is None:
            return start, end
        if not self._segments or start >= len(self.text):
            return len(self.original), len(self.original)
        v0, _, o0, o_end, one = self._segment(start)
        orig_start = o0 + (start - v0) if one else o0
        if end <= start:
            return orig_start, orig_start
        v0, _, o0, o_end, one = self._segment(end - 1)
        orig_end = o0 + (end - 1 - v0) + 1 if one else o_end
        return orig_start, max(orig_start, orig_end)

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
    """Fold leetspeak runs that touch letters: inside a word ("c0nf1dential"), at its end
    ("sh1t" was inside; "idi0" is at the end) or a single one starting it ("$hit")."""
    out: list[str] | None = None
    last = 0
    n = len(view)
    for match in _LEET_RUN.finditer(view):
        start, end = match.span()
        run = match.group(0)
        before = view[start - 1] if start else ""
        after = view[end] if end < n else ""
        letter_before = "a" <= before <= "z"
        letter_after = "a" <= after <= "z"
        inside = letter_before and letter_after
        trailing = letter_before and not after.isalnum() and all(c in "0135" for c in run)
        leading = not before.isalnum() and letter_after and len(run) == 1 and run in "0134$"
        if not (inside or trailing or leading):
            continue
        if out is None:
            out = []
        out.append(view[last:start])
        out.append(run.translate(_LEET_TABLE))
        last = end
    if out is None:
        return view
    out.append(view[last:])
    return "".join(out)


def _with_spaces(original: str, lowered: str, points: list[int]) -> Text:
    """ASCII text whose only change is a space at each hashtag split point (an underscore
    there becomes the space): runs and spaces, no per-character work."""
    out: list[str] = []
    segments: list[tuple[int, int, int, int, bool]] = []
    view = pos = 0
    for i in points:
        if i > pos:
            out.append(lowered[pos:i])
            segments.append((view, view + i - pos, pos, i, True))
            view += i - pos
        out.append(" ")
        if original[i] == "_":
            segments.append((view, view + 1, i, i + 1, True))
            pos = i + 1
        else:
            segments.append((view, view + 1, i, i, False))
            pos = i
        view += 1
    if pos < len(original):
        out.append(lowered[pos:])
        segments.append((view, view + len(original) - pos, pos, len(original), True))
    plain = "".join(out)
    return Text(original, _fold_leet(plain), plain, segments)


_SPECIAL = re.compile(r"[^\x00-\x7f]")
_SPACE_RUN = re.compile(r"\s{2,}")
# Line breaks and tabs read as spaces (one for one), so a phrase spans a line break.
_WHITESPACE = str.maketrans("\n\r\t\f\v", "     ")


def _has_breaks(text: str) -> bool:
    """Whether `text` holds a character `_WHITESPACE` changes: five substring tests cost a
    tenth of the translation, which most posts (one line, no tabs) do not need."""
    return "\n" in text or "\r" in text or "\t" in text or "\f" in text or "\v" in text


def normalize(original: str) -> Text:
    """The matching view of `original` (see the module docstring); never raises."""
    points = _split_points(original) if "#" in original else []
    if original.isascii():
        plain = original.lower()
        if _has_breaks(plain):
            plain = plain.translate(_WHITESPACE)
        if "  " not in plain:
            if not points:
                return Text(original, _fold_leet(plain), plain)
            return _with_spaces(original, plain, points)
    # Runs of plain ASCII are copied (lower-cased) whole; only the characters between them
    # (non-ASCII ones, hashtag split points, repeated spaces) are folded one by one.
    drops: set[int] = set()
    for match in _SPACE_RUN.finditer(original):
        drops.update(range(match.start() + 1, match.end()))
    specials = sorted({m.start() for m in _SPECIAL.finditer(original)} | set(points) | drops)
    inserts = set(points)
    out: list[str] = []
    segments: list[tuple[int, int, int, int, bool]] = []
    view = 0
    pos = 0
    for i in specials:
        if i > pos:
            out.append(original[pos:i].lower())
            segments.append((view, view + i - pos, pos, i, True))
            view += i - pos
        pos = i + 1
        if i in drops:
            continue
        ch = original[i]
        if i in inserts:
            out.append(" ")
            segments.append((view, view + 1, i, i + 1 if ch == "_" else i, False))
            view += 1
            if ch == "_":
                continue  # the underscore itself becomes the space
        folded = ch.lower() if ch.isascii() else _fold_char(ch)
        if folded:
            out.append(folded)
            segments.append((view, view + len(folded), i, i + 1, len(folded) == 1))
            view += len(folded)
    if pos < len(original):
        out.append(original[pos:].lower())
        segments.append((view, view + len(original) - pos, pos, len(original), True))
    plain = "".join(out)
    if _has_breaks(plain):
        plain = plain.translate(_WHITESPACE)
    return Text(original, _fold_leet(plain), plain, segments)


@lru_cache(maxsize=8192)
def norm_phrase(phrase: str) -> str:
    """A lexicon entry in the same view as the text it is matched against."""
    return " ".join(normalize(phrase).text.split())
