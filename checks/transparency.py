"""Clause 1, Be transparent: profiles say who the person works for and that views are their own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from rapidfuzz import fuzz, process

from checks import lexicons
from checks.engine import Hit, ProfileItem, RuleContext
from checks.matching import Span
from checks.normalize import Text, normalize
from checks.registry import rule


def _parts(name: str) -> list[str]:
    """One part of the disclaimer grammar, in every language, normalised as the view is."""
    words = {
        normalize(w).text.strip()
        for grammar in lexicons.DISCLAIMER_GRAMMAR.values()
        for w in grammar.get(name, [])
    }
    return sorted((w for w in words if w), key=len, reverse=True)


def _pattern(name: str) -> re.Pattern[str]:
    # A part the pack leaves out matches nothing (an empty alternation would match anywhere).
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in _parts(name)) or "(?!x)x"
    return re.compile(rf"(?<![\w'’])(?:{alternatives})(?![\w'’])")


OBJECTS, OWNERS, ADJECTIVES = _pattern("objects"), _pattern("owners"), _pattern("adjectives")
COPULAS, POSSESSIVES, NEGATIONS = (
    _pattern("copulas"),
    _pattern("possessives"),
    _pattern("negations"),
)
SPEAK_FOR, EMPLOYERS, OTHERS = _pattern("speak_for"), _pattern("employers"), _pattern("others")
ACCOUNTS, PERSONAL, SELF = _pattern("accounts"), _pattern("personal"), _pattern("self")
DENIALS, DISOWNS, TOPICS = _pattern("denials"), _pattern("disowns"), _pattern("topics")
# Every disclaimer has one of these: the cheap first test of a bio.
_ANY_PART = re.compile(
    "|".join(p.pattern for p in (OBJECTS, OWNERS, ADJECTIVES, SELF, ACCOUNTS, EMPLOYERS, OTHERS))
)
JOINS = frozenset(_parts("joins")) | frozenset(w for w in _parts("objects") if " " not in w)
SHARED = re.compile(
    rf"(?<![\w'’])(?:{'|'.join(map(re.escape, lexicons.SHARED_WORDS)) or '(?!x)x'})(?![\w'’])"
)
# Clauses: a disclaimer's parts stand in one sentence or one "|"-separated field of a bio.
_CLAUSE = re.compile(r"[^.!?;|•·()\[\]{}]+")
_TOKEN = re.compile(r"@?[\w'’-]+|[=&]")
# Single-word objects, for misspelt forms ("opinons", "tweeets", "veiws").
_FUZZY_OBJECTS = [w for w in _parts("objects") if " " not in w and len(w) >= 5]
_KNOWN = frozenset(
    w for name in ("owners", "adjectives", "employers", "accounts", "joins") for w in _parts(name)
)
_POSSESSIVE_OTHER = re.compile(r"(?<![\w'’])not\s+(?:[\w@.-]+\s+){0,2}[\w@.-]+['’]s?(?![\w])")


def _canonical(clause: str) -> str:
    """The clause with misspelt objects written correctly (same length where possible is
    not needed: evidence is the whole clause)."""
    out = []
    for m in _TOKEN.finditer(clause):
        token = m.group(0)
        if len(token) >= 5 and token not in _KNOWN and OBJECTS.fullmatch(token) is None:
            best = process.extractOne(token, _FUZZY_OBJECTS, scorer=fuzz.ratio, score_cutoff=80)
            if best is not None and best[0][0] == token[0]:
                token = best[0]
        out.append(token)
    return " ".join(out)


def _owner_ends_phrase(text: str, end: int) -> bool:
    """What follows an owner is the end, a conjunction or another object: "personal" in
    "personal finance" qualifies a noun and owns nothing."""
    rest = text[end:].split()
    return not rest or rest[0] in JOINS


def _clause_disclaims(c: str) -> bool:
    if SELF.search(c):
        return True
    objects = list(OBJECTS.finditer(c))
    shared = SHARED.search(c) is not None
    for o in objects:
        if DENIALS.search(c[max(0, o.start() - 12) : o.start()]):
            continue  # "don't take tweets personal"
        # "views are my own", "tweets, opinions & bow ties belong to me", "opinions = mine"
        for w in OWNERS.finditer(c, o.end()):
            gap = c[o.end() : w.start()]
            if len(gap.split()) > 7 or TOPICS.search(gap) or DENIALS.search(gap):
                continue
            if DENIALS.search(c[w.start() : w.end()]):
                continue
            # With a verb ("are", "=") the owner is a predicate; without one ("views my
            # own", "opinions most vehemently my own") the object must be a plural noun
            # close by, or nothing but a conjunction may follow ("personal" in "tweets
            # on personal finance" qualifies another noun).
            if COPULAS.search(gap) or _owner_ends_phrase(c, w.end()):
                return True
            if len(gap.split()) <= 2 and o.group(0).endswith("s"):
                return True
        # "My own views", "Own tweets, own views", "All tweets own views", "Tweets=personal
        # thoughts", "what I say is my own opinion": an owner before the object, at the
        # start of what the person says or after a verb - not "your own thoughts".
        before = c[: o.start()].rstrip()
        a = ADJECTIVES.search(before[-20:])
        if a and before[-20:].endswith(a.group(0)):
            lead = before[: len(before) - len(a.group(0))].split()
            if (
                not lead
                or lead[-1] in _LEADS
                or OBJECTS.fullmatch(lead[-1])
                or COPULAS.fullmatch(lead[-1])
                or POSSESSIVES.fullmatch(lead[-1])
            ):
                return True
        # "these are my opinions", "tweets = my views", "posts reflect my opinion"
        head = c[: o.start()].split()
        if len(head) >= 2 and POSSESSIVES.fullmatch(head[-1]) and COPULAS.fullmatch(head[-2]):
            return True
        # "Meine Meinung.", "My views.": a possessive and an object as a sentence of their own
        if len(head) == 1 and POSSESSIVES.fullmatch(head[0]) and not c[o.end() :].strip():
            return True
    if objects and (OTHERS.search(c) or (not shared and _POSSESSIVE_OTHER.search(c))):
        # "I tweet my views, no one else's", "my views, not Haymarket's"
        return True
    if not shared and (objects or EMPLOYERS.search(c)):
        # "my views do not represent my employer", "not communicating on behalf of my
        # employer", "opinions not shared by my employers"
        if NEGATIONS.search(c) and (SPEAK_FOR.search(c) or (objects and EMPLOYERS.search(c))):
            return True
        if DISOWNS.search(c):
            return True
    # "personal account", "this is my private account", "compte perso" - but not "my
    # personal account: @other" or "my personal page @other", which point elsewhere.
    tokens = c.split()
    for i, token in enumerate(tokens):
        if not ACCOUNTS.fullmatch(token):
            continue
        window = tokens[max(0, i - 2) : i] + tokens[i + 1 : i + 3]
        if any(PERSONAL.fullmatch(t) for t in window):
            after = [
                t
                for t in tokens[i + 1 : i + 5]
                if t not in _POINTERS and not PERSONAL.fullmatch(t) and not ACCOUNTS.fullmatch(t)
            ]
            if not (after and after[0].startswith("@")):
                return True
    return False


# What may stand before an owner that opens a disclaimer ("All views my own", "Any tweets").
_LEADS = frozenset(["all", "any", "the", "these", "=", "&", "and", "note", "tous", "todas"])
# Words between an account and the handle it points to ("my personal account is: @other").
_POINTERS = frozenset(
    [
        "is",
        "and",
        "ig",
        "instagram",
        "at",
        "on",
        "=",
        "est",
        "es",
        "ist",
        "e",
        "de",
        "di",
        "van",
        "von",
        "en",
        "my",
        "mi",
        "mon",
        "mein",
    ]
)


def find_disclaimer(view: Text) -> Span | None:
    """The first clause of the view that is a personal-views disclaimer, in any supported
    language: what is disclaimed (views, opinions, tweets...) with whose it is (my own,
    mine, personal...), or whom it does not speak for, or a personal account."""
    text = view.text
    span = _disclaimer_span(text)
    return None if span is None else Span(text, *span)


@lru_cache(maxsize=4096)
def _disclaimer_span(text: str) -> tuple[int, int] | None:
    # A profile's bio is read again at every snapshot, and by TRN101 and TRN103 alike.
    if not _ANY_PART.search(text):
        return None  # no part of a disclaimer at all, not even a misspelt object's owner
    for m in _CLAUSE.finditer(text):
        clause = m.group(0)
        if not clause.strip():
            continue
        if _clause_disclaims(_canonical(clause)):
            start = m.start() + len(clause) - len(clause.lstrip())
            return start, m.start() + len(clause.rstrip())
    return None


def _bio_evidence(item: ProfileItem) -> list[dict]:
    return [{"field": "bio", "start": 0, "end": len(item.bio), "text": item.bio}]


def _in_scope(item: ProfileItem, ctx: RuleContext) -> bool:
    """Spokespeople always; other staff once their profile names the organisation."""
    if item.role == "spokesperson":
        return True
    return bool(ctx.org.names_org(item.bio_view) or ctx.org.names_org(item.name_view))


@rule("TRN101", "missing-views-disclaimer", confidence="high")
def missing_views_disclaimer(item: ProfileItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags a profile that does not say its views are personal.

    ## What it does
    Reads the bio and display name of a spokesperson (or of staff whose profile names the
    organisation) and fires when neither carries a personal-views disclaimer, in English,
    French, Spanish, German, Portuguese, Italian, Dutch or Arabic. A disclaimer is read from
    its grammar, one sentence at a time: what is disclaimed (views, opinions, tweets,
    posts, thoughts...) with whose it is ("are my own", "mine", "personal", "belong to me",
    "entirely his own", "my own views"), or whom it does not speak for ("do not represent
    my employer", "not shared by my employers", "no one else's"), or a personal account
    ("this is my private account"), or speaking for oneself ("representing myself").
    Misspelt objects ("opinons", "veiws") still count. A retweet-only statement ("RTs ≠
    endorsements") is not a disclaimer of the person's own views, nor are "views rarely my
    own", "personal trainer" or "my personal account: @other". Spelling tricks (zero-width
    characters, look-alike letters) do not hide a disclaimer, nor fake one.

    ## Why it matters
    Anything a recognised spokesperson says can be taken as the organisation's position. The
    policy asks staff to distinguish their personal views from the organisation's, for
    example with "Tweets/views are my own." in the profile (the clause, as the policy pack
    words it, is quoted with every finding).

    ## Example
    Bio: "Campaigner at Example Org. Football, films and too much coffee."

    ## Instead
    "Campaigner at Example Org. Views my own."
    """
    if not _in_scope(item, ctx):
        return
    if find_disclaimer(item.bio_view) or find_disclaimer(item.name_view):
        return
    yield Hit("The profile has no personal-views disclaimer.", _bio_evidence(item))


