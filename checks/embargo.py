"""OK to post: only non-embargoed material; and "Might be problematic": pending positions."""

from __future__ import annotations

import re
from collections.abc import Iterator

from checks import lexicons
from checks.engine import Embargo, Hit, Org, PostItem, RuleContext
from checks.matching import Phrases, alternation, host_of
from checks.normalize import norm_phrase
from checks.registry import rule

PUBLICATION = Phrases(lexicons.PUBLICATION_CUES, shared=False)
_STOP = frozenset(lexicons.EMBARGO_STOPWORDS)
_YEAR = re.compile(r"(?<![\w])20\d\d(?![\w])")
_EARLIER_EDITION = re.compile(
    r"last year's|previous|l'an dernier|del ano pasado|de l'annee derniere"
)


def _stem(word: str) -> str:
    """A prefix that also matches the word's inflections ("drowned" -> "drown")."""
    for suffix in ("ings", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


class _Topic:
    """An embargo's topic words (from its title, key phrases and URL), each with its
    translations: a post that names two of them and a publication ("our research shows
    border guards at Eastmarch...", "le rapport sur la frontiere d'Eastmarch") is about the
    embargoed report even without its title."""

    def __init__(self, embargo: Embargo) -> None:
        words: list[str] = []
        sources = [embargo.title, *embargo.keywords]
        if embargo.url:
            sources.append(re.sub(r"[/_.:-]+", " ", embargo.url.split("://", 1)[-1]))
        for source in sources:
            for word in re.findall(r"[a-z0-9']+", norm_phrase(source)):
                long_enough = len(word) >= 4 or _YEAR.fullmatch(word)
                if long_enough and word not in words and word not in _STOP:
                    words.append(word)
        self.years = {w for w in words if _YEAR.fullmatch(w)}
        concepts: dict[str, str] = {}
        for word in words:
            if word in self.years:
                # A year names an edition, not a topic: it only rules out other editions.
                continue
            variants = [word, *lexicons.TOPIC_TRANSLATIONS.get(word, [])]
            stems = {_stem(norm_phrase(v)) for v in variants}
            # A long stem matches any ending; a short one only the usual endings ("mort",
            # not "mortgage").
            long = alternation(sorted(s for s in stems if len(s) > 5))
            short = alternation(sorted(s for s in stems if len(s) <= 5))
            concepts[_stem(word)] = rf"(?:{long})\w*|(?:{short})(?:s|es|ed|ing)?"
        self.patterns = [
            re.compile(rf"(?<![\w])(?:{pattern})(?![\w])") for pattern in concepts.values()
        ]

    def search(self, text: str) -> re.Match[str] | None:
        """The first topic word, when the text names at least two different ones."""
        found = [m for m in (p.search(text) for p in self.patterns) if m is not None]
        if len(found) < 2:
            return None
        if self.years:
            named = set(_YEAR.findall(text))
            if named and not named & self.years:
                return None
        if _EARLIER_EDITION.search(text):
            return None
        return min(found, key=lambda m: m.start())


def _topics(org: Org) -> list[_Topic]:
    cached = org.__dict__.get("_emb401")
    if cached is None:
        cached = org.__dict__["_emb401"] = [_Topic(e) for e in org.embargoes]
    return cached


def _same_url(a: str, b: str) -> bool:
    """Same page, ignoring scheme, "www.", a trailing slash and the query string."""

    def key(url: str) -> str:
        url = url.strip().split("#", 1)[0].split("?", 1)[0].rstrip("/")
        host = host_of(url).removeprefix("www.")
        path = url.split("://", 1)[-1].split("/", 1)[1] if "/" in url.split("://", 1)[-1] else ""
        return f"{host}/{path.lower()}"

    return key(a) == key(b)


@rule("EMB401", "embargoed-content", confidence="high")
def embargoed_content(item: PostItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags a post about embargoed material before the embargo lifts.

    ## What it does
    For each entry of the embargo register (`[[embargoes]] title, url, keywords, lifts_at`),
    fires when a post made before `lifts_at` links the embargoed URL or carries its title or
    one of its key phrases, or speaks of a publication ("our research", "findings",
    "rapport", "informe") while naming two different topic words of the title, key phrases
    or URL, in English, French or Spanish ("border guards at Eastmarch ... full findings
    Thursday"). A post about another year's edition is not flagged. After the lift time the
    same post is fine.

    ## Why it matters
    The policy's "OK to post" covers only "publicly available (and non-embargoed)" material.
    Breaking an embargo burns the trust of journalists and partners and can put researchers
    and sources at risk.

    ## Example
    At 08:00 on launch day: "Our Annual report 2027 is out tomorrow: shocking figures on
    executions" (the embargo lifts at 00:01 the next day).

    ## Instead
    Schedule the post for after the embargo lifts.
    """
    if not ctx.org.embargoes or item.created_at is None:
        return
    view = item.view
    for index, embargo in enumerate(ctx.org.embargoes):
        if item.created_at >= embargo.lifts_at:
            continue
        evidence = None
        if embargo.url:
            for link, ev in item.all_links:
                if _same_url(link, embargo.url):
                    evidence = ev
                    break
        if evidence is None:
            match = embargo.phrases.search(view)
            if match:
                evidence = view.evidence("text", match.start(), match.end())
        if evidence is None and PUBLICATION.search(view.text) is not None:
            match = _topics(ctx.org)[index].search(view.text)
            if match:
                evidence = view.evidence("text", match.start(), match.end())
        if evidence is not None:
            yield Hit(
                f'"{embargo.title}" is under embargo until '
                f"{embargo.lifts_at.isoformat()}; the post refers to it.",
                [evidence],
            )
            return


@rule("PND402", "pending-position", confidence="medium")
def pending_position(item: PostItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags a post on a position the organisation has not approved yet.

    ## What it does
    Fires when a post mentions a topic or key phrase of a position listed under
    `[[pending_positions]]`: legislation or advocacy positions still pending approval.

    ## Why it matters
    The policy lists legislation or advocacy positions pending the organisation's approval
    as "might be problematic": consult a manager or an appropriate member of staff before
    sharing. A spokesperson's words can pre-empt the decision.

    ## Example
    "Personally I think our new sex work policy goes too far."

    ## Instead
    Ask your manager before posting, or wait until the position is published.
    """
    view = item.view
    for pending in ctx.org.pending:
        match = pending.phrases.search(view)
        if match:
            ev = view.evidence("text", match.start(), match.end())
            yield Hit(
                f'The post touches "{pending.topic}", a position still pending approval.',
                [ev],
            )
            return
