"""Multi-phrase matching over the normalised view: one compiled alternation per lexicon.

Phrases are normalised like the text (`norm_phrase`), longest first, and bounded so that a
phrase only matches whole words ("ai" never matches inside "said"). Spaces in a phrase match
any run of spaces, so line breaks and double spaces do not split a phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from checks.normalize import norm_phrase

_WORD_BEFORE = r"(?<![\w])"
_WORD_AFTER = r"(?![\w])"


def alternation(phrases: Iterable[str]) -> str:
    """A regex alternation (no group, no bounds) of the normalised phrases."""
    seen: set[str] = set()
    parts: list[str] = []
    for phrase in sorted({norm_phrase(p) for p in phrases if p.strip()}, key=len, reverse=True):
        if phrase and phrase not in seen:
            seen.add(phrase)
            parts.append(r"\s+".join(re.escape(w) for w in phrase.split(" ")))
    return "|".join(parts) if parts else r"(?!x)x"


def bounded(pattern: str) -> str:
    """`pattern` as whole words (a phrase may start or end with punctuation)."""
    return f"{_WORD_BEFORE}(?:{pattern}){_WORD_AFTER}"


class Phrases:
    """A compiled lexicon: `finditer(view)` yields the matches of any phrase, as whole words."""

    __slots__ = ("empty", "regex")

    def __init__(self, phrases: Iterable[str]) -> None:
        phrases = [p for p in phrases if p.strip()]
        self.empty = not phrases
        self.regex = re.compile(bounded(alternation(phrases)))

    def finditer(self, view: str) -> Iterator[re.Match[str]]:
        if self.empty:
            return iter(())
        return self.regex.finditer(view)

    def search(self, view: str) -> re.Match[str] | None:
        if self.empty:
            return None
        return self.regex.search(view)


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