@rule("TRN102", "missing-affiliation", confidence="medium")
def missing_affiliation(item: ProfileItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags a spokesperson's profile that never names the organisation.

    ## What it does
    Looks for the organisation's configured names and aliases, its handles and its domains in
    a spokesperson's bio, display name and profile link, and fires when none is there. A
    short capital alias such as "AI" is also everyday language ("AI ethics"), so it counts
    only as a section's name ("AI UK", "AIUSA") or "AI (International) Secretariat".

    ## Why it matters
    Whoever regularly comments about the organisation, or is its recognised spokesperson,
    is asked to identify their link to it clearly. Readers should know who they are hearing
    from.

    ## Example
    Bio: "Human rights researcher. Views my own." (and no link to the organisation)

    ## Instead
    "Researcher @exampleorg. Views my own."
    """
    if item.role != "spokesperson":
        return
    org = ctx.org
    if org.names_org(item.bio_view) or org.names_org(item.name_view):
        return
    if item.url and org.names_org(normalize(item.url)):
        return
    yield Hit(
        f"The profile (bio, name and link) never names {org.name}.",
        _bio_evidence(item),
    )


@rule("TRN103", "disclaimer-removed", confidence="high")
def disclaimer_removed(item: ProfileItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags a profile whose personal-views disclaimer has gone since the previous snapshot.

    ## What it does
    Compares the bio with the account's previous profile snapshot: fires when the earlier
    one had a personal-views disclaimer and this one has none.

    ## Why it matters
    Removing the disclaimer is a deliberate change that turns every later post into
    something that can be read as the organisation's view (clause 1, Be transparent).

    ## Example
    Before: "Press officer, Example Org. Views my own." After: "Press officer, Example Org."

    ## Instead
    Keep "Views my own" in the bio whatever else changes.
    """
    if item.previous_bio is None:
        return
    if find_disclaimer(item.bio_view) or find_disclaimer(item.name_view):
        return
    before = normalize(item.previous_bio)
    found = find_disclaimer(before)
    if found is None:
        return
    lost = before.evidence("previous_bio", found.start(), found.end())
    yield Hit(
        f'The bio used to say "{lost["text"]}" and no longer has a disclaimer.',
        [*_bio_evidence(item), lost],
    )
