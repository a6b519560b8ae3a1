"""The words a nudge borrows from the policy, in the person's language.

A nudge quotes each rule's clause in one sentence (`checks.policy.Clause.summary`) and one
suggestion (`RuleInfo.instead`). They are written once, in English, beside the rules; their
translations are gettext messages in the catalogues (`reports/locale`, extracted by
`reports.i18n.extract_policy`), so a French, Spanish or Arabic nudge never switches to English
half-way. A message missing from a catalogue falls back to the English text, so a new rule
never breaks a nudge; `tests/reports/test_catalogues.py` fails until it is translated.
"""

from __future__ import annotations

from checks.policy import MOTTO, clause
from checks.registry import get_rule
from reports.i18n import DEFAULT_LANGUAGE, for_language, language_of

__all__ = [
    "DEFAULT_LANGUAGE",
    "clause_summary",
    "draft_instead",
    "instead",
    "language_of",
    "motto",
]


def clause_summary(key: str, language: str) -> str:
    return for_language(language).gettext(clause(key).summary)


def instead(code: str, language: str) -> str:
    return for_language(language).gettext(get_rule(code).instead)


def draft_instead(code: str, language: str) -> str:
    """What to do instead, said of a post not yet published (`draft`)."""
    return for_language(language).gettext(get_rule(code).draft_instead)


def motto(language: str) -> str:
    return for_language(language).gettext(MOTTO)
