"""The rules' vocabulary, read from the policy pack in use, by the names the rules import.

Every phrase lives in the pack (`policies/<pack>/vocabulary/<RULE>.toml`, beside the rule that
reads it, per language), written as a person would type it; it is normalised
(`checks.normalize`) the same way as the text it is matched against, so accents, case and
look-alike letters need no variants there. The rules compile these lists when they are
imported, so the pack is chosen first (`socialaudit.packs.use`, done by the CLI and by
`Engine.from_settings`) and a process checks with one pack. A name the pack does not give is
empty: the rule that reads it finds nothing by vocabulary. A name it gives that no rule reads,
or in another shape than the rule reads, is a configuration error, so a typo never passes.
"""

from __future__ import annotations

from typing import Any

from socialaudit import packs
from socialaudit.errors import ConfigError

_PACK = packs.compiled()
_SHAPES: dict[str, str] = {}


def _where(name: str) -> str:
    owner = _PACK.owners.get(name, "?")
    return f"policy pack {_PACK.folder / 'vocabulary' / (owner + '.toml')}: {name}"


def _get(name: str, shape: str) -> Any:
    _SHAPES[name] = shape
    return _PACK.vocabulary.get(name)


def _list(name: str) -> list[str]:
    value = _get(name, "a list of strings")
    if value is None:
        return []
    if not isinstance(value, list):
        raise ConfigError(f"{_where(name)}: expected a list of strings")
    return list(value)


def _by_language(name: str) -> dict[str, list[str]]:
    value = _get(name, "a table of lists per language")
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
        raise ConfigError(f"{_where(name)}: expected a table of lists per language (en = [...])")
    return {lang: list(words) for lang, words in value.items()}


def _grammar(name: str) -> dict[str, dict[str, list[str]]]:
    value = _get(name, "a table per language of tables of lists")
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(parts, dict) and all(isinstance(w, list) for w in parts.values())
        for parts in value.values()
    ):
        raise ConfigError(
            f"{_where(name)}: expected a table per language of lists ([{name}.en] objects = [...])"
        )
    return {lang: {part: list(w) for part, w in parts.items()} for lang, parts in value.items()}


# TRN101 (vocabulary/TRN101.toml)
DISCLAIMER_GRAMMAR: dict[str, dict[str, list[str]]] = _grammar("DISCLAIMER_GRAMMAR")
SHARED_WORDS: list[str] = _list("SHARED_WORDS")

# NPT201 (vocabulary/NPT201.toml)
ENDORSE_BEFORE: dict[str, list[str]] = _by_language("ENDORSE_BEFORE")
ENDORSE_AFTER: dict[str, list[str]] = _by_language("ENDORSE_AFTER")
CAMPAIGN_WORK: list[str] = _list("CAMPAIGN_WORK")
OFFICES: list[str] = _list("OFFICES")
NON_PARTISAN_OBJECTS: list[str] = _list("NON_PARTISAN_OBJECTS")

# CNF301 (vocabulary/CNF301.toml)
CONFIDENTIAL_MARKERS: dict[str, list[str]] = _by_language("CONFIDENTIAL_MARKERS")
REPORTING_CUES: list[str] = _list("REPORTING_CUES")

# CNF303 (vocabulary/CNF303.toml)
FINANCE_WORDS: dict[str, list[str]] = _by_language("FINANCE_WORDS")
ORG_SELF: list[str] = _list("ORG_SELF")

# CNF304 (vocabulary/CNF304.toml)
HR_FACTS: dict[str, list[str]] = _by_language("HR_FACTS")
COLLEAGUE_CUES: list[str] = _list("COLLEAGUE_CUES")

# CNF305 (vocabulary/CNF305.toml)
BIRTH_CUES: dict[str, list[str]] = _by_language("BIRTH_CUES")
MONTHS: dict[str, list[str]] = _by_language("MONTHS")
EMAIL_AT_WORDS: dict[str, list[str]] = _by_language("EMAIL_AT_WORDS")
EMAIL_DOT_WORDS: dict[str, list[str]] = _by_language("EMAIL_DOT_WORDS")
ID_CUES: list[str] = _list("ID_CUES")

# RSP501 (vocabulary/RSP501.toml)
INSULT_NOUNS: dict[str, list[str]] = _by_language("INSULT_NOUNS")
PERSON_INSULTS: list[str] = _list("PERSON_INSULTS")
PROFANITY: dict[str, list[str]] = _by_language("PROFANITY")
ROUGH_WORDS: list[str] = _list("ROUGH_WORDS")

# LAW601 (vocabulary/LAW601.toml)
ACCUSATIONS: list[str] = _list("ACCUSATIONS")
INSTITUTIONS: list[str] = _list("INSTITUTIONS")

# LAW602 (vocabulary/LAW602.toml)
PROCEEDINGS: list[str] = _list("PROCEEDINGS")
GUILT_CLAIMS: list[str] = _list("GUILT_CLAIMS")
GUILT_EXEMPT: list[str] = _list("GUILT_EXEMPT")

# CPY701 (vocabulary/CPY701.toml)
PEOPLE_IN_MEDIA: list[str] = _list("PEOPLE_IN_MEDIA")
MEDIA_CREDIT_CUES: list[str] = _list("MEDIA_CREDIT_CUES")

# RSP502 (vocabulary/RSP502.toml)
HOSTILE_AT_YOU: list[str] = _list("HOSTILE_AT_YOU")
ADDRESSED_WORDS: list[str] = _list("ADDRESSED_WORDS")

# EMB401 (vocabulary/EMB401.toml)
PUBLICATION_CUES: list[str] = _list("PUBLICATION_CUES")
EMBARGO_STOPWORDS: list[str] = _list("EMBARGO_STOPWORDS")
TOPIC_TRANSLATIONS: dict[str, list[str]] = _by_language("TOPIC_TRANSLATIONS")

# CNF305 (vocabulary/CNF305.toml)
EVENT_CUES: list[str] = _list("EVENT_CUES")
HOME_CUES: list[str] = _list("HOME_CUES")
NOT_A_PERSON_BORN: list[str] = _list("NOT_A_PERSON_BORN")
LANGUAGE_REGIONS: dict[str, list[str]] = _by_language("LANGUAGE_REGIONS")
CONTACT_CUES: dict[str, list[str]] = _by_language("CONTACT_CUES")
REFERENCE_CUES: dict[str, list[str]] = _by_language("REFERENCE_CUES")
STREET_TYPES_AFTER_NAME: dict[str, list[str]] = _by_language("STREET_TYPES_AFTER_NAME")
STREET_TYPES_BEFORE_NAME: dict[str, list[str]] = _by_language("STREET_TYPES_BEFORE_NAME")
STREET_SUFFIXES: dict[str, list[str]] = _by_language("STREET_SUFFIXES")
STREET_DIRECTIONS: list[str] = _list("STREET_DIRECTIONS")


_UNKNOWN = sorted(set(_PACK.vocabulary) - set(_SHAPES))
if _UNKNOWN:
    raise ConfigError(
        f"{_where(_UNKNOWN[0])}: no rule reads this name (known: {', '.join(sorted(_SHAPES))})"
    )
