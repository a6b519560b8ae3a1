"""Clauses 3 and 8 (Be responsible, Be respectful) and 10 (Don't be baited)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

from checks import abuse, learned, lexicons
from checks.classifier import ADDRESSED, INSULTS, PROFANITY, ROUGH
from checks.engine import Evidence, Hit, PostItem, RuleContext
from checks.matching import Phrases, alternation, flatten
from checks.normalize import Text
from checks.registry import rule

_INSULT = alternation(flatten(lexicons.INSULT_NOUNS))
INSULT_AT_PERSON = re.compile(
    r"(?<![\w])(?:(?:you|u|ur|you're|youre|you are|@[\w.]+\s+is|he's|she's|he is|she is|"
    r"they're|what|eres|es|t'es|tu es|vous etes|espece)\s+"
    r"(?:(?:a|an|un|une|una|such|an absolute|a complete|a total|a fucking|a bloody|"
    r"absolute|complete|total|utter|little|pathetic|stupid|lying|sad|d')\s*){0,3})"
    rf"(?:{_INSULT})(?![\w])"
)
_PERSON = alternation(lexicons.PERSON_INSULTS)
# An insult that can only mean a person, pointed at someone without "you": "another moron in
# my mentions", "this columnist is a spineless hack", "quel abruti", "vaya imbecil".
INSULT_NAMED = re.compile(
    r"(?<![\w])(?:(?:another|this|that|some|what an?|such an?|is an?|was an?|are|were|"
    r"quel|quelle|quels|ce|cet|cette|vaya|menudo|menuda|que|es un|es una|est un|est une)\s+"
    rf"(?:[\w-]+\s+)?(?:{_PERSON})"
    # Two insults as a sentence of their own ("A liar and a cheat."), not "X is a liar and
    # a thief", an accusation.
    rf"|(?:^|(?<=[.!?:]\s))(?:what\s+)?(?:a|an)\s+(?:{_INSULT})\s+and\s+(?:a|an)\s+"
    rf"(?:{_INSULT}))(?![\w])"
)
_ALL = re.compile(r"\S.*", re.S)
# Words of an accusation rather than of name-calling (LAW601 reads them).
ACCUSATION_WORDS = frozenset(
    {
        *("liar", "liars", "lying", "lies", "thief", "thieves", "traitor", "traitors"),
        *("crook", "crooks", "fraud", "corrupt", "criminal", "criminals", "cheat", "cheats"),
        *("menteur", "menteuse", "mentiroso", "mentirosa", "lugner", "bugiardo"),
    }
)
HOSTILE_CUES = Phrases(lexicons.HOSTILE_AT_YOU, shared=False)


def _first(view: Text, field: str, *patterns) -> Evidence | None:
    for pattern in patterns:
        match = pattern.search(view if isinstance(pattern, Phrases) else view.text)
        if match:
            return view.evidence(field, match.start(), match.end())
    return None


def offensive(view: Text, prob: float | None, threshold: float, field: str) -> Evidence | None:
    """Where the text is offensive: profanity, an insult aimed at a person, or rough words
    that the classifier judges offensive with at least `threshold` probability."""
    found = _first(view, field, PROFANITY)
    if found is None and INSULTS.search(view) is not None:
        found = _first(view, field, INSULT_AT_PERSON, INSULT_NAMED)
    if found is not None:
        return found
    if prob is not None and prob >= threshold:
        return _first(view, field, ROUGH) or _first(view, field, _ALL)
    return None


def hostile_parent(item: PostItem, threshold: float) -> Evidence | None:
    """Where the message the post replies to is hostile (offensive or aimed at the person)."""
    cached = item.hostile_cache.get(threshold, _UNSET)
    if cached is not _UNSET:
        return cached
    found = _hostile_parent(item, threshold)
    item.hostile_cache[threshold] = found
    return found


_UNSET = object()


def _hostile_parent(item: PostItem, threshold: float) -> Evidence | None:
    view = item.parent_view
    if view is None:
        return None
    found = _first(view, "reply_to_text", PROFANITY)
    if found is None and INSULTS.search(view) is not None:
        found = _first(view, "reply_to_text", INSULT_AT_PERSON)
    if found is not None:
        return found
    # The classifier says "offensive"; it is hostile when it speaks to the person (or of
    # their organisation), not about a third party ("a damn disgrace by the government").
    if (item.parent_offensive or 0) >= threshold and ADDRESSED.search(view):
        return _first(view, "reply_to_text", HOSTILE_CUES, ROUGH, ADDRESSED)
    return None


@rule("RSP501", "disrespectful-language", confidence="medium", params={"threshold": 0.95})
def disrespectful_language(item: PostItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags profanity, insults or a personal attack.

    ## What it does
    Fires on profanity and on insults aimed at a person ("you clown", "@someone is an
    idiot"); on the vocabulary of disrespectful language in English, French, Spanish,
    German, Italian, Portuguese and Arabic (`checks/abuse.py`: vulgar words, insults, slurs,
    words that dehumanise a group, insults of a group), matched by stem so inflected,
    masked ("f*ck"), stretched ("fuuuck") and hashtag-glued forms count; on every post the
    shipped offensive-language classifier (alt-profanity-check) rates at least
    `[rules.RSP501] threshold` (default 0.95); and on posts the learned scorer
    (`make train`, `checks/models/rsp501.json.gz`) rates above its threshold, with the
    words that carried the score as evidence. Strong words about a government's actions
    ("the government tortured him"), abuse the person reports receiving ("they called me
    an idiot") and quoted words are not flagged.

    ## Why it matters
    Clause 8 asks to "maintain a level of professionalism when dealing with dissenting
    opinions or attacks" and "not post anything you would not like to see quoted in the
    media"; clause 3 asks to do nothing to damage the organisation's reputation.

    ## Example
    "@critic_account you absolute clown, read the report before you tweet."

    ## Instead
    "@critic_account the report sets out the evidence on page 12; happy to discuss."
    """
    view = item.view
    found = offensive(view, item.offensive, float(ctx.params["threshold"]), "text")
    if found is not None:
        yield Hit(f'"{found["text"]}" is disrespectful language.', [found])
        return
    word = abuse.find(view.text, lambda: item.language)
    if word is not None:
        found = view.evidence("text", word.start, word.end)
        yield Hit(f'"{found["text"]}" is disrespectful language ({word.entry.kind}).', [found])
        return
    scorer = learned.scorer("RSP501")
    if scorer is None or not view.text or not scorer.could_fire(view.text):
        return
    verdict = scorer.judge(view.text, learned.classifier_band(item.offensive), found=item.features)
    if verdict is None:
        return
    # "X is a liar" is an accusation (LAW601), not name-calling: a score carried by an
    # accusation word is left to that rule.
    strongest = view.text[verdict.spans[0][0] : verdict.spans[0][1]] if verdict.spans else ""
    if strongest in ACCUSATION_WORDS:
        return
    spans = [view.evidence("text", s, e) for s, e in sorted(verdict.spans)] or [
        view.evidence("text", 0, len(view.text))
    ]
    words = ", ".join(f'"{e["text"]}"' for e in spans)
    yield Hit(
        f"The post reads as disrespectful (learned score {verdict.probability:.2f}; "
        f"carried by {words}).",
        spans,
    )


