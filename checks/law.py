"""Clause 5, Act within the law: defamation and contempt of court."""

from __future__ import annotations

import re
from collections.abc import Iterator

from checks import lexicons
from checks.engine import Hit, PostItem, RuleContext
from checks.matching import Phrases
from checks.registry import rule

ACCUSATION = Phrases(lexicons.ACCUSATIONS)
INSTITUTION = Phrases(lexicons.INSTITUTIONS, shared=False)
# A name just before the accusation: an @handle, or one to three capitalised words.
_NAME_BEFORE = re.compile(
    r"(@[\w.]+|(?:[A-Z][\w'’-]*\.?\s+){0,2}[A-Z][\w'’-]+)(?:,[^,]{0,40},)?\s*$"
)
_NOT_NAMES = {
    "i",
    "he",
    "she",
    "they",
    "we",
    "you",
    "it",
    "this",
    "that",
    "who",
    "someone",
    "somebody",
    "everyone",
    "nobody",
    "the",
    "a",
    "an",
    "his",
    "her",
    "their",
    "our",
    "my",
    "which",
    "what",
    "if",
    "and",
    "but",
    "so",
    "also",
    "then",
    "when",
    "now",
    "today",
    "yesterday",
    "one",
    "man",
    "woman",
    "guy",
    "il",
    "elle",
    "ils",
    "el",
    "ella",
    "ellos",
    "quien",
    "qui",
}
# A place named after a preposition ("the landlord on Calle Mayor,"): an address, whose
# words ("Mayor", "Court Road") are not a title or an institution.
_PLACE_AFTER = re.compile(r"\b(?:on|in|at|from|en|de)\s+(?:[A-Z][\w'’.-]*\s*)+,?\s*$")
_HEDGES = re.compile(
    r"(?<![\w])(?:allegedly|alleged|accused of|is accused|was accused|charged with|"
    r"according to|claims? that|presunt\w+|presume\w*)(?![\w])"
)


@rule("LAW601", "possible-defamation", confidence="low")
def possible_defamation(item: PostItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags an accusation of a crime or of dishonesty aimed at a named private individual.

    ## What it does
    Fires when an accusation ("is a liar", "stole", "embezzled", "took bribes", "is a
    fraud", and some French and Spanish) directly follows a person's name or @handle.
    Accusations against a state, a government, an authority, security forces or a
    company ("the government tortured him", "police beat protesters"), against officials by
    title, and reported allegations ("allegedly", "charged with") are not flagged.

    ## Why it matters
    Clause 5: "If you break the law ... (for example, by posting something defamatory ...)
    you may face legal proceedings", and the organisation may be held responsible too.

    ## Example
    "Everyone should know that Mark Example stole money from the shelter's donors."

    ## Instead
    Stick to documented, sourced facts and check with legal before naming someone.
    """
    view = item.view
    accusations = list(ACCUSATION.finditer(view))
    if not accusations or _HEDGES.search(view.text):
        return
    for match in accusations:
        o_start, o_end = view.span(match.start(), match.end())
        head = view.original[max(0, o_start - 80) : o_start]
        name = _NAME_BEFORE.search(head)
        if name is None:
            continue
        who = name.group(1)
        words = who.lower().replace("@", "").split()
        if not words or (len(words) == 1 and words[0] in _NOT_NAMES):
            continue
        if words[0] in _NOT_NAMES and len(words) > 1:
            who = " ".join(who.split()[1:])
        context = _PLACE_AFTER.sub("", view.original[max(0, o_start - 80 - 30) : o_start])
        context = context.lower()
        if INSTITUTION.search(who.lower()) or INSTITUTION.search(" ".join(context.split()[-4:])):
            continue
        if ctx.org.is_org_account(who):
            continue
        start = max(0, o_start - 80) + name.start(1)
        evidence = {
            "field": "text",
            "start": start,
            "end": o_end,
            "text": view.original[start:o_end],
        }
        yield Hit(f'"{evidence["text"]}" accuses a named person.', [evidence])
        return


PROCEEDINGS = Phrases(lexicons.PROCEEDINGS)
GUILT = Phrases(lexicons.GUILT_CLAIMS, shared=False)
EXEMPT = Phrases(lexicons.GUILT_EXEMPT, shared=False)


@rule("LAW602", "possible-contempt-of-court", confidence="low")
def possible_contempt(item: PostItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags a statement of guilt or innocence about someone whose case is ongoing.

    ## What it does
    Fires when a post both refers to ongoing proceedings (on trial, the defendant, charged
    with, the jury, awaiting trial) and states guilt or innocence ("is guilty", "is
    innocent", "did it", "must be convicted"). Stating the principle ("innocent until proven
    guilty") or reporting a verdict ("was found guilty") is not flagged.

    ## Why it matters
    Clause 5 names contempt of court as a way a post can break the law. Comment on a live
    case can prejudice a trial, and the organisation can be held responsible.

    ## Example
    "The jury is out, but let's be honest: Tom Example is guilty."

    ## Instead
    Call for a fair trial and comment on the verdict once it is given.
    """
    view = item.view
    proceedings = PROCEEDINGS.search(view)
    if proceedings is None:
        return
    exempt = [(m.start(), m.end()) for m in EXEMPT.finditer(view)]
    for claim in GUILT.finditer(view):
        if any(s <= claim.start() < e or s < claim.end() <= e for s, e in exempt):
            continue
        claim_ev = view.evidence("text", claim.start(), claim.end())
        case_ev = view.evidence("text", proceedings.start(), proceedings.end())
        yield Hit(
            f'The post says someone "{claim_ev["text"]}" while proceedings are ongoing '
            f'("{case_ev["text"]}").',
            [claim_ev, case_ev],
        )
        return
