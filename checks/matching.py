"""Multi-phrase matching over the normalised view: one compiled alternation per lexicon.

Phrases are normalised like the text (`norm_phrase`), longest first, and bounded so that a
phrase only matches whole words ("ai" never matches inside "said"). Spaces in a phrase match
any run of spaces, so line breaks and double spaces do not split a phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import ahocorasick

from checks.normalize import Text, norm_phrase

_WORD_BEFORE = r"(?<![\w])"
_WORD_AFTER = r"(?![\w])"


def alternation(phrases: Iterable[str], *, words: bool = False) -> str:
    """A regex alternation (no group) of the normalised phrases, longest first.

    With `words`, each phrase matches as whole words: bounded on a side only where it starts
    or ends with a word character, so "'s guilty" matches in "he's guilty".
    """
    parts: list[str] = []
    for phrase in sorted({norm_phrase(p) for p in phrases if p.strip()}, key=len, reverse=True):
        if not phrase:
            continue
        part = r"\s+".join(re.escape(w) for w in phrase.split(" "))
        if words:
            part = (
                (_WORD_BEFORE if _is_word(phrase[0]) else "")
                + part
                + (_WORD_AFTER if _is_word(phrase[-1]) else "")
            )
        parts.append(part)
    return "|".join(parts) if parts else r"(?!x)x"


class _Automaton:
    """One Aho-Corasick automaton over every lexicon's phrases: one pass per text finds the
    matches of all of them, instead of one regex search per lexicon."""

    def __init__(self) -> None:
        self._entries: dict[str, list[int]] = {}
        self._automaton: Any = None
        self.count = 0

    def add(self, phrases: Iterable[str]) -> int:
        key = self.count
        self.count += 1
        for phrase in phrases:
            self._entries.setdefault(phrase, []).append(key)
        self._automaton = None
        return key

    def _build(self) -> Any:
        automaton = ahocorasick.Automaton()
        for phrase, keys in self._entries.items():
            automaton.add_word(
                phrase,
                (len(phrase), tuple(keys), _is_word(phrase[0]), _is_word(phrase[-1])),
            )
        automaton.make_automaton()
        self._automaton = automaton
        return automaton

    def scan(self, text: str) -> dict[int, list[tuple[int, int]]]:
        """Whole-word matches of every phrase in `text`, per lexicon, as (start, end)."""
        automaton = self._automaton or self._build()
        found: dict[int, list[tuple[int, int]]] = {}
        n = len(text)
        for last, (length, keys, left, right) in automaton.iter(text):
            start = last - length + 1
            if left and start > 0 and _is_word(text[start - 1]):
                continue
            if right and last + 1 < n and _is_word(text[last + 1]):
                continue
            for key in keys:
                found.setdefault(key, []).append((start, last + 1))
        return found


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


_AUTOMATON = _Automaton()


class Span:
    """A match of a lexicon: the `re.Match` methods the rules use."""

    __slots__ = ("_end", "_start", "_text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, _: int = 0) -> str:
        return self._text[self._start : self._end]


def _leftmost_longest(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Non-overlapping matches, leftmost first and longest there (as a regex alternation of
    phrases sorted longest first would give)."""
    chosen: list[tuple[int, int]] = []
    edge = -1
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start >= edge:
            chosen.append((start, end))
            edge = end
    return chosen


class Phrases:
    """A lexicon. `search(view)` and `finditer(view)` give its whole-word matches in a `Text`
    view, from the shared automaton (one pass per view serves every lexicon), or in a plain
    string, from a compiled alternation of the same phrases."""

    __slots__ = ("_key", "_phrases", "_regex", "empty")

    def __init__(self, phrases: Iterable[str], *, shared: bool = True) -> None:
        """`shared=False` keeps a lexicon out of the shared automaton: for lexicons read
        rarely, or only in strings, whose short words would slow every text's pass."""
        self._phrases = [p for p in phrases if p.strip()]
        self.empty = not self._phrases
        self._regex: re.Pattern[str] | None = None
        self._key = -1
        if shared:
            normalised = {" ".join(norm_phrase(p).split()) for p in self._phrases}
            self._key = _AUTOMATON.add(p for p in normalised if p)

    def _compiled(self) -> re.Pattern[str]:
        if self._regex is None:
            self._regex = re.compile(alternation(self._phrases, words=True))
        return self._regex

    # search and finditer are on every rule's path: the common case (a Text view, no match)
    # returns after one dictionary look-up.
    def finditer(self, view: Text | str) -> Iterator[Span | re.Match[str]]:
        if view.__class__ is str or self._key < 0:
            return self._regex_finditer(view)
        hits = view.hits  # type: ignore[union-attr]
        if hits is None:
            hits = view.hits = _AUTOMATON.scan(view.text)  # type: ignore[union-attr]
        spans = hits.get(self._key)
        if not spans:
            return iter(())
        text = view.text  # type: ignore[union-attr]
        return iter([Span(text, s, e) for s, e in _leftmost_longest(spans)])

    def search(self, view: Text | str) -> Span | re.Match[str] | None:
        if view.__class__ is str or self._key < 0:
            return self._regex_search(view)
        hits = view.hits  # type: ignore[union-attr]
        if hits is None:
            hits = view.hits = _AUTOMATON.scan(view.text)  # type: ignore[union-attr]
        spans = hits.get(self._key)
        if not spans:
            return None
        start, end = min(spans, key=lambda s: (s[0], -s[1]))
        return Span(view.text, start, end)  # type: ignore[union-attr]

    def _regex_finditer(self, view: Text | str) -> Iterator[re.Match[str]]:
        if self.empty:
            return iter(())
        return self._compiled().finditer(view if isinstance(view, str) else view.text)

    def _regex_search(self, view: Text | str) -> re.Match[str] | None:
        if self.empty:
            return None
        return self._compiled().search(view if isinstance(view, str) else view.text)


def flatten(groups: dict[str, list[str]]) -> list[str]:
    return [phrase for phrases in groups.values() for phrase in phrases]


URL_IN_TEXT = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'()]+", re.IGNORECASE)
DOMAIN_IN_TEXT = re.compile(r"\b(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/[^\s<>\"'()]*)?", re.IGNORECASE)


def host_of(url: str) -> str:
    """The lower-case host of a URL (scheme optional); '' when there is none."""
    url = url.strip()
    if "://" not in url:
        url = "http://" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().rstrip(".")


def host_in(host: str, domains: Iterable[str]) -> str | None:
    """The configured domain that `host` is or is under, if any."""
    for domain in domains:
        if host == domain or host.endswith("." + domain):
            return domain
    return None