@rule(
    "RSP502",
    "hasty-reply",
    confidence="medium",
    params={"minutes": 10, "threshold": 0.95},
)
def hasty_reply(item: PostItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags a quick reply to a hostile message.

    ## What it does
    Fires when the post replies, within `[rules.RSP502] minutes` (default 10), to a message
    that is hostile: profanity, an insult aimed at the person, or rough words the classifier
    rates offensive. The evidence is the hostile words in the message replied to.

    ## Why it matters
    Clause 8: "Try not to be overtly personal with responses and consequently, do not react
    in haste." Replies written in the heat of the moment are the ones that get quoted.

    ## Example
    Two minutes after "You people are a disgrace, pathetic liars", replying point by point.

    ## Instead
    Take a break before answering hostile messages, or don't answer at all.
    """
    if item.reply_to_created_at is None or item.created_at is None or not item.reply_to_text:
        return
    delay = item.created_at - item.reply_to_created_at
    if delay < timedelta(0) or delay > timedelta(minutes=float(ctx.params["minutes"])):
        return
    hostile = hostile_parent(item, float(ctx.params["threshold"]))
    if hostile is None:
        return
    minutes = max(1, round(delay.total_seconds() / 60))
    yield Hit(
        f'The post replies within {minutes} min to a hostile message ("{hostile["text"]}").',
        [hostile],
    )


@rule(
    "RSP503",
    "heated-exchange",
    confidence="medium",
    params={"replies": 4, "hours": 24, "threshold": 0.95},
)
def heated_exchange(item: PostItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags a back-and-forth with a hostile account.

    ## What it does
    Fires on the reply that makes it `[rules.RSP503] replies` (default 4) replies to the same
    account in one conversation within `hours` (default 24), when that account has been
    hostile in it. In the store the conversation comes from the collected thread; in `scan`
    from the input lines (same author, same account replied to, same `conversation` if
    given). The evidence is the hostile words, in the `reply_to_text` of the reply named by
    its `post` key.

    ## Why it matters
    Clause 10, Don't be baited: "there are people who will post inflammatory comments just to
    incite a reaction ... Seek support when you need it from your colleagues."

    ## Example
    A fourth reply in an hour to an account that keeps calling the person a liar.

    ## Instead
    Step out of the exchange; ask a colleague or the comms team for support.
    """
    thread = item.thread
    if thread is None or thread.hostile is None:
        return
    if thread.replies != int(ctx.params["replies"]):
        return
    yield Hit(
        f"This is reply number {thread.replies} to {thread.other} in one conversation, "
        f'and {thread.other} has been hostile ("{thread.hostile["text"]}").',
        [thread.hostile],
    )
