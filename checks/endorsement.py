"""NPT201 without configuration: an appeal to vote for, elect or support a party or a person.

The configured parties and candidates (`[[politics]]`) make NPT201 sure and catch indirect
forms ("vote for her" after the name); this module finds the direct forms whoever is named,
by the grammar of the appeal, on the text as written (capitals tell a name):

- a voting verb, in any person or tense that asks or declares ("vote", "voting for", "I'll
  be voting for", "re-elect", "votez pour", "vota a", "vote em", "wählt"), then optionally a
  title or an adverb ("Senator", "early", "straight-ticket"), then a name: capitalised words,
  a handle, a hashtag, a ballot number (Brazil) or a party by its colour or kind ("Vote
  Labour", "vote Blue", "the Democrats");
- the name then the verb ("AfD wählen!", "X has my vote");
- a voting hashtag ("#VoteGreen", "#VoteBlue2020", "#EuVotoBolsonaro", "#JeVoteZemmour");
- a candidate's own ask ("give me your vote", "I'd be honored to have your vote", "re-elect
  me", "te pido tu voto", "peço seu voto");
- "I support / endorse / am backing X" when the post is about an election.

Not fired: a vote on a bill, resolution, motion, petition, referendum or ballot measure
("vote yes on Prop 1"), for a cause ("vote for change", "vote for human rights"), against
someone ("vote him out", "never vote for X", "don't vote X"), a fan or award vote, and
get-out-the-vote without a name ("vote early!").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


class _Lazy:
    """A pattern compiled on first use: these are large, and most scans never need them
    (start-up is measured)."""

    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source, self._flags = source, flags
        self._compiled: re.Pattern[str] | None = None

    def _get(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    def search(self, text: str) -> re.Match[str] | None:
        return self._get().search(text)

    def match(self, text: str) -> re.Match[str] | None:
        return self._get().match(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self._get().finditer(text)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that a capitalised "name" after a voting verb is not: objects of a non-partisan vote,
# causes, times and function words.
NOT_NAMES = _words(
    "yes no prop proposition amendment measure question issue initiative act bill resolution "
    "referendum petition motion treaty law laws budget plan proposal ordinance levy bond the "
    "this that these those it its a an our your my their his her them him me us you we i "
    "change peace love hope justice freedom democracy climate equality progress human rights "
    "life women children kids families future country nation america people everyone early "
    "today now tomorrow tonight here again soon please now monday tuesday wednesday thursday "
    "friday saturday sunday november october september december january february march april "
    "may june july august nov oct sept dec election elections day primary midterms midterm "
    "ballot ballots mail person polls what who whoever whatever whichever both all local safe "
    "smart against out down up with because if when and or is to for in on at by from of as "
    "like not never facebook twitter instagram youtube tiktok link bio retweet rt here's si "
    "oui non sí nao não ja nein le la les el los las un une una uno der die das den dem pour "
    "por para a em no na nos nas au aux du des de del da do dos lui elle eux ella ellos vous "
    "nous tu toi moi mich uns euch sie ihn best favorite favourite song album video team "
)
# Parties by kind or colour, as written after a voting verb or in a voting hashtag.
PARTY_WORDS = (
    r"democrats?|dems?|republicans?|gop|labour|labor|tor(?:y|ies)|conservatives?|lib\s?dems?|"
    r"liberals?|greens?|green\s+party|blue|red|snp|ukip|reform|socialists?|"
    r"verts|ecologistes|republicains|socialistes|insoumis|"
    r"izquierda|derecha|socialistas|populares|"
    r"grunen|grünen|linke|sozialdemokraten|"
    r"vermelho|azul"
)
_TITLE = (
    r"(?:(?:senator|sen\.|rep\.|representative|congressman|congresswoman|congressmember|"
    r"governor|gov\.|president|mayor|judge|sheriff|commissioner|councilmember|councilman|"
    r"councilwoman|dr\.|mr\.|mrs\.|ms\.|candidate|my friend|my good friend|our friend|"
    r"candidat|candidate|candidata|candidato|madame|monsieur|compañera|compañero|"
    r"presidente|presidenta|deputado|deputada|senador|senadora|frau|herr)\s+)"
)
_ADVERB = (
    r"(?:(?:early|today|now|tomorrow|again|proudly|absentee|straight[- ]ticket|straight|"
    r"all the way|in person|on tuesday|this november|this time|en masse|massivement|"
    r"masivamente|el domingo|dimanche|ce dimanche|este domingo|domingo)\s+)"
)
# A name as written: capitalised words (with particles), a handle or a hashtag.
_NAME = (
    r"(?P<name>@\w{2,}|#\w{3,}|"
    r"(?:[A-ZÀ-ÖØ-Þ][\w'’.-]*|[A-Z]{2,}\w*)"
    r"(?:\s+(?:(?:de|da|do|dos|del|la|le|van|von|der|di|du|y|e)\s+)?"
    r"(?:[A-ZÀ-ÖØ-Þ][\w'’.-]+))?(?:\s+[A-ZÀ-ÖØ-Þ][\w'’-]+)?)"
)
_PARTY = rf"(?P<party>(?i:(?:the|les|la|los|las|die|den|os|as)\s+)?(?i:{PARTY_WORDS}))(?![\w])"

_VERB_EN = (
    r"(?:vote|votes|voting|vote\s+for|votes\s+for|voting\s+for|"
    r"(?:cast|casting)\s+(?:your|my|our)\s+(?:vote|ballot)\s+for|"
    r"my\s+vote\s+(?:is\s+for|goes\s+to|is\s+going\s+to)|"
    r"re-?\s?elect|reelect|elect|help\s+elect|let's\s+elect|"
    r"(?:i'm|i\s+am|we're|we\s+are|i'll\s+be|i\s+will\s+be|we'll\s+be)\s+voting\s+for|"
    r"i\s+voted\s+for|just\s+voted\s+for)"
)
_VERB_ROMANCE = (
    r"(?:votez|votons|voter|je\s+vote|je\s+voterai|j'ai\s+vot[eé]|allez\s+voter|"
    r"appelle\s+[aà]\s+voter|r[eé]?[eé]lisez|[eé]lisez|"
    r"vota|votad|voten|votar|votaré|votare|voto|votamos|votemos|a\s+votar|id\s+a\s+votar|"
    r"voy\s+a\s+votar|vamos\s+a\s+votar|voteu|votem|votarem|votarei|vou\s+votar|"
    r"vote)"
    r"(?:\s+(?:pour|por|per|a|al|em|no|na|à))?(?:\s+(?:le|la|el|o|a|les|los|las))?"
)
_VERB_DE = (
    r"(?:wählt|waehlt|wähle|waehle|wählen\s+sie|geht\s+wählen\s+und\s+wählt)(?:\s+(?:die|den|das))?"
)

_TARGET = rf"(?:{_TITLE}|{_ADVERB})?(?:{_PARTY}|{_NAME}|(?P<number>\b[1-9]\d(?:\d{{2,3}})?\b))"

APPEALS = [
    _Lazy(rf"(?<![\w@#])(?i:{_VERB_EN})[ \t]+{_ADVERB}?(?:for[ \t]+)?{_TARGET}"),
    _Lazy(rf"(?<![\w@#])(?i:{_VERB_ROMANCE})[ \t]+{_TARGET}"),
    _Lazy(rf"(?<![\w@#])(?i:{_VERB_DE})[ \t]+{_TARGET}"),
    # campaign work for someone, and someone's supporters
    _Lazy(
        r"(?<![\w@#])(?i:canvass\w*|door-?\s?knock\w*|phone\s?bank\w*|knocking\s+(?:on\s+)?doors|"
        r"volunteering|volunteer)[ \t]+"
        rf"(?i:for|to)[ \t]+(?i:the[ \t]+)?{_TARGET}"
    ),
    # the name first: German puts the infinitive last ("AfD wählen!", "#AfD wählen" at the
    # end of a line, "die AfD zu wählen"), "X has my vote", "X tiene mi voto"
    _Lazy(rf"{_NAME}\s+(?i:zu\s+)?(?i:wählen|waehlen)(?=\s*(?:[!.|\n]|$))"),
    _Lazy(
        rf"{_NAME}\s+(?i:has my vote|gets my vote|deserves your vote|tiene mi voto|"
        r"a mon vote|tem meu voto|has our vote)"
    ),
]
# A German hashtag with the verb glued on last ("#einfachAfDwählen"), not "#abwählen".
HASHTAG_DE = _Lazy(r"#\w*?(?<!ab)(?P<name>[A-ZÄÖÜ][A-ZÄÖÜa-zäöüß]+?)(?<!ab)w(?:ä|ae|a)hlen\b")
HASHTAG = _Lazy(
    r"#(?:Vote|VOTE|vote|Elect|ReElect|Reelect|Votez|Vota|Votem|Votar|W[äa]hlt|EuVoto|JeVote|"
    r"YoVoto|Voto|Votamos|Votons)(?:For|for|FOR|4|Pour|pour|Por|por|A|Em|em|a)?"
    r"(?P<name>[A-ZÀ-Þ0-9]\w*|(?i:" + PARTY_WORDS.replace(r"\s+", "") + r")\w*)"
)
SELF_ASK = _Lazy(
    r"(?i)(?<![\w])(?:"
    r"(?:give\s+me|earn|earned|ask\s+for|asking\s+for|need|have|appreciate|count\s+on|"
    r"deserve|hope\s+to\s+earn|humbly\s+ask\s+for|would\s+love|ask\s+you\s+for)\s+"
    r"(?:your|ur)\s+(?:vote|votes)(?![\w])"
    r"|(?:vote|votes)\s+for\s+me(?![\w])|re-?\s?elect\s+me(?![\w])|elect\s+me(?![\w])"
    r"|votez\s+pour\s+moi|votez\s+pour\s+nous|(?:demande|sollicite)\s+(?:votre|vos)\s+"
    r"(?:vote|voix|suffrages?)"
    r"|(?:te|os|les)?\s*(?:pido|pedimos|necesito|necesitamos)\s+(?:el\s+|un\s+)?"
    r"(?:(?:tu|vuestro|su)\s+)?(?:voto|apoyo)|cuento\s+con\s+tu\s+voto|v[oó]tame|votadnos|v[oó]tanos"
    r"|(?:pe[cç]o|pedimos|preciso|precisamos|conto\s+com)\s+(?:o\s+)?(?:seu|teu|vosso)\s+"
    r"(?:voto|apoio)"
    r"|(?:bitte\s+um\s+)?(?:ihre|deine|eure)\s+(?:beiden\s+)?stimmen?\s+f[üu]r\s+(?:uns|mich)"
    r"|w[äa]hlt\s+(?:uns|mich)(?![\w]))"
)
ENDORSED = _Lazy(
    r"(?i)(?<![\w])(?:(?:honou?red|proud|thrilled|grateful|humbled|excited)\s+to\s+"
    r"(?:be\s+endorsed|receive\s+(?:the|their)\s+endorsement|have\s+(?:the|their)\s+"
    r"endorsement|earn\s+(?:the|their)\s+endorsement)"
    r"|thank\w*\s+[^.!?\n]{0,60}?\bfor\s+(?:the|their|your)\s+endorsement)"
)
_NOUN_BEFORE = _Lazy(
    r"(?i)(?:\b(?:your|ur|my|our|his|her|their|a|the|every|one|each|this|that|le|la|el|"
    r"tu|su|mi|votre|ton|mon|seu|meu|o|um|une|un)\s+)$"
)
SUPPORT = _Lazy(
    r"(?i:(?<![\w])(?:i|we)\s+(?:support|am\s+supporting|'m\s+supporting|endorse|"
    r"am\s+endorsing|'re\s+endorsing|are\s+endorsing|back|am\s+backing|'m\s+backing|"
    r"stand\s+with|'m\s+with|am\s+with)|proud(?:ly)?\s+(?:to\s+)?(?:endorse|support)|"
    r"je\s+soutiens|apoyo\s+a|eu\s+apoio)\s+" + _TARGET
)
# A verb or noun of support by its stem, any person or tense ("apoia", "em apoio a",
# "soutenir", "soutient", "apoyamos a", "unterstützt die"), then the party or person.
SUPPORT_STEM = _Lazy(
    r"(?i:(?<![\w])(?:apoi(?:a|am|amos|ar|ou|aram|o\s+a|o\s+ao)|apoy(?:a|an|amos|ar|o\s+a)|"
    r"souten(?:ir|ez|ons)|soutien(?:s|t|nent)?|unterst[üu]tz(?:t|en|e))(?:\s+(?:a|à|ao|au|"
    r"al|o|os|la|le|les|el|los|das|den|die))?)\s+" + _TARGET
)
ELECTORAL = _Lazy(
    r"(?i)(?<![\w])(?:vot\w*|elect\w*|ballot\w*|primar\w*|campaign\w*|candida\w*|polls?|"
    r"caucus\w*|pr[eé]sident\w*|senate|congress|governor|mayor|wahl\w*|w[äa]hl\w*|[eé]lecci\w*|[eé]lection\w*|elei[cç]\w*|urnes?|"
    r"20[12]\d)(?![\w])"
)
NEGATION = _Lazy(
    r"(?i)(?:\b(?:don'?t|do\s+not|never|not|won'?t|wouldn'?t|no\s+one|nobody|against|"
    r"nunca|jam[aá]is|ne|n'|pas|nicht|niemals|kein\w*|n[aã]o|contra|gegen|wer|qui\s+vote|"
    r"quien|whoever|anyone\s+who|if\s+you)\b[^.!?\n]{0,25}$"
    r"|\b(?:es|est|ist|é|is|means|significa|signifie|hei[sß]t)\s*$|=\s*$)"
)
AFTER_NOT = _Lazy(
    r"(?i)^\s*(?:out\b|es\b|is\b|est\b|ist\b|é\b|=|raus\b|dehors\b|fuera\b|fora\b|off\b|down\b|"
    r"(?:act|bill|resolution|amendment|initiative|proposition|prop|measure|petition|"
    r"referendum|law|motion|treaty|ordinance)\b)"
)
OUT_LATER = _Lazy(r"(?i)^[^.!?\n]{0,30}\b(?:out|raus|dehors|fuera|fora)\b\s*(?:[.!?\n]|$)")
FAN_VOTE = _Lazy(
    r"(?i)(?<![\w])(?:awards?|kca|mvp|fan\s+vote|fans|contest|nominee|nominated|nomination|"
    r"category|bbmas?|vmas?|emas?|grammys?|oscars?|bracket|all-?star|player|song|album|"
    r"tourney|tournament|round\s+\d|poll|eurovision|x\s+factor|idol|strictly|bake\s+off|"
    r"big\s+brother|reality)(?![\w])"
)
_HASHTAG_NOT = _words(
    "no yes out early today now tomorrow here them him her em for like safe ready "
    "local smart by mail in person your our every them out ing ed s the"
)


# Every appeal above has one of these (a cheap first test: most posts have none).
CUE = _Lazy(
    r"(?i)vot|elect|w[äa]hl|endors|support|soutien|soutenez|apoy|apoi|canvass|knock|phone|"
    r"volunt|stimme|[eé]lis|souten|unterst"
)


@dataclass(frozen=True, slots=True)
class Appeal:
    start: int
    end: int
    kind: str  # "appeal" | "hashtag" | "self" | "support"


def _target_ok(match: re.Match[str], text: str) -> bool:
    name = match.groupdict().get("name")
    party = match.groupdict().get("party")
    number = match.groupdict().get("number")
    if number is not None:
        value = int(number)
        if 1900 <= value <= 2100:
            return False  # a year
        # A ballot number only after a Portuguese "vote"/"votem" ("Vote 17").
        verb = text[match.start() : match.start("number")].strip().lower()
        return verb in {"vote", "votem", "votar", "vote no", "vote em", "votem no", "votem em"}
    if party is not None:
        return True
    if name is None:
        return False
    if name[0] in "@#":
        body = name[1:].lower()
        return body not in NOT_NAMES and not body.startswith(("vote", "election", "gotv"))
    first = name.split()[0].strip(".'’").lower()
    return first not in NOT_NAMES and len(first) >= 2


# CUE's words for an ASCII text, where case-insensitive matching is exactly a substring test
# on the lower-cased text ("w[äa]hl" and "[eé]lis" reduce to their ASCII spellings): most
# posts are ASCII, and this test costs a sixth of the pattern's. Keep the two in step.
_CUE_ASCII = (
    "vot", "elect", "wahl", "endors", "support", "soutien", "soutenez", "apoy", "apoi",
    "canvass", "knock", "phone", "volunt", "stimme", "elis",
)  # fmt: skip


def _cued(text: str) -> bool:
    if text.isascii():
        lowered = text.lower()
        return any(word in lowered for word in _CUE_ASCII)
    return CUE.search(text) is not None


def find_appeal(text: str) -> Appeal | None:
    """The first appeal to vote for, elect or support a party or a person in `text` (as
    written), or None."""
    if not text or not _cued(text):
        return None
    self_ask = SELF_ASK.search(text)
    if self_ask is not None and not NEGATION.search(
        text[max(0, self_ask.start() - 40) : self_ask.start()]
    ):
        return Appeal(self_ask.start(), self_ask.end(), "self")
    endorsed = ENDORSED.search(text)
    if endorsed is not None:
        return Appeal(endorsed.start(), endorsed.end(), "self")
    fan = FAN_VOTE.search(text) is not None
    for match in HASHTAG.finditer(text):
        body = match.group("name")
        lowered = body.lower()
        if lowered in _HASHTAG_NOT or lowered.startswith(("out", "them", "early", "with")):
            continue
        if "out" in lowered or "nomatterwho" in lowered:  # "#VoteDemsOut", a slogan against
            continue
        if body.isdigit() or fan:
            continue
        return Appeal(match.start(), match.end(), "hashtag")
    if fan:
        return None
    glued = HASHTAG_DE.search(text)
    if glued is not None and glued.group("name").lower() not in NOT_NAMES:
        return Appeal(glued.start(), glued.end(), "hashtag")
    for pattern in APPEALS:
        for match in pattern.finditer(text):
            if not _target_ok(match, text):
                continue
            before = text[max(0, match.start() - 40) : match.start()]
            if NEGATION.search(before) or _NOUN_BEFORE.search(before):
                continue  # "don't vote for X"; "your vote" is a noun
            after = text[match.end() : match.end() + 40]
            if AFTER_NOT.match(after) or OUT_LATER.match(after):
                continue  # "vote X out", "vote for the X Act"
            return Appeal(match.start(), match.end(), "appeal")
    if ELECTORAL.search(text):
        for match in (*SUPPORT.finditer(text), *SUPPORT_STEM.finditer(text)):
            if _target_ok(match, text) and not NEGATION.search(
                text[max(0, match.start() - 40) : match.start()]
            ):
                return Appeal(match.start(), match.end(), "support")
    return None
