"""Clause 6, Be non-partisan, and "Do not share: endorsement of political parties or candidates"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from checks import learned, lexicons
from checks.endorsement import find_appeal
from checks.engine import Hit, Org, PostItem, RuleContext
from checks.matching import alternation
from checks.normalize import norm_phrase
from checks.registry import rule

_OBJECTS = alternation([*lexicons.NON_PARTISAN_OBJECTS, "call", "plan", "statement", "question"])


class _Named:
    """A pattern that counts only in a post that names a configured party or candidate: "vote
    them out" is partisan after "the Harbour Party", not on its own."""

    def __init__(self, targets: str, pattern: str) -> None:
        self.named = re.compile(rf"(?<![\w])(?:{targets})(?![\w])")
        self.pattern = re.compile(pattern)

    def search(self, text: str) -> re.Match[str] | None:
        match = self.pattern.search(text)
        return match if match and self.named.search(text) else None


def _endorsement_patterns(org: Org) -> list[re.Pattern[str] | _Named]:
    """Compiled once per organisation config: verb + target, target + verb, and hashtags."""
    cached = org.__dict__.get("_npt201")
    if cached is not None:
        return cached
    politics = org.politics
    patterns: list[re.Pattern[str] | _Named] = []
    if politics.names or politics.accounts:
        targets = alternation(politics.names + [f"@{a}" for a in politics.accounts])
        with_surnames = alternation(
            politics.names + politics.surnames + [f"@{a}" for a in politics.accounts]
        )
        before = alternation([p for group in lexicons.ENDORSE_BEFORE.values() for p in group])
        after = alternation([p for group in lexicons.ENDORSE_AFTER.values() for p in group])
        not_object = rf"(?!'?s?\s+(?:\w+\s+){{0,2}}(?:{_OBJECTS})\b)"
        patterns.append(
            re.compile(
                rf"(?<![\w])(?:{before})\s*(?<=[\s:])(?:(?:the|la|le|el|los|les)\s+)?"
                rf"(?:{with_surnames})(?![\w]){not_object}"
            )
        )
        patterns.append(re.compile(rf"(?<![\w@])(?:{targets})\s*[,:!-]?\s*(?:{after})(?![\w])"))
        patterns.append(
            re.compile(
                rf"(?<![\w])(?:get|getting|help|helping)\s+(?:{with_surnames})\s+"
                r"(?:re-?\s?elected|elected|into office|over the line)(?![\w])"
            )
        )
        # Campaign work for a party or candidate, whatever follows ("the X campaign").
        work = alternation(lexicons.CAMPAIGN_WORK)
        patterns.append(
            re.compile(
                rf"(?<![\w])(?:{work})\s+(?:(?:the|la|le|el)\s+)?(?:{with_surnames})(?![\w])"
            )
        )
        # "give X your number 1 / your vote", "don't let X near government".
        patterns.append(
            re.compile(
                rf"(?<![\w])(?:give|giving)\s+(?:{with_surnames})\s+(?:your|my|our)\s+"
                r"(?:number\s*1|no\.?\s*1|#\s?1|1st|first preference|vote|votes)(?![\w])"
                rf"|(?<![\w])(?:don't|do not|never)\s+let\s+(?:the\s+)?(?:{with_surnames})\s+"
                r"(?:near|into|anywhere near|back into|win)(?![\w])"
            )
        )
        # "X 2028!" as a slogan; "let's get her elected" once X is named in the post.
        patterns.append(re.compile(rf"(?<![\w@#])(?:{targets})\s+20\d\d\s*!"))
        # A choice or an endorsement named as such: "the only sensible choice on Thursday
        # is X", "my endorsement, for what it's worth: X", "lend X your vote".
        patterns.append(
            re.compile(
                r"(?<![\w])(?:only|best|right|obvious|sensible|clear|real|serious|natural)\s+"
                r"(?:\w+\s+)?(?:choice|option|candidate|vote)\s+(?:[\w,']+\s+){0,4}?"
                rf"(?:is|:|=)\s*(?:the\s+)?(?:{with_surnames})(?![\w])"
                r"|(?<![\w])(?:seul|seule|unico|unica|meilleur|meilleure|mejor)\s+"
                r"(?:\w+\s+)?(?:choix|option|candidat|candidate|opcion|voto|candidato|candidata)"
                r"\s+(?:[\w,']+\s+){0,4}?(?:c'est|c est|est|es|:)\s*(?:(?:le|la|el)\s+)?"
                rf"(?:{with_surnames})(?![\w])"
                r"|(?<![\w])my\s+(?:endorsement|pick|choice|vote|ballot)\b[^.!?\n]{0,30}?"
                rf"[:\-–]\s*(?:the\s+)?(?:{with_surnames})(?![\w])"
                rf"|(?<![\w])(?:lend|give)\s+(?:{with_surnames})\s+(?:your|my|our)\s+"
                r"(?:vote|votes|support)(?![\w])"
            )
        )
        # A pronoun for a party or candidate named in the post (or the account it quotes):
        # "We need X in office. Vote for her", "Re-elect her on Monday".
        pronoun = r"(?:her|him|them|elle|lui|eux|ella|ellos|ellas)"
        patterns.append(
            _Named(
                targets,
                r"(?<![\w])(?:get|getting|help|helping)\s+(?:her|him|them)\s+"
                r"(?:re-?\s?elected|elected|into office)(?![\w])"
                r"|(?:^|[.!?]\s+|let's\s+|lets\s+)vote\s+(?:her|him|them)\s+(?:in|out)(?![\w])"
                r"|(?<![\w])(?:vote\s+for|votes\s+for|voting\s+for|re-?\s?elect|reelect|elect|"
                r"votez\s+pour|reelisez|elisez|vota\s+(?:a|por)|votad\s+a|voten\s+a)\s+"
                rf"{pronoun}(?![\w])"
                r"|(?<![\w])(?:lend|give)\s+(?:her|him|them)\s+(?:your|my|our)\s+"
                r"(?:vote|votes|support)(?![\w])",
            )
        )
        firsts = politics.first_names
        if firsts:
            offices = alternation(lexicons.OFFICES)
            patterns.append(
                re.compile(rf"#(?:{alternation(firsts)})\s+(?:for|4)\s+(?:{offices})(?![\w])")
            )
    if politics.compact:
        compact = "|".join(sorted(map(re.escape, politics.compact), key=len, reverse=True))
        # A first name alone in a voting hashtag ("#VotePriya", "#ImWithPriya"): a verb of
        # voting makes it an endorsement, whoever else shares the name.
        firsts = sorted(
            {re.sub(r"[\W_]+", "", norm_phrase(f)) for f in politics.first_names}, key=len
        )
        first = "|".join(map(re.escape, reversed(firsts))) or r"(?!x)x"
        patterns.append(
            re.compile(
                rf"#(?:vote|elect|reelect|back|support|votez|vota|go|team)(?:for|4|pour|por|a)?"
                rf"(?:the)?(?:{compact})\b"
                rf"|#(?:{compact})(?:for\w+|4\w+|20\d\d|2win|pourpresident|presidente?)\b"
                rf"|#(?:vote|elect|reelect|votez|vota|imwith|jevote|yovoto)(?:for|4|pour|por|a)?"
                rf"(?:{first})\b"
            )
        )
    org.__dict__["_npt201"] = patterns
    return patterns


