"""The rule catalogue and the `@rule` decorator.

Codes and names are a contract (`shared/policy/RULES.md`): reports, configs, nudges, `scan`
output and external evaluations refer to them. The catalogue below is that table as data, so
every consumer (report, nudge, `socialaudit rules`) can describe a rule by its code; a rule
module attaches its implementation with `@rule(code, name, ...)`, and the decorator refuses a
code or a name that does not match the catalogue.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from checks.policy import Clause, clause

SEVERITIES = ("high", "medium", "review", "info")
CONFIDENCES = ("high", "medium", "low")
SUBJECTS = ("profile", "post", "thread")


@dataclass(frozen=True)
class RuleInfo:
    """Everything known about a rule: catalogue facts, its clauses, and its implementation."""

    code: str
    name: str
    subject: str
    severity: str
    clause_keys: tuple[str, ...]
    fires_when: str
    instead: str
    confidence: str = "medium"
    func: Callable[..., Any] | None = field(default=None, compare=False, repr=False)
    doc: str = ""
    # The rule's own thresholds and their defaults (`[rules.CODE] key = value` overrides).
    params: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def clauses(self) -> list[Clause]:
        return [clause(key) for key in self.clause_keys]

    @property
    def clause(self) -> str:
        """The clause titles, as RULES.md writes them ("6 Be non-partisan; Do not share: ...")."""
        return "; ".join(c.title for c in self.clauses)

    @property
    def clause_text(self) -> str:
        """The policy's own words, for the report's quotation."""
        return " ".join(c.text for c in self.clauses)

    @property
    def draft_instead(self) -> str:
        """What to do instead, said of a post not yet published (`draft`)."""
        return DRAFT_INSTEAD.get(self.code, self.instead)

    @property
    def family(self) -> str:
        """The clause family, from the code prefix (TRN, NPT, CNF, ...)."""
        return FAMILIES[self.code[:3]]


FAMILIES = {
    "TRN": "transparency",
    "NPT": "partisanship",
    "CNF": "confidentiality",
    "EMB": "embargo",
    "PND": "embargo",
    "RSP": "respect",
    "LAW": "law",
    "CPY": "copyright",
    "MST": "mistakes",
}


# "Instead" for the rules whose advice speaks of a published post ("take the post down"):
# before publishing, the person leaves the thing out.
DRAFT_INSTEAD = {
    "CNF301": "Leave out anything internal; ask comms when unsure.",
    "CNF304": "Leave the colleague's employment matter out: it is private.",
    "MST801": "When you get something wrong, post a correction rather than deleting.",
}


def _entry(
    code: str,
    name: str,
    subject: str,
    severity: str,
    clauses: tuple[str, ...],
    fires_when: str,
    instead: str,
) -> RuleInfo:
    return RuleInfo(code, name, subject, severity, clauses, fires_when, instead)


CATALOGUE: dict[str, RuleInfo] = {
    r.code: r
    for r in [
        _entry(
            "TRN101",
            "missing-views-disclaimer",
            "profile",
            "medium",
            ("1",),
            "the bio has no personal-views disclaimer",
            'Add "Views are my own" (or the same in your language) to your bio.',
        ),
        _entry(
            "TRN102",
            "missing-affiliation",
            "profile",
            "medium",
            ("1",),
            "the bio, display name and profile link never name the organisation",
            "Say in your bio that you work for the organisation.",
        ),
        _entry(
            "TRN103",
            "disclaimer-removed",
            "profile",
            "high",
            ("1",),
            "a later profile snapshot lost the disclaimer an earlier one had",
            'Put the "views are my own" disclaimer back in your bio.',
        ),
        _entry(
            "NPT201",
            "political-endorsement",
            "post",
            "high",
            ("6", "dns-endorsement"),
            "the post advocates for a configured party or candidate",
            "Remove the endorsement; talk about human rights issues, not parties.",
        ),
        _entry(
            "NPT202",
            "amplifies-political-account",
            "post",
            "review",
            ("6",),
            "a repost or quote of a configured party or candidate account",
            "Check that sharing this does not read as support for a party or candidate.",
        ),
        _entry(
            "CNF301",
            "confidential-marker",
            "post",
            "medium",
            ("dns-internal",),
            "confidentiality markers in the person's own words",
            "Take the post down if it shares internal material; ask comms when unsure.",
        ),
        _entry(
            "CNF302",
            "internal-link",
            "post",
            "high",
            ("dns-internal",),
            "a link to a configured internal domain",
            "Remove the link to the internal system.",
        ),
        _entry(
            "CNF303",
            "financial-information",
            "post",
            "high",
            ("dns-financial",),
            "figures next to budget, salary or funding words about the organisation",
            "Share financial figures only by linking the official published source.",
        ),
        _entry(
            "CNF304",
            "employee-information",
            "post",
            "high",
            ("dns-employee",),
            "a colleague named next to HR facts",
            "Remove the post; colleagues' employment matters are private.",
        ),
        _entry(
            "CNF305",
            "personal-data",
            "post",
            "high",
            ("dns-people", "7"),
            "a phone number, e-mail, address, ID number or birth date of someone",
            "Remove the personal details; share only the organisation's public contacts.",
        ),
        _entry(
            "EMB401",
            "embargoed-content",
            "post",
            "high",
            ("ok-to-post",),
            "a post before an embargo's lift time carries its URL, title or key phrases",
            "Wait until the embargo lifts before posting about it.",
        ),
        _entry(
            "PND402",
            "pending-position",
            "post",
            "review",
            ("might-be-problematic",),
            "the post touches a pending legislation or advocacy position",
            "Check with your manager before posting about a pending position.",
        ),
        _entry(
            "RSP501",
            "disrespectful-language",
            "post",
            "medium",
            ("3", "8"),
            "profanity, insults or a personal attack",
            "Rephrase without insults; answer the argument, not the person.",
        ),
        _entry(
            "RSP502",
            "hasty-reply",
            "post",
            "review",
            ("8",),
            "a reply within minutes to a hostile message",
            "Take a moment before replying to hostile messages.",
        ),
        _entry(
            "RSP503",
            "heated-exchange",
            "thread",
            "review",
            ("10",),
            "many replies to a hostile account in one conversation within 24 h",
            "Step out of heated exchanges and ask colleagues for support.",
        ),
        _entry(
            "LAW601",
            "possible-defamation",
            "post",
            "review",
            ("5",),
            "an accusation of a crime or dishonesty aimed at a named private individual",
            "Check with legal before accusing a named person.",
        ),
        _entry(
            "LAW602",
            "possible-contempt-of-court",
            "post",
            "review",
            ("5",),
            "a statement of guilt or innocence about a party to ongoing proceedings",
            "Avoid statements on guilt or innocence while a case is ongoing.",
        ),
        _entry(
            "CPY701",
            "media-consent-check",
            "post",
            "review",
            ("7",),
            "photos or video of people not taken from an official source",
            "Make sure the people shown consented, or use official material.",
        ),
        _entry(
            "MST801",
            "deleted-without-correction",
            "post",
            "medium",
            ("9",),
            "a deleted post with no correction within the window",
            "When you get something wrong, post a correction rather than deleting.",
        ),
    ]
}


def get_rule(code: str) -> RuleInfo:
    """The rule with this code (implemented or not yet); KeyError names the unknown code."""
    try:
        return _IMPLEMENTED.get(code) or _LIFECYCLE.get(code) or CATALOGUE[code]
    except KeyError:
        raise KeyError(f"unknown rule code {code!r}") from None


def all_rules() -> list[RuleInfo]:
    """Every catalogue rule in code order, with its implementation where one is registered."""
    return [get_rule(code) for code in sorted(CATALOGUE)]


def implemented_rules() -> list[RuleInfo]:
    return [_IMPLEMENTED[code] for code in sorted(_IMPLEMENTED)]


_IMPLEMENTED: dict[str, RuleInfo] = {}
# Rules decided over a post's history in the store (deletion versus correction), not by the
# engine over one item: they have a page and thresholds, but `scan` cannot run them.
_LIFECYCLE: dict[str, RuleInfo] = {}


def lifecycle_rule(
    code: str, name: str, *, params: dict[str, Any] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a rule that `socialaudit check` decides from the store's post history."""
    entry = CATALOGUE[code]
    if entry.name != name:
        raise ValueError(f"rule {code} is named {entry.name!r} in the catalogue, not {name!r}")

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        doc = inspect.cleandoc(func.__doc__ or "")
        _LIFECYCLE[code] = replace(entry, func=func, doc=doc, params=dict(params or {}))
        return func

    return register


