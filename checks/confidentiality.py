"""Do not share: internal communications, financial information, employee information, and
sensitive information about people (with clause 7, privacy)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from itertools import pairwise

import phonenumbers

from checks import lexicons
from checks.engine import Hit, Org, PostItem, RuleContext
from checks.matching import DOMAIN_IN_TEXT, Phrases, alternation, flatten, host_in, host_of
from checks.normalize import Text
from checks.registry import rule

_DIGIT = re.compile(r"\d")

# ---------------------------------------------------------------- CNF301 confidential-marker

MARKERS = Phrases(flatten(lexicons.CONFIDENTIAL_MARKERS))
# Markers that are also ordinary words in reporting ("confidential documents show ...").
_WEAK = {
    "confidential",
    "confidentiel",
    "confidentielle",
    "confidencial",
    "internal memo",
    "internal email",
    "internal e-mail",
    "note interne",
    "nota interna",
    "correo interno",
    "leaked from our",
}
REPORTING = Phrases(lexicons.REPORTING_CUES, shared=False)
_OWN_BEFORE = re.compile(
    r"(?:this is|this's|it's|it is|keep (?:this|it)|strictly|here's (?:our|the|my)|from our|"
    r"our|my|attached|sharing (?:our|the|my)|c'est|c est|es|esto es)\s*[\"']?\s*$"
)


def _labelled(
    view_text: str, original: str, start: int, end: int, o_start: int, o_end: int
) -> bool:
    """The marker is used as a label: at the start, before a colon, in brackets, in capitals,
    or after "this is" / "our"."""
    before = view_text[max(0, start - 24) : start]
    after = view_text[end : end + 3]
    if not before.strip(" \t\n*#[(-–:\"'🔒") and start < 6:
        return True
    if after[:1] in (":", "]", ")") or after.startswith(" -") or after.startswith(" –"):
        return True
    if before.rstrip().endswith((":", " -", "–")):
        return True
    if before.rstrip().endswith(("[", "(")):
        return True
    word = original[o_start:o_end]
    if len(word) > 4 and word.isupper():
        return True
    return bool(_OWN_BEFORE.search(before))


@rule("CNF301", "confidential-marker", confidence="medium")
def confidential_marker(item: PostItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags a post that shares something marked confidential or internal.

    ## What it does
    Looks for confidentiality markers in the person's own words: "confidential", "internal
    only", "not for publication", "do not forward", "internal memo", "draft – not for
    circulation" (and in French and Spanish). A post that reports on someone else's leak
    ("confidential files obtained by reporters show ...") or links an official public source
    (`organisation.official_domains`) is not flagged.

    ## Why it matters
    The policy says not to share internal communications. Internal material posted
    publicly can hurt colleagues, partners and the people the organisation protects.

    ## Example
    "CONFIDENTIAL: draft strategy for next year, don't forward 🙃"

    ## Instead
    Wait for the published version and link it.
    """
    view = item.view
    if ctx.org.official_link(item):
        return
    reporting = None
    for match in MARKERS.finditer(view):
        phrase = " ".join(match.group(0).split())
        ev = view.evidence("text", match.start(), match.end())
        if phrase in _WEAK:
            if reporting is None:
                reporting = REPORTING.search(view) is not None
            labelled = _labelled(
                view.text, view.original, match.start(), match.end(), ev["start"], ev["end"]
            )
            if not labelled or (reporting and not phrase.startswith("leaked")):
                continue
        yield Hit(f'The post is marked "{ev["text"]}": it may share internal material.', [ev])
        return


# ---------------------------------------------------------------- CNF302 internal-link