def _mention(org: Org) -> re.Pattern[str] | None:
    """Any configured party, candidate (full, surname or first name) or account: a post that
    names none of them can only match a hashtag pattern, so the others are skipped (most
    posts name no party, and this one search is cheaper than the endorsement patterns)."""
    if "_npt201_mention" not in org.__dict__:
        politics = org.politics
        words = [*politics.names, *politics.surnames, *politics.first_names, *politics.accounts]
        org.__dict__["_npt201_mention"] = (
            re.compile(rf"(?<![\w])(?:{alternation(words)})(?![\w])") if words else None
        )
    return org.__dict__["_npt201_mention"]


def _hashtag_view(view) -> str:
    """The original text lower-cased character by character (same length, same offsets)."""
    original = view.original
    if original.isascii():
        return original.lower()
    # Lower-casing never shortens a character, so equal lengths mean every character became
    # one: the same as below, but for a final capital sigma, which str.lower reads in context.
    lowered = original.lower()
    if len(lowered) == len(original) and "Σ" not in original:
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in original)


@rule("NPT201", "political-endorsement", confidence="high")
def political_endorsement(item: PostItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags a post that advocates for a configured political party or candidate.

    ## What it does
    Looks for an endorsement ("vote for X", "#VoteX", "I endorse X", "re-elect X", "X for
    president", "X has my vote", "I'll be voting X", "the only sensible choice is X", "my
    endorsement: X", "#VotePriya", and the same in French and Spanish) whose object is one of
    the parties, candidates or party accounts configured under `[[politics]]`, or a pronoun
    for one named in the post or in the account it quotes ("Re-elect her", "Vote for them").
    Without any configuration it still fires on a direct appeal to vote for, elect or
    support a party or a named person (`checks/endorsement.py`, en, fr, es, de, pt, ca):
    "vote for Jane Doe", "I'm voting for X", "re-elect Senator X", "Vote Labour",
    "#VoteGreen", "votez X", "vota a X", "vote em X", "X wählen!", a candidate's "give me
    your vote", "honored to be endorsed by", "I support X" in an election. Configured names
    add the indirect forms above. Voting on a resolution, a bill, a petition, a referendum or
    a human-rights cause is not an endorsement, nor is voting someone out, a fan vote, or
    naming a party in a report about what it did.

    ## Why it matters
    No one whose account is affiliated with the organisation, and no recognised spokesperson,
    may advocate on behalf of a political candidate or party. The organisation's standing
    depends on being non-partisan.

    ## Example
    "Polls open at 7! #VoteForJaneExample"

    ## Instead
    "Polls open at 7. Whoever you vote for, ask your candidates where they stand on refugee
    protection."
    """
    view = item.view
    patterns = _endorsement_patterns(ctx.org)
    mention = _mention(ctx.org)
    named = mention is not None and mention.search(view.text) is not None
    # Quoting a party's or candidate's account names it as well as the text would.
    quoted = bool(item.quoted_from) and (
        item.quoted_from.strip().lower().lstrip("@") in ctx.org.politics.accounts
    )
    named = named or quoted
    for i, pattern in enumerate(patterns):
        # The hashtag pattern reads hashtags as written ("#janeexample2026"), the others the
        # normalised words.
        hashtags = i == len(patterns) - 1 and bool(ctx.org.politics.compact)
        if hashtags and "#" not in view.original:
            continue
        if not hashtags and not named:
            continue
        if quoted and isinstance(pattern, _Named):
            match = pattern.pattern.search(view.text)
        else:
            match = pattern.search(_hashtag_view(view) if hashtags else view.text)
        if match and hashtags:
            evidence = {
                "field": "text",
                "start": match.start(),
                "end": match.end(),
                "text": view.original[match.start() : match.end()],
            }
            yield Hit(f'"{evidence["text"]}" reads as a political endorsement.', [evidence])
            return
        if match:
            evidence = view.evidence("text", match.start(), match.end())
            yield Hit(f'"{evidence["text"]}" reads as a political endorsement.', [evidence])
            return
    # Whoever is named: an appeal to vote for, elect or support a party or a person.
    appeal = find_appeal(item.text)
    if appeal is not None:
        text = item.text[appeal.start : appeal.end]
        evidence = {"field": "text", "start": appeal.start, "end": appeal.end, "text": text}
        yield Hit(f'"{text}" reads as a political endorsement.', [evidence])
        return
    # The learned scorer (make train), for the forms no pattern knows.
    scorer = learned.scorer("NPT201")
    if scorer is None or not view.text or not scorer.could_fire(view.text):
        return
    verdict = scorer.judge(view.text, found=item.features)
    if verdict is not None:
        spans = [view.evidence("text", s, e) for s, e in sorted(verdict.spans)]
        spans = spans or [view.evidence("text", 0, len(view.text))]
        words = ", ".join(f'"{e["text"]}"' for e in spans)
        yield Hit(
            f"The post reads as a political endorsement (learned score "
            f"{verdict.probability:.2f}; carried by {words}).",
            spans,
        )


@rule("NPT202", "amplifies-political-account", confidence="high")
def amplifies_political_account(item: PostItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags a repost or quote of a configured party or candidate account.

    ## What it does
    Fires when the post reposts or quotes an account listed under `[[politics]] accounts`.

    ## Why it matters
    A repost is often read as agreement. From an account linked to the organisation, sharing a
    party's or candidate's message can look like taking sides (clause 6, Be non-partisan).

    ## Example
    Reposting @exampleparty's campaign video.

    ## Instead
    Share the organisation's own material on the issue, or a neutral news source.
    """
    accounts = ctx.org.politics.accounts
    if not accounts:
        return
    for field, source, verb in (
        ("reposted_from", item.reposted_from, "reposts"),
        ("quoted_from", item.quoted_from, "quotes"),
    ):
        if source and source.strip().lower().lstrip("@") in accounts:
            yield Hit(
                f"The post {verb} {source}, a political party or candidate account.",
                [{"field": field, "start": 0, "end": len(source), "text": source}],
            )
            return
