"""Person-facing words in the person's language: gettext catalogues, CLDR dates and numbers.

Every text a spokesperson reads (the nudge, their own page in the web app, `draft`) is written
once, in English, as a gettext message id, and translated in `reports/locale/<lang>/
LC_MESSAGES/messages.po` (compiled to `.mo` beside it, both committed so a fresh clone works;
`make catalogues` extracts, updates and compiles them). Dates, numbers and plurals follow the
locale through Babel (CLDR), not hand-kept month lists: "16–22 novembre", "١٢", six Arabic
plural forms.

Templates use Jinja2's i18n extension in its "newstyle" form: `{% trans %}` and `_()` format
their own placeholders, and with autoescape on a placeholder is escaped while the translated
text is not, so a name holding "<script>" stays text in any language. The one `Environment`
has English (null translations) installed; a render in another language passes its own
`gettext`/`ngettext` in the context (`for_language(...).context()`), so concurrent renders in
different languages never share state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_interval, format_skeleton, format_time, get_datetime_format
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from markupsafe import Markup

from socialaudit import platforms

DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
# The languages with a catalogue (English is the source language: its catalogue is the ids).
LANGUAGES = ("en", "fr", "es", "ar")


def N_(message: str) -> str:
    """Marks a message for extraction without translating it here (translated when shown)."""
    return message


# A finding's severity (RULES.md) in words a person reads (the page, `draft`).
SEVERITY_WORDS = {
    "high": N_("Important"),
    "medium": N_("Worth fixing"),
    "review": N_("Worth a conversation"),
    "info": N_("For information"),
}


def language_of(code: str | None, available: tuple[str, ...] | set[str] = LANGUAGES) -> str:
    """The catalogue language for a person's `language` ("fr", "fr-CA", "ES_es" -> fr, es).

    Falls back to English when there is no catalogue for that language.
    """
    base = (code or "").strip().replace("_", "-").split("-")[0].lower()
    return base if base in available else DEFAULT_LANGUAGE


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of `language` (English: the message ids themselves)."""
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [language], DOMAIN)


def _newstyle_gettext(func: Callable[[str], str]) -> Callable[..., str]:
    """`gettext` as the newstyle i18n extension calls it: the translation, then `%` with the
    placeholders; under autoescape the translation is trusted markup and the values are
    escaped (as `jinja2.ext` does for installed callables). Jinja2 is imported here, not at
    the top: `draft` reads the catalogues without loading the template engine."""
    from jinja2 import pass_context

    @pass_context
    def gettext(context: Any, message: str, **variables: Any) -> str:
        text = func(message)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 - the catalogue is ours; the values are escaped
        return text % variables  # type: ignore[no-any-return]

    return gettext


def _newstyle_ngettext(func: Callable[[str, str, int], str]) -> Callable[..., str]:
    from jinja2 import pass_context

    @pass_context
    def ngettext(context: Any, singular: str, plural: str, number: int, **variables: Any) -> str:
        variables.setdefault("num", number)
        text = func(singular, plural, number)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 - the catalogue is ours; the values are escaped
        return text % variables  # type: ignore[no-any-return]

    return ngettext


@dataclass(frozen=True)
class Language:
    """One language's catalogue and locale: what a render in that language needs."""

    code: str  # the catalogue language: en, fr, es, ar
    locale: Locale

    @property
    def rtl(self) -> bool:
        return self.locale.character_order == "right-to-left"

    @property
    def direction(self) -> str:
        """The value of the HTML `dir` attribute."""
        return "rtl" if self.rtl else "ltr"

    def gettext(self, message: str) -> str:
        return translations(self.code).gettext(message)

    def ngettext(self, singular: str, plural: str, number: int) -> str:
        return translations(self.code).ngettext(singular, plural, number)

    def severity(self, severity: str) -> str:
        """A severity in words ("Important"); an unknown one as it is."""
        words = SEVERITY_WORDS.get(severity)
        return self.gettext(words) if words else severity

    def number(self, value: int | float) -> str:
        """A number as the locale writes it (digits, grouping)."""
        return format_decimal(value, locale=self.locale)

    def day(self, moment: date | datetime) -> str:
        """Day and month, as the locale writes them ("November 16", "16 novembre")."""
        return format_skeleton("MMMMd", moment, locale=self.locale)

    def full_date(self, moment: date | datetime) -> str:
        """Day, month and year ("16 novembre 2026")."""
        return format_skeleton("yMMMMd", moment, locale=self.locale)

    def moment(self, moment: datetime) -> str:
        """Date and time to the minute, in `moment`'s own zone ("Nov 17, 2026, 10:30")."""
        pattern = get_datetime_format("medium", locale=self.locale)
        day = format_skeleton("yMMMd", moment, locale=self.locale)
        time = format_time(moment, "short", tzinfo=moment.tzinfo, locale=self.locale)
        return str(pattern).replace("{1}", day).replace("{0}", time)

    def days(self, start: date, end: date) -> str:
        """A span of days ("16–22 novembre", "30 nov. – 6 déc.")."""
        return format_interval(start, end, "MMMMd", locale=self.locale)

    def context(self) -> dict[str, Any]:
        """What a template rendered in this language receives: the i18n callables, the
        formatting helpers, `lang` and `dir` for the HTML."""
        return {
            "gettext": _newstyle_gettext(self.gettext),
            "_": _newstyle_gettext(self.gettext),
            "ngettext": _newstyle_ngettext(self.ngettext),
            "lang": self.code,
            "dir": self.direction,
            "number": self.number,
            "day": self.day,
            "full_date": self.full_date,
        }


@cache
def for_language(code: str | None) -> Language:
    """The `Language` of a person's language setting (English when there is no catalogue)."""
    language = language_of(code)
    # A regional setting ("en-GB", "es_MX") keeps its region's dates and numbers.
    tag = (code or "").strip().replace("-", "_")
    try:
        locale = Locale.parse(tag) if tag else Locale.parse(language)
    except (ValueError, TypeError, UnknownLocaleError):
        locale = Locale.parse(language)
    if locale.language != language:
        locale = Locale.parse(language)
    return Language(language, locale)


def platform_name(platform: str | None) -> str:
    """A platform's own name (a proper noun in every language)."""
    return platforms.display_name(platform)


def extract_policy(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """A Babel extractor for the policy's words a person reads: each clause in one sentence
    and each rule's "instead" (and its `draft` form). They are written once, in English, in
    `checks/` (pure, no gettext); `babel.cfg` runs this on `checks/policy.py`, so `pybabel
    extract` puts them in the catalogue with the templates' messages."""
    from checks.policy import CLAUSES, MOTTO
    from checks.registry import CATALOGUE, DRAFT_INSTEAD

    yield 1, "gettext", MOTTO, ["The policy's motto, closing every person-facing text."]
    for key, clause in CLAUSES.items():
        yield 1, "gettext", clause.summary, [f"Policy clause {key} in one sentence."]
    for code, info in CATALOGUE.items():
        yield 1, "gettext", info.instead, [f"Rule {code}: what to do instead."]
    for code, text in DRAFT_INSTEAD.items():
        yield 1, "gettext", text, [f"Rule {code}: what to do instead, before publishing."]
