"""One Jinja2 environment for every template (report, dashboard, nudges, web pages).

Autoescaping is on for every template, whatever its file name: posts, bios, names and URLs
are untrusted text. `StrictUndefined` turns a misspelt variable into an error instead of an
empty string in a report someone relies on. The i18n extension is on (newstyle gettext,
see `reports.i18n`), with autoescaping kept: a translated sentence's placeholders are escaped.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from socialaudit.display import without_bidi

SAFE_URL_SCHEMES = ("http", "https", "mailto")
# Bidirectional controls and invisible format characters: an RTL override in a post would
# reorder the report's own text around it, so they are shown as their code point instead.
_INVISIBLE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def safe_url(value: str | None) -> str:
    """The URL if its scheme is harmless, else '#': a `javascript:` link stays inert."""
    if not value:
        return "#"
    scheme = urlsplit(value.strip()).scheme.lower()
    return value.strip() if scheme in SAFE_URL_SCHEMES else "#"


def visible(value: object) -> str:
    """Untrusted text with bidi controls and invisible characters made visible (U+202E)."""
    return _INVISIBLE.sub(
        lambda m: f"[U+{ord(m.group()):04X}]", "" if value is None else str(value)
    )


def isolated(value: object) -> Markup:
    """Untrusted text (escaped) in a `<bdi>`: a name or post holding a right-to-left override
    (U+202E) or right-to-left letters cannot reorder the page's own text around it."""
    return Markup("<bdi>%s</bdi>") % ("" if value is None else str(value))


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Person-facing texts are gettext messages (reports/i18n.py): English is installed
        # here; a render in another language passes its own callables in the context.
        extensions=["jinja2.ext.i18n"],
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.policies["ext.i18n.trimmed"] = True  # a message id never holds the template's line breaks
    env.filters["safe_url"] = safe_url
    env.filters["visible"] = visible
    env.filters["bdi"] = isolated
    # An attribute (an aria-label naming a person) cannot hold a <bdi>: its overrides go.
    env.filters["plain"] = without_bidi
    return env