@rule("CNF302", "internal-link", confidence="high")
def internal_link(item: PostItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags a post that links to one of the organisation's internal systems.

    ## What it does
    Fires when a link in the post (expanded from the platform's link entities, or written in
    the text) points at a domain listed in `organisation.internal_domains`: the intranet,
    document sharing, chat or ticketing.

    ## Why it matters
    The policy says not to share internal communications. A link to an internal
    system reveals its address and, when permissions are loose, its content.

    ## Example
    "Notes from today's meeting: https://exampleorg.sharepoint.com/sites/campaigns/notes"

    ## Instead
    Share the public version on the official website, or nothing.
    """
    domains = ctx.org.internal_domains
    if not domains:
        return
    for link, evidence in item.all_links:
        domain = host_in(host_of(link), domains)
        if domain:
            yield Hit(f"The post links to {domain}, an internal system.", [evidence])
            return
    plain = item.view.plain
    if any(d in plain for d in domains):
        for match in DOMAIN_IN_TEXT.finditer(plain):
            domain = host_in(host_of(match.group(0)), domains)
            if domain:
                ev = item.view.evidence("text", match.start(), match.end())
                yield Hit(f"The post names an address on {domain}, an internal system.", [ev])
                return


# ---------------------------------------------------------------- CNF303 financial-information

FIGURE = re.compile(
    r"(?:[£$€]|\b(?:usd|eur|gbp|chf)\s?)\s?\d[\d,.]*\s?(?:k|m|bn|million|billion|thousand)?\b"
    r"|\b\d[\d,.]*\s?(?:%|percent\b|per cent\b|pc\b|k\b|m\b|bn\b|million\b|billion\b|"
    r"thousand\b|euros?\b|dollars?\b|pounds?\b|millions?\b|mil\b|millones\b)"
    # A share in words ("fell by a third", "was halved").
    r"|\b(?:a|one|two)\s+(?:third|quarter|fifth)s?\b|\b(?:halved|doubled|tripled)\b"
    # An amount in words ("half a million pounds", "deux millions d'euros", "medio millon").
    r"|\b(?:half\s+a|a|one|two|three|four|five|six|seven|eight|nine|ten|several|a\s+few|"
    r"un|une|deux|trois|un\s+demi|medio|dos|tres|varios)[\s-]+"
    r"(?:million|millions|billion|billions|millon|millones|milliard|milliards)\b"
    r"(?:\s+(?:pounds|euros|dollars|quid|francs|d'euros|de\s+euros|de\s+libras))?"
)
# A person's pay as "on £58k" ("Rosa in fundraising is on £58k now"), read in the original
# text: a capitalised name, a pronoun or a job as the subject.
ON_PAY = re.compile(
    r"\b(?P<who>[A-Z][a-zà-ÿ]+|[Hh]e|[Ss]he|[Tt]hey|I|[Ss]taff|[Cc]ampaigners?|[Rr]esearchers?|"
    r"[Mm]anagers?|[Dd]irectors?|[Ii]nterns?|[Oo]fficers?)"
    r"(?:\s+(?:in|from|on)\s+(?:the\s+)?[a-z]+(?:\s+team)?)?"
    r"(?:\s+(?:is|are|was|were|am)|['’](?:s|m|re))\s+(?:now\s+|still\s+|only\s+)?on\s+"
    r"(?:about\s+|around\s+|just\s+|nearly\s+|almost\s+|over\s+|under\s+|less\s+than\s+|"
    r"more\s+than\s+)?[£$€]\s?\d[\d,.]*\s?(?:k|K|grand)?(?![\w.,]*\s*(?:a|per|each|off|"
    r"offer|sale|discount|deal|entry)\b)"
)
_FINANCE = alternation(flatten(lexicons.FINANCE_WORDS))
FINANCE = Phrases(flatten(lexicons.FINANCE_WORDS))
_SELF_POSSESSIVE = alternation(
    [
        "our",
        "notre",
        "nos",
        "nuestro",
        "nuestra",
        "nuestros",
        "nuestras",
        "my employer's",
        "the organisation's",
        "the organization's",
        "the movement's",
        "the secretariat's",
    ]
)
_UNITS = (
    r"(?:office|organisation|organization|section|team|movement|charity|ngo|seccion|"
    r"organizacion|oficina|equipo|movimiento|bureau|equipe|mouvement)"
)
_SELF_SUBJECT = alternation(["we", "we're", "we've", "we'll", "we are", "nous", "nosotros"])
# Jobs whose pay "here" is the organisation's ("a junior campaigner here earns ...").
_STAFF = (
    r"(?:staff|campaigners?|researchers?|workers?|employees?|interns?|officers?|managers?|"
    r"directors?|fundraisers?|people|someone|anyone|everyone|colleagues?)"
)


def _finance_patterns(org: Org) -> re.Pattern[str]:
    cached = org.__dict__.get("_cnf303")
    if cached is not None:
        return cached
    names = alternation(org.long_names) if org.long_names else None
    owners = _SELF_POSSESSIVE + (f"|(?:{names})\\s*'?s?" if names else "")
    # "at <the organisation>", "at our office": where a money word's owner follows it.
    places = rf"(?:{_SELF_POSSESSIVE})\s+{_UNITS}" + (f"|(?:{names})" if names else "")
    pattern = re.compile(
        rf"(?<![\w])(?:(?:{owners})\s+(?:[\w'-]+\s+){{0,2}}(?:{_FINANCE})"
        # "we" owns the money word unless another owner comes between ("we call on the
        # government to increase its aid budget").
        rf"|(?:{_SELF_SUBJECT})\s+(?:(?!(?:its|their|his|her|the\s+government's)\s)\S+\s+){{0,8}}"
        rf"(?:{_FINANCE})"
        # The owner after the money word: "the deficit we're carrying", "donations to us".
        rf"|(?:{_FINANCE})\s+(?:(?:\S+\s+)?(?:we|we're|we've|we are|us|nous)"
        r"|(?:to|for|from|into)\s+us)"
        rf"|{_STAFF}\s+here\s+(?:\S+\s+)?(?:{_FINANCE})"
        r"|the\s+(?:[\w-]+\s+)?(?:campaigns?|comms|communications|research|fundraising|staff|"
        r"team|office|section|programmes?|events?)(?:'s|s')?\s+(?:[\w-]+\s+)?"
        rf"(?:{_FINANCE})"
        rf"|(?:{_FINANCE})\s+(?:\S+\s+){{0,4}}(?:at|of|in|for|de|del|du|des)\s+(?:{places})"
        rf"|my\s+(?:salary|pay|wages?|bonus)\s+(?:at|with|from)\s+(?:{places}))(?![\w])"
    )
    org.__dict__["_cnf303"] = pattern
    return pattern


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in re.finditer(r"[.!?]+(?=\s)|\n+", text):
        yield start, match.end()
        start = match.end()
    yield start, len(text)


@rule("CNF303", "financial-information", confidence="medium")
def financial_information(item: PostItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags the organisation's own financial figures posted without a public source.

    ## What it does
    Fires when a sentence puts an amount, a percentage or a figure next to a money word
    (budget, salary, payroll, deficit, revenue, donations, funding, and French and Spanish
    equivalents) about the organisation itself ("our budget", "we lost", "Example
    Org's deficit"). Figures about governments or others, and posts that link an official public
    source, are not flagged.

    ## Why it matters
    The policy says not to share the organisation's financial information. Figures out of
    context are easily misread, and unpublished ones are internal.

    ## Example
    "Tough week: our fundraising income is down 18% and the deficit is now £3.2m."

    ## Instead
    Link the published annual accounts if the figures are public; otherwise leave them out.
    """
    plain = item.view.plain
    if not _DIGIT.search(plain) and not _MILLION.search(plain):
        return
    if FINANCE.search(item.view) is None:
        yield from _on_pay(item, ctx)
        return
    if ctx.org.official_link(item):
        return
    pattern = _finance_patterns(ctx.org)
    for start, end in _sentences(plain):
        sentence = plain[start:end]
        figure = FIGURE.search(sentence)
        if figure is None:
            continue
        about = pattern.search(sentence)
        if about is None:
            # Income only a charity has (legacies, members, supporters), unless the sentence
            # is about the sector ("legacy income across UK charities").
            about = _INTRINSIC.search(sentence)
            if about is None or _SECTOR.search(sentence):
                continue
        s = start + min(figure.start(), about.start())
        e = start + max(figure.end(), about.end())
        ev = item.view.evidence("text", s, e)
        yield Hit(f'"{ev["text"]}" looks like the organisation\'s financial information.', [ev])
        return
    yield from _on_pay(item, ctx)


_MILLION = re.compile(r"million|billion|millon|milliard")
_INTRINSIC = re.compile(
    r"(?<![\w])(?:(?:legacy|legacies|membership|supporter|unrestricted)\s+(?:income|revenue|giving)"
    r"|regular\s+giving|gifts\s+in\s+wills?)(?![\w])"
)
_SECTOR = re.compile(r"charities|charity sector|\bsector\b|\bngos\b|nationally|nationwide")


def _money_on(text: str) -> bool:
    """A cheap first test for ON_PAY: "on" and a currency sign."""
    return ("£" in text or "$" in text or "€" in text) and " on " in text


def _on_pay(item: PostItem, ctx: RuleContext) -> Iterator[Hit]:
    """Someone's pay as "on £58k", with or without a money word in the post."""
    text = item.text
    if not _money_on(text):
        return
    pay = ON_PAY.search(text)
    if pay is None or ctx.org.official_link(item):
        return
    ev = _ev(pay.start(), pay.end(), pay.group(0))
    yield Hit(f'"{ev["text"]}" states someone\'s pay at the organisation.', [ev])


# ---------------------------------------------------------------- CNF304 employee-information

HR = Phrases(flatten(lexicons.HR_FACTS))
COLLEAGUE = re.compile(
    r"(?<![\w])(?:" + alternation(lexicons.COLLEAGUE_CUES) + r")(?![\w])"
    r"|(?<![\w])(?:my|our|mon|ma|notre|mi|nuestro|nuestra)\s+(?:\w+\s+)?"
    r"(?:manager|director|head|officer|coordinator|assistant|intern|researcher|campaigner|"
    r"boss|supervisor|chef|cheffe|jefe|jefa|responsable)(?![\w])"
)
NAMED_COLLEAGUE = re.compile(
    r"\b[A-Z][a-zà-ÿ]+(?:\s+[A-Z][a-zà-ÿ]+)?\s+(?:from|in|de|del)\s+(?:our\s+|the\s+|la\s+|el\s+)?"
    r"(?:[A-Za-z]+\s+)?(?:team|office|department|dept|section|unit|équipe|equipo)\b"
    # "Sam from finance", "Paula in legal": a first name and a department.
    r"|\b[A-Z][a-zà-ÿ]+\s+(?:from|in)\s+(?:the\s+)?(?:finance|fundraising|HR|comms|"
    r"communications|digital|research|campaigns|legal|IT|operations|ops|admin|media|press|"
    r"policy|data|events|facilities|membership|programmes|accounts|payroll)\b"
)
MENTION = re.compile(r"(?<![\w@])@[\w.]+")
# A first name as the subject of a workplace-only fact: "Marcus is facing a disciplinary".
# Dismissal alone is left out: "Nasrin was fired for protesting" is a case, not a colleague.
_WORKPLACE_FACT = (
    r"(?:an?\s+disciplinary(?!\s+proceedings)|(?:a\s+)?(?:written warning|final warning|"
    r"formal warning|performance improvement plan|PIP|grievance)|sick leave|stress leave|"
    r"sick again|signed off(?:\s+sick|\s+with\s+\w+|\s+work)|gardening leave)"
)
NAMED_WORKPLACE_FACT = re.compile(
    r"\b[A-Z][a-zà-ÿ]+(?:\s+[A-Z][a-zà-ÿ]+)?,?(?:\s+who)?(?:\s+(?:is|was|has been|got|gets|"
    r"has|had|faces|faced)|['’]s(?:\s+been)?)\s+(?:facing\s+|been\s+given\s+|given\s+|"
    r"put\s+on\s+|been\s+put\s+on\s+|on\s+|off\s+on\s+|off\s+|been\s+off\s+(?:on\s+)?|"
    r"been\s+)?"
    rf"{_WORKPLACE_FACT}\b"
    # Management acting on a named person: "they've put Joanna on a PIP", "gave Tom a final
    # warning".
    r"|\b(?:put|placed|putting|placing|gave|given|handed|issued)\s+[A-Z][a-zà-ÿ]+\s+"
    r"(?:on\s+)?(?:an?\s+)?(?:performance improvement plan|PIP|written warning|final warning|"
    r"formal warning|disciplinary|gardening leave|probation)\b"
    # A named person's review or appraisal: "Dan, who smashed his annual review".
    r"|\b[A-Z][a-zà-ÿ]+(?:\s+[A-Z][a-zà-ÿ]+)?,?\s+(?:who\s+)?(?:\w+\s+){1,2}(?:his|her|their)\s+"
    r"(?:annual review|appraisal|performance review|probation|performance rating|"
    r"disciplinary hearing)\b"
)
# "They let Priya go": a colleague's dismissal, counted when the post states an HR fact too
# ("Redundancy notices went out today"); "they let Ahmed go" alone is a release.
LET_GO = re.compile(
    r"\b(?:they|management|HR|the board|they've|they have|we|we've)\s+(?:just\s+)?let\s+"
    r"[A-Z][a-zà-ÿ]+\s+go\b",
    re.IGNORECASE,
)


@rule("CNF304", "employee-information", confidence="medium")
def employee_information(item: PostItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags a colleague named or mentioned next to facts about their employment.

    ## What it does
    Fires when a sentence both points at a colleague ("my colleague", "our manager", "Sam
    from the finance team", an @mention) and states an HR fact: dismissal, disciplinary
    action, salary, sick leave, performance, a grievance or redundancy (in English, French
    and Spanish).

    ## Why it matters
    "Do not share: any employee information." Colleagues' employment matters are private,
    and posting them can be unlawful as well as hurtful.

    ## Example
    "Can't believe my colleague @sam_example got a written warning for missing one deadline."

    ## Instead
    Raise concerns about how colleagues are treated internally, through the staff
    association or HR.
    """
    view = item.view
    facts = list(HR.finditer(view))
    money = _money_on(item.text)
    if not facts and not money:
        return
    for start, end in _sentences(view.text) if facts else ():
        fact = next((f for f in facts if start <= f.start() < end), None)
        if fact is None:
            continue
        who = COLLEAGUE.search(view.text, start, end)
        if who is None:
            who = next(
                (
                    m
                    for m in MENTION.finditer(view.plain, start, end)
                    if not ctx.org.is_org_account(m.group(0))
                ),
                None,
            )
        if who is not None:
            person = view.evidence("text", who.start(), who.end())
        else:
            o_start, o_end = view.span(start, end)
            named = NAMED_COLLEAGUE.search(view.original, o_start, o_end)
            if named is None:
                continue
            person = _ev(named.start(), named.end(), named.group(0))
        fact_ev = view.evidence("text", fact.start(), fact.end())
        yield Hit(
            f'The post mentions a colleague ("{person["text"]}") next to "{fact_ev["text"]}".',
            [person, fact_ev],
        )
        return
    named = None
    if facts:
        named = NAMED_WORKPLACE_FACT.search(view.original) or LET_GO.search(view.original)
    if named is None and money:
        # A named colleague's pay ("Rosa in fundraising is on £58k").
        named = ON_PAY.search(item.text)
        if named is not None:
            who = named.group("who")
            # A colleague by name, not "I", a pronoun or "staff" (CNF303 covers those).
            if not who[:1].isupper() or who in ("I", "He", "She", "They", "Staff"):
                named = None
    if named is not None:
        ev = _ev(named.start(), named.end(), named.group(0))
        yield Hit(f'The post states a colleague\'s employment matter: "{ev["text"]}".', [ev])


# ---------------------------------------------------------------- CNF305 personal-data

# Cheap first tests: a word character on both sides of "@"; capitals next to a digit.
_EMAIL_HINT = re.compile(r"\w@\w")
_UPPER_DIGIT = re.compile(r"[A-Z]\d")
# An e-mail address; "@user@instance.social" is a Mastodon account (a remote mention), not one.
EMAIL = re.compile(r"(?<![\w.+@-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}\b")
_AT = alternation(flatten(lexicons.EMAIL_AT_WORDS))
_DOT = alternation(flatten(lexicons.EMAIL_DOT_WORDS))
OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.+-])[\w.+-]+\s*(?:[\[({{<]\s*(?:{_AT}|@)\s*[\])}}>])\s*[\w-]+"
    rf"(?:\s*(?:[\[({{<]\s*(?:{_DOT}|\.)\s*[\])}}>]|\.)\s*[\w-]+)+",
    re.IGNORECASE,
)
_ROLE_MAILBOXES = {
    "press",
    "media",
    "info",
    "contact",
    "enquiries",
    "hello",
    "office",
    "support",
    "comms",
    "news",
    "presse",
    "prensa",
}
_DIGITS7 = re.compile(r"\d(?:[\s()./-]*\d){6}")


def _raw_alternation(words: list[str]) -> str:
    """An alternation of words as written (case is left to the pattern), longest first."""
    # A list the pack leaves empty matches nothing (an empty alternation would match anywhere).
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) or "(?!x)x"


# Street addresses by shape, built from each language's street types (lexicons): a house
# number and a street name, in the order the language writes them.
_NAME = r"(?:[A-ZÀ-Ý][\w'’.-]*|\d{1,3}(?:st|nd|rd|th|St|Nd|Rd|Th|ST|ND|RD|TH)|\d{1,3})"
_PARTICLE = r"(?:de|del|della|delle|di|dei|degli|do|da|dos|das|la|le|les|du|des|d'|dell'|l')"
_DIRECTION = rf"(?:{_raw_alternation([w.upper() for w in lexicons.STREET_DIRECTIONS])}|"
_DIRECTION += rf"{_raw_alternation([w.title() for w in lexicons.STREET_DIRECTIONS])})\.?"
# Capitalised or in capitals ("Ave", "HWY"): "5 miles down the road" is no address.
_AFTER = _raw_alternation(
    [f(w) for w in flatten(lexicons.STREET_TYPES_AFTER_NAME) for f in (str.title, str.upper)]
)
_BEFORE = _raw_alternation(flatten(lexicons.STREET_TYPES_BEFORE_NAME))
_SUFFIX = _raw_alternation(flatten(lexicons.STREET_SUFFIXES))
# Each shape is asked only when a street type of its kind is in the post (a cheap test).
STREET_NUMBER_FIRST = re.compile(
    # "724 W. 2nd Avenue", "12206 Central Valley Rd", "80, Main St."
    rf"(?<![\d:.,/$£€#-])\b\d{{1,5}}[A-Za-z]?,?\s+(?:{_DIRECTION}\s+)?(?:{_NAME}\s+){{1,3}}"
    rf"(?:{_AFTER})(?![\w'’])\.?"
)
STREET_TYPE_FIRST = re.compile(
    # "12 rue de la Paix"
    rf"(?<![\d:.,/$£€#-])\b\d{{1,4}}(?:\s?(?:bis|ter))?,?\s+(?i:{_BEFORE})\.?\s+"
    rf"(?:{_PARTICLE}\s*){{0,2}}[A-ZÀ-Ý][\w'’-]+"
    # "Via Enrico Mattei 25", "Av. Pres. Vargas, 2291", "Rua dos Andradas, 1925"
    rf"|(?<![\w])(?i:{_BEFORE})\.?\s+(?:(?:{_PARTICLE}|{_NAME})\s*){{0,4}}?[A-ZÀ-Ý][\w'’.-]*"
    r",?\s*(?:n[º°o]\.?\s*)?\d{1,5}[A-Za-z]?(?![\w]|[/%:.,-]\d|\s+[a-z])"
)
# "Hauptstraße 5", "Kerkstraat 12": the suffix is written in lower case inside the word.
STREET_SUFFIX = re.compile(
    rf"\b[A-ZÀ-Ý][\w'’-]*?(?:{_SUFFIX})\s*\d{{1,4}}[a-z]?(?![\w]|[/%:.,-]\d)"
)
# The suffixes' common stems, without which no suffix address is looked for.
_STEMS = "|".join(sorted({re.escape(w[:4]) for w in flatten(lexicons.STREET_SUFFIXES)}))
_SUFFIX_HINT = re.compile(rf"(?:{_STEMS or '(?!x)x'})" r"[\w.]*\s?\d")
AFTER_NAME = Phrases(flatten(lexicons.STREET_TYPES_AFTER_NAME))
BEFORE_NAME = Phrases(flatten(lexicons.STREET_TYPES_BEFORE_NAME))


def _street_addresses(text: str, view: Text) -> Iterator[re.Match[str]]:
    if AFTER_NAME.search(view) is not None:
        yield from STREET_NUMBER_FIRST.finditer(text)
    if BEFORE_NAME.search(view) is not None:
        yield from STREET_TYPE_FIRST.finditer(text)
    if _SUFFIX_HINT.search(text):
        yield from STREET_SUFFIX.finditer(text)


# Words without which no ID number or birth date is looked for (a cheap first test).
PERSONAL_CUES = Phrases(
    [
        *lexicons.ID_CUES,
        *flatten(lexicons.BIRTH_CUES),
    ]
)
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b")
NI_NUMBER = re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b")
SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")
_ID_CUE = alternation(lexicons.ID_CUES)
ID_NUMBER = re.compile(
    rf"(?<![\w])(?:{_ID_CUE})\s*(?:is|:|#|no\.?|number|est|es)?\s*[:#]?\s*[(\[]?\s*"
    r"(?=[a-z0-9]*\d)([a-z0-9]{6,12})(?![\w])"
)
_BIRTH_CUE = alternation(flatten(lexicons.BIRTH_CUES))
_MONTHS = rf"(?:{alternation(flatten(lexicons.MONTHS))})"
DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
    rf"\d{{1,2}}(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?{_MONTHS}\.?,?\s+(?:de\s+)?\d{{4}}|"
    rf"{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
BIRTH_DATE = re.compile(rf"(?<![\w])(?:{_BIRTH_CUE})\s*(?:is|was|:|-)?\s*(?:on\s+)?({DATE})")
EVENT = Phrases(lexicons.EVENT_CUES, shared=False)
HOME = Phrases(lexicons.HOME_CUES, shared=False)
NOT_A_PERSON = re.compile(
    rf"(?<![\w])(?:{alternation(lexicons.NOT_A_PERSON_BORN)})(?![\w])", re.IGNORECASE
)

# The regions whose national numbers are read when the configuration names none: the
# countries of the organisation's working languages where it has offices or sections.
DEFAULT_REGIONS = [
    "GB", "US", "CA", "AU", "IE", "NZ", "PH", "IN", "ZA", "NG", "KE",
    "FR", "BE", "CH", "ES", "MX", "AR", "CO", "VE", "CL", "PE", "CR",
    "PT", "BR", "IT", "DE", "AT", "NL", "MA", "EG", "TN", "LB",
]  # fmt: skip

# A phone-number candidate: digit groups joined by one space, dash, dot or slash, a group
# possibly in brackets, after "+" (international form) or "#" (a number in a hashtag).
_SEP = r"(?:[ \u00a0]?[-./][ \u00a0]?|[ \u00a0]{1,2}|(?<=\))|(?=\())"
PHONE_CANDIDATE = re.compile(
    rf"(?<![\w$£€¥,/:#+-])(?<!\d\.)([+#]?\(?\+?\d+\)?(?:{_SEP}\(?\d+\)?)*)(?![\w%°]|[.,:/-]\d|-[A-Za-z])"
)
# Vanity numbers: "1-800-621-FEMA", "1-844-4STAND5", "1-866-DHS-2ICE".
_VANITY_HINT = re.compile(r"1[-. ]?8\d\d[-. ][A-Z0-9]{3}")
VANITY = re.compile(r"(?<![\w-])1[-. ]?8\d\d[-. ][A-Z0-9]{3}[-. ]?[A-Z0-9]{3,4}(?![\w-])")
# Numbers that are not to be called: dates ("12/03/2019", "12 03 2019"), versions
# ("1.2.3.4567"), references ending in a year ("15/1234/2020", "24 5678 2023").
_DATE_SHAPE = re.compile(
    r"\(?\d{1,4}\)?[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2} \d{1,2} (?:19|20)\d\d"
    r"|\d\.\d{1,3}\.\d+(?:\.\d+)*"
)
# "1 250 000" or "2.500.000": a count in thousands, unless a word says it is to be called.
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:[ .\u00a0]\d{3})+")
# "15/1234/2020": a report's or a case's reference; "10.30-12.30": opening hours.
_REFERENCE_SHAPE = re.compile(
    r"(?:[A-Z]{1,5}\s?)?\d+/\d+/(?:19|20)\d\d|\d{1,2}[ /]\d{2,5}[ /](?:19|20)\d\d"
)
# An account number: an IBAN ("GB29 NWBK 6016 1331 9268 19").
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b")
# A code in capitals just before a number ("MDE 24 5678 2023", "BA 2490") names a document,
# a flight or a form, unless a word says the number is to be called.
_CODE_BEFORE = re.compile(r"\b[A-Z]{2,5}\s?$")
_TIME_RANGE = re.compile(r"\d{1,2}[.:h]\d{2}\s?[-–]\s?\d{1,2}[.:h]\d{2}")
_YEARS = re.compile(r"(?:(?:19|20)\d\d\D{1,3})+(?:19|20)?\d\d")
_CONTACT_CUE = re.compile(
    rf"(?<![\w])(?:{alternation(flatten(lexicons.CONTACT_CUES))})(?![\w])[^\d]{{0,40}}$"
)
_REFERENCE_CUE = re.compile(
    rf"(?<![\w])(?:{alternation(flatten(lexicons.REFERENCE_CUES))})\.?\s*(?:no\.?|n°|nº|number|"
    r"num\.?|#|:)?\s*$"
)


def _fold(fragment: str) -> str:
    """Lower case without accents, for the few characters before a candidate number."""
    decomposed = unicodedata.normalize("NFKD", fragment.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _valid_region(raw: str, regions: list[str], possible: bool) -> str | None:
    """The first region whose plan reads `raw` as a valid number (or, with `possible`, a
    number of a possible length: a local number without its area code)."""
    if raw.startswith("+"):
        regions = ["ZZ"]
    for region in regions:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return region
        if possible and phonenumbers.is_possible_number(number):
            return region
    return None


def _phone_pieces(raw: str) -> list[tuple[int, int]]:
    """Spans of `raw` to read as one number each: the whole, or, when two numbers are
    written side by side ("059 901755 346 1779737"), the pieces between the spaces."""
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", raw) if _DIGIT.search(m.group(0))]


def _regions(item: PostItem, region: str, regions: list[str]) -> list[str]:
    """The plans to read a number in, in order: the configured region, the countries of
    the post's language (its platform tag, and the language identified in its text), the
    configured regions."""
    langs = []
    if item.lang:
        langs.append(item.lang.split("-")[0].lower())
    if item.language:
        langs.append(item.language)
    order = [region]
    for lang in langs:
        order += lexicons.LANGUAGE_REGIONS.get(lang, [])
    order += regions
    return list(dict.fromkeys(r for r in order if r in _SUPPORTED))


def _phone_numbers(
    item: PostItem, text: str, region: str, regions: list[str], seen: list[tuple[int, int]]
) -> Iterator[dict]:
    """Numbers the configured region's matcher did not read (`seen`): in the plans of the
    post's language, of the configured regions, in `+` international form, in hashtags."""
    order: list[str] = []
    for m in PHONE_CANDIDATE.finditer(text):
        raw = m.group(1)
        offset = m.start(1)
        if raw[0] == "#":
            raw, offset = raw[1:], offset + 1
        if any(a < offset + len(raw) and offset < b for a, b in seen):
            continue
        digits = sum(ch.isdigit() for ch in raw)
        if digits < 7 or any(
            shape.fullmatch(raw) for shape in (_DATE_SHAPE, _YEARS, _REFERENCE_SHAPE, _TIME_RANGE)
        ):
            continue
        before = _fold(text[max(0, offset - 48) : offset])
        if _REFERENCE_CUE.search(before):
            continue
        cued = _CONTACT_CUE.search(before) is not None
        if not cued and (_CODE_BEFORE.search(text[max(0, offset - 8) : offset]) or _listed(raw)):
            continue
        if _UPPER_DIGIT.search(text) and any(
            i.start() < offset + len(raw) and offset < i.end() for i in IBAN.finditer(text)
        ):
            continue
        if not order:
            order = _regions(item, region, regions)
        spans = [(0, len(raw))] if digits <= 15 else []
        if not spans or _valid_region(raw, order, cued) is None:
            spans = _split_valid(raw, order, cued)
        for a, b in spans:
            piece = raw[a:b]
            plain = not any(ch in piece for ch in " -./()+")
            n = sum(ch.isdigit() for ch in piece)
            # An unbroken run of seven or eight digits is a count or an id as often as a
            # number to call: it needs a word that says so.
            if ((plain and n < 9) or _THOUSANDS.fullmatch(piece)) and not cued:
                continue
            if _valid_region(piece, order, False) is None and not cued:
                continue
            yield _ev(offset + a, offset + b, piece)
    for m in VANITY.finditer(text) if _VANITY_HINT.search(text) else ():
        if any(ch.isalpha() for ch in m.group(0)):
            yield _ev(m.start(), m.end(), m.group(0))


def _listed(raw: str) -> bool:
    """Three or more numbers of one length in rising order, "1500 2000 2500 3000" or
    "12 14 16 18": a list of figures, not a number to call."""
    groups = raw.split()
    if (
        len(groups) < 3
        or len({len(g) for g in groups}) != 1
        or not all(g.isdigit() for g in groups)
    ):
        return False
    values = [int(g) for g in groups]
    return groups[0][0] != "0" and all(a < b for a, b in pairwise(values))


def _split_valid(raw: str, order: list[str], cued: bool) -> list[tuple[int, int]]:
    """Greedy longest runs of space-separated groups that read as a number each."""
    groups = _phone_pieces(raw)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(groups):
        for j in range(len(groups), i, -1):
            a, b = groups[i][0], groups[j - 1][1]
            piece = raw[a:b]
            if sum(ch.isdigit() for ch in piece) >= 7 and _valid_region(piece, order, cued):
                spans.append((a, b))
                i = j
                break
        else:
            i += 1
    return spans


_SUPPORTED = phonenumbers.SUPPORTED_REGIONS


@rule(
    "CNF305",
    "personal-data",
    confidence="medium",
    params={"region": "GB", "regions": DEFAULT_REGIONS},
)
def personal_data(item: PostItem, ctx: RuleContext) -> Iterator[Hit]:
    """Flags someone's phone number, e-mail, postal address, ID number or date of birth.

    ## What it does
    Finds phone numbers with `phonenumbers`, which knows every country's numbering plan, so
    scores, dates, years and prices are not taken for numbers. A number is read in every
    plausible plan: the person's country (the registry's `country`, or the scan item's)
    and `[rules.CNF305] region` (where national numbers are read when the person has no
    country), the countries of the post's language, `+` international forms, and the
    countries of `[rules.CNF305] regions` (by default the ones the organisation works
    in); numbers in hashtags ("#2129441850") and vanity numbers ("1-800-621-FEMA") too. A
    short local number without its area code ("call 817-5292"), an unbroken run of seven or
    eight digits and a count in thousands ("1 250 000") count only after a word such as "call",
    "tel." or "llame"; case, bill and report numbers do not count. Also finds e-mail
    addresses (a Mastodon account, "@user@instance.social", is not one), street addresses
    by their shape in each language ("724 W. 2nd Avenue", "12 rue de la Paix", "Via Enrico
    Mattei 25", "Hauptstraße 5"), e-mail addresses written to dodge harvesters ("ana [at]
    example [dot] org"), postcodes, passport, ID and national insurance numbers, and dates
    of birth (with the words and month names of each language). The organisation's public
    contacts (`organisation.public_contacts`) and its role mailboxes (press@, info@ on an
    official domain) are allowed, as are a venue's address in an event post and the
    "birthday" of a declaration or an organisation.

    ## Why it matters
    "Do not share: any sensitive or confidential information about people", and clause 7
    asks to respect people's right to privacy. Contact details posted publicly invite
    harassment, and for people at risk they can be dangerous.

    ## Example
    "If you want to help the family, call their lawyer Ana directly on 020 7946 0321."

    ## Instead
    Point people at the organisation's public contact (one of the configured public contacts,
    such as "press@example.org").
    """
    text = item.text
    org = ctx.org
    view = item.view
    found: list[tuple[str, dict]] = []
    if _DIGITS7.search(text) or ("8" in text and _VANITY_HINT.search(text)):
        # The person's country first, when known; the configured region stays a plan to read.
        configured = str(ctx.params["region"])
        region = item.country or configured
        regions = list(ctx.params["regions"])
        if region != configured:
            regions = [configured, *regions]
        for match in phonenumbers.PhoneNumberMatcher(text, region):
            key = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            if key in org.public_phones(region):
                continue
            found.append(("a phone number", _ev(match.start, match.end, match.raw_string)))
        # Then every other plausible plan: the post's language's countries, the configured
        # regions, "+" international forms, numbers in hashtags, vanity numbers.
        seen = [(ev["start"], ev["end"]) for _, ev in found]
        for ev in _phone_numbers(item, text, region, regions, seen):
            if any(a < ev["end"] and ev["start"] < b for a, b in seen):
                continue
            if _public_number(ev["text"], org, region):
                continue
            seen.append((ev["start"], ev["end"]))
            found.append(("a phone number", ev))
        for m in SSN.finditer(text):
            found.append(("a social security number", _ev(m.start(), m.end(), m.group(0))))
    if "@" in text and _EMAIL_HINT.search(text):
        for m in EMAIL.finditer(text):
            address = m.group(0).lower()
            if address in org.public_emails:
                continue
            local, _, domain = address.partition("@")
            if local in _ROLE_MAILBOXES and host_in(domain, org.official_domains):
                continue
            found.append(("an e-mail address", _ev(m.start(), m.end(), m.group(0))))
    if ("[" in text or "(" in text or "{" in text or "<" in text) and (
        m := OBFUSCATED_EMAIL.search(text)
    ):
        found.append(("an e-mail address", _ev(m.start(), m.end(), m.group(0))))
    if _DIGIT.search(text):
        if _UPPER_DIGIT.search(text):
            for m in POSTCODE.finditer(text):
                if not _public(m.group(0), org):
                    found.append(("a postcode", _ev(m.start(), m.end(), m.group(0))))
            for m in NI_NUMBER.finditer(text):
                found.append(("a national insurance number", _ev(m.start(), m.end(), m.group(0))))
        venue = None
        for m in _street_addresses(text, view):
            if _public(m.group(0), org):
                continue
            if venue is None:
                # An event's venue ("tickets £12, doors at 7, 45 Old Street") is public,
                # unless the post says it is someone's home.
                venue = EVENT.search(view.text) is not None and HOME.search(view.text) is None
            if not venue:
                found.append(("a street address", _ev(m.start(), m.end(), m.group(0))))
        if PERSONAL_CUES.search(view) is not None:
            for m in ID_NUMBER.finditer(view.plain):
                found.append(("an ID number", view.evidence("text", m.start(1), m.end(1))))
            for m in BIRTH_DATE.finditer(view.plain):
                # "Born on 10 December 1948: the Universal Declaration" is not a person.
                around = view.plain[max(0, m.start() - 60) : m.end() + 60]
                if NOT_A_PERSON.search(around):
                    continue
                found.append(("a date of birth", view.evidence("text", m.start(), m.end())))
    if found:
        kinds = sorted({kind for kind, _ in found})
        yield Hit(
            f"The post contains {' and '.join(kinds)} of a person.",
            [ev for _, ev in sorted(found, key=lambda f: f[1]["start"])],
        )


def _ev(start: int, end: int, text: str) -> dict:
    return {"field": "text", "start": start, "end": end, "text": text}


def _public_number(raw: str, org: Org, region: str) -> bool:
    """The number is one of the organisation's public contacts."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return False
    key = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return key in org.public_phones(region)


def _public(fragment: str, org: Org) -> bool:
    return any(fragment.lower() in contact.lower() for contact in org.public_contacts_text)