def lifecycle_rules() -> list[RuleInfo]:
    return [_LIFECYCLE[code] for code in sorted(_LIFECYCLE)]


def rule(
    code: str,
    name: str,
    *,
    severity: str | None = None,
    confidence: str = "medium",
    subject: str | None = None,
    params: dict[str, Any] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the implementation of catalogue rule `code`, named `name`.

    Severity and subject default to the catalogue's; they may be restated, but must agree.
    The function's docstring is the rule's documentation page; `params` names the rule's
    thresholds with their defaults (each configurable as `[rules.CODE] key = value`).
    """
    entry = CATALOGUE.get(code)
    if entry is None:
        raise ValueError(f"rule code {code!r} is not in the catalogue (RULES.md)")
    if entry.name != name:
        raise ValueError(f"rule {code} is named {entry.name!r} in the catalogue, not {name!r}")
    if severity is not None and severity != entry.severity:
        raise ValueError(f"rule {code}: default severity is {entry.severity!r}, not {severity!r}")
    if subject is not None and subject != entry.subject:
        raise ValueError(f"rule {code}: subject is {entry.subject!r}, not {subject!r}")
    if confidence not in CONFIDENCES:
        raise ValueError(f"rule {code}: confidence must be one of {CONFIDENCES}")

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        if code in _IMPLEMENTED and _IMPLEMENTED[code].func is not func:
            raise ValueError(f"rule {code} is registered twice")
        doc = inspect.cleandoc(func.__doc__ or "")
        _IMPLEMENTED[code] = replace(
            entry, func=func, doc=doc, confidence=confidence, params=dict(params or {})
        )
        return func

    return register
