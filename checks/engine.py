"""The checks engine: pure rules over normalised posts and profiles, plus their context.

A rule is a function `(item, ctx) -> Iterable[Hit]` registered with `@rule` (checks/registry);
it sees a `PostItem` or a `ProfileItem` (normalised lazily), the organisation's compiled
config (`ctx.org`) and its own thresholds (`ctx.params`), and never touches the database or
the network. The engine runs every enabled rule, applies the configured severity, and returns
`Result`s whose evidence points into the original text. The same engine serves `scan`,
`check` (the store) and `draft`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import phonenumbers

from checks.matching import URL_IN_TEXT, Phrases, host_in, host_of
from checks.normalize import Text, norm_phrase, normalize
from checks.registry import CATALOGUE, RuleInfo, implemented_rules, lifecycle_rules
from socialaudit import packs
from socialaudit.config import Settings
from socialaudit.errors import ConfigError

Evidence = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule yields: why it fired (plain words) and where."""

    message: str
    evidence: list[Evidence]


@dataclass(frozen=True, slots=True)
class Result:
    """A finding before it is stored: rule, severity after config, message and evidence."""

    rule: str
    name: str
    severity: str
    confidence: str
    message: str
    evidence: list[Evidence]
    subject: str  # profile | post | thread

    def as_json(self, item_id: str, lang: str | None = None) -> dict[str, Any]:
        found = {
            "id": item_id,
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity,
            "confidence": self.confidence,
            "message": self.message,
            "evidence": self.evidence,
        }
        if lang is not None:
            found["lang"] = lang
        return found


@dataclass(slots=True)
class ThreadInfo:
    """The conversation around a reply: how many replies the person sent the same account in
    it within the window, and the first hostile message from that account (if any)."""

    other: str
    replies: int
    hostile: Evidence | None = None


class ProfileItem:
    """A profile to check. `previous_bio` is the bio of the account's previous snapshot."""

    kind = "profile"

    def __init__(
        self,
        id: str,
        *,
        platform: str = "",
        handle: str = "",
        display_name: str = "",
        bio: str = "",
        url: str = "",
        role: str = "spokesperson",
        previous_bio: str | None = None,
    ) -> None:
        self.id = id
        self.platform = platform
        self.handle = handle
        self.display_name = display_name or ""
        self.bio = bio or ""
        self.url = url or ""
        self.role = role
        self.previous_bio = previous_bio
        self._bio_view: Text | None = None
        self._name_view: Text | None = None

    # functools.cached_property takes a lock on every read before Python 3.12; these are
    # read many times per item, so they cache by hand.
    @property
    def bio_view(self) -> Text:
        if self._bio_view is None:
            self._bio_view = normalize(self.bio)
        return self._bio_view

    @property
    def name_view(self) -> Text:
        if self._name_view is None:
            self._name_view = normalize(self.display_name)
        return self._name_view


_UNKNOWN = object()


class PostItem:
    """A post to check, with what is known of the message it replies to and what it shares."""

    kind = "post"

    def __init__(
        self,
        id: str,
        *,
        text: str = "",
        platform: str = "",
        author: str = "",
        created_at: datetime | None = None,
        lang: str | None = None,
        role: str = "spokesperson",
        country: str | None = None,
        reply_to_author: str | None = None,
        reply_to_text: str | None = None,
        reply_to_created_at: datetime | None = None,
        links: Sequence[str] = (),
        media: Sequence[dict[str, Any]] = (),
        reposted_from: str | None = None,
        quoted_from: str | None = None,
        conversation: str | None = None,
        thread: ThreadInfo | None = None,
    ) -> None:
        self.id = id
        self.text = text or ""
        self.platform = platform
        self.author = author
        self.created_at = created_at
        self.lang = lang
        self.role = role
        # The person's configured country (ISO 3166 alpha-2), when the registry or the scan
        # input gives one: CNF305 reads national phone numbers there first.
        self.country = country
        self.reply_to_author = reply_to_author
        self.reply_to_text = reply_to_text
        self.reply_to_created_at = reply_to_created_at
        self.links = list(links)
        self.media = list(media)
        self.reposted_from = reposted_from
        self.quoted_from = quoted_from
        self.conversation = conversation
        self.thread = thread
        # Set by the engine's batch step: the classifier's offensiveness, when it was asked.
        self.offensive: float | None = None
        self.parent_offensive: float | None = None
        # Every post rule reads the text, so it is normalised now; the rest on first use.
        self.view: Text = normalize(self.text)
        self._parent_view: Text | None = None
        self.hostile_cache: dict[float, Evidence | None] = {}  # checks.respect.hostile_parent
        self._all_links: list[tuple[str, Evidence]] | None = None
        self._language: str | object | None = _UNKNOWN
        self._features: dict[str, tuple[int, int]] | None = None

    @property
    def features(self) -> dict[str, tuple[int, int]]:
        """The learned scorers' features of the text (checks.learned), computed once."""
        if self._features is None:
            from checks.learned import features

            self._features = features(self.view.text)
        return self._features

    @property
    def language(self) -> str | None:
        """The language of the text (checks.language: the shipped model, else the platform's
        `lang` tag), found on first use: most posts never need it."""
        if self._language is _UNKNOWN:
            from checks.language import detect_language

            self._language = detect_language(self.text, self.lang)
        return self._language  # type: ignore[return-value]

    @property
    def parent_view(self) -> Text | None:
        if self._parent_view is None and self.reply_to_text:
            self._parent_view = normalize(self.reply_to_text)
        return self._parent_view

    @property
    def all_links(self) -> list[tuple[str, Evidence]]:
        """Every link: expanded ones from the platform (field "links") and ones in the text."""
        if self._all_links is None:
            self._all_links = self._links()
        return self._all_links

    def _links(self) -> list[tuple[str, Evidence]]:
        found: list[tuple[str, Evidence]] = []
        for i, link in enumerate(self.links):
            found.append(
                (link, {"field": f"links[{i}]", "start": 0, "end": len(link), "text": link})
            )
        if "http" in self.text or "www." in self.text:
            for m in URL_IN_TEXT.finditer(self.text):
                found.append(
                    (
                        m.group(0),
                        {"field": "text", "start": m.start(), "end": m.end(), "text": m.group(0)},
                    )
                )
        return found


Item = PostItem | ProfileItem


def _handle(value: str) -> str:
    return value.strip().lower().lstrip("@")


# Country codes that national sections of an organisation go by after its short alias
# ("AI UK", "AIUSA"). Codes that are also common capitalised words next to "AI" in tech bios
# (IT, IN, IS, ML, NO, AT, US) are left out: "AI US policy" is not a section.
SECTION_CODES = (
    "UK",
    "USA",
    "NZ",
    "AUS",
    "IRL",
    "NL",
    "FR",
    "DE",
    "ES",
    "CA",
    "CH",
    "BE",
    "SE",
    "DK",
    "FI",
    "PT",
    "PL",
    "JP",
    "KR",
    "HK",
    "ZA",
    "NG",
    "KE",
    "GH",
    "PH",
    "MX",
    "AR",
    "BR",
    "CL",
    "PE",
)


@dataclass
class Politics:
    """Every configured party, candidate and account, compiled for NPT201/NPT202."""

    names: list[str]
    compact: list[str]
    surnames: list[str]
    accounts: set[str]
    # Candidates' first names, for hashtags such as "#NiamhForTD" (with an office only).
    first_names: list[str] = field(default_factory=list)


@dataclass
class Embargo:
    title: str
    url: str | None
    phrases: Phrases
    lifts_at: datetime
    # The key phrases as configured (EMB401 reads their topic words).
    keywords: list[str] = field(default_factory=list)


@dataclass
class Pending:
    topic: str
    phrases: Phrases


class Org:
    """The organisation's config, compiled once per run for the rules to read."""

    def __init__(self, settings: Settings) -> None:
        org = settings.organisation
        self.name = org.name
        long_names = [n for n in org.names if not (len(n) <= 3 and n.isupper())]
        self.long_names = long_names
        self.public_contacts_text = list(org.public_contacts)
        self.short_names = [n for n in org.names if len(n) <= 3 and n.isupper()]
        # Lexicons from the config stay out of the shared automaton: an engine is built per
        # run, and a long-lived process (the scheduler) must not grow it run after run.
        self.names = Phrases(long_names, shared=False)
        # A short capital alias ("AI") is also a common word ("AI ethics"), so it names the
        # organisation only with a section's country code ("AI UK", "AI-USA", "AIUK") or as
        # "AI Secretariat", "AI International Secretariat", "AI section".
        self.short_names_re = (
            re.compile(
                r"(?<![\w@])(?:" + "|".join(map(re.escape, self.short_names)) + r")"
                rf"(?:[-\s]?(?:{'|'.join(SECTION_CODES)})(?![\w])"
                r"|\s+(?:International\s+)?(?:Secretariat|[Ss]ection)(?![\w]))"
            )
            if self.short_names
            else None
        )
        self.handles = {_handle(h) for h in org.handles if h.strip()}
        # An org handle, or one that extends it (@example -> @examplefrance, a national
        # section's account); without the "@", only the exact handle.
        self.handles_re = (
            re.compile(
                r"(?<![\w@])(?:@(?:" + "|".join(map(re.escape, sorted(self.handles))) + r")\w*"
                r"|(?:" + "|".join(map(re.escape, sorted(self.handles))) + r")(?![\w.]))"
            )
            if self.handles
            else None
        )
        self.official_domains = [d.lower().strip() for d in org.official_domains]
        self.internal_domains = [d.lower().strip() for d in org.internal_domains]
        self.public_emails = {c.strip().lower() for c in org.public_contacts if "@" in c}
        self._public_phones: dict[str, set[str]] = {}
        self.domains_re = (
            re.compile(
                r"(?<![\w-])(?:"
                + "|".join(map(re.escape, sorted(self.official_domains, key=len, reverse=True)))
                + r")(?![\w-])"
            )
            if self.official_domains
            else None
        )
        self.politics = self._politics(settings)
        self.embargoes = [
            Embargo(
                e.title,
                e.url,
                Phrases([e.title, *e.keywords], shared=False),
                e.lifts_at,
                list(e.keywords),
            )
            for e in settings.embargoes
        ]
        self.pending = [
            Pending(p.topic, Phrases([p.topic, *p.keywords], shared=False))
            for p in settings.pending_positions
        ]

    @staticmethod
    def _politics(settings: Settings) -> Politics:
        names: list[str] = []
        surnames: list[str] = []
        first_names: list[str] = []
        accounts: set[str] = set()
        for entry in settings.politics:
            names.extend(entry.parties)
            names.extend(entry.candidates)
            for candidate in entry.candidates:
                parts = candidate.split()
                if len(parts) >= 2 and len(parts[-1]) > 3:
                    surnames.append(parts[-1])
                if len(parts) >= 2 and len(parts[0]) > 2:
                    first_names.append(parts[0])
            accounts.update(_handle(a) for a in entry.accounts if a.strip())
        compact = [re.sub(r"[\W_]+", "", norm_phrase(n)) for n in names]
        compact += [re.sub(r"[\W_]+", "", a) for a in accounts]
        compact = [c for c in compact if len(c) > 3]
        return Politics(names, compact, surnames, accounts, first_names)

    def public_phones(self, region: str) -> set[str]:
        """The public contacts' phone numbers (E.164), national ones read in `region`."""
        if region not in self._public_phones:
            self._public_phones[region] = {
                key
                for key in (
                    _phone_key(c, region) for c in self.public_contacts_text if "@" not in c
                )
                if key
            }
        return self._public_phones[region]

    def official_link(self, item: PostItem) -> str | None:
        for link, _ in item.all_links:
            host = host_of(link)
            if host_in(host, self.official_domains) and not host_in(host, self.internal_domains):
                return link
        return None

    def is_org_account(self, handle: str | None) -> bool:
        return bool(handle) and _handle(handle or "") in self.handles

    def names_org(self, view: Text) -> re.Match[str] | None:
        """Where the view names the organisation (name, alias, handle or domain)."""
        found = self.names.search(view)
        if found:
            return found
        if self.handles_re is not None:
            found = self.handles_re.search(view.plain)
            if found:
                return found
        if self.domains_re is not None:
            found = self.domains_re.search(view.plain)
            if found:
                return found
        if self.short_names_re is not None:
            return self.short_names_re.search(view.original)
        return None


def _phone_key(raw: str, region: str) -> str | None:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@dataclass
class RuleContext:
    """What a rule reads besides its subject: the organisation and its own thresholds."""

    org: Org
    params: dict[str, Any]
    info: RuleInfo


@dataclass
class Engine:
    """Every enabled rule, ready to run; built once from the settings (`Engine.from_settings`)."""

    org: Org
    rules: list[tuple[RuleInfo, RuleContext, str]] = field(default_factory=list)
    _profile_rules: list[tuple[RuleInfo, RuleContext, str]] = field(default_factory=list)
    _post_rules: list[tuple[RuleInfo, RuleContext, str]] = field(default_factory=list)

    @classmethod
    def from_settings(cls, settings: Settings) -> Engine:
        # The rules compile the pack's vocabulary when first imported: choose it before.
        packs.use(settings.organisation.pack())
        load_rule_modules()
        validate_rule_settings(settings)
        org = Org(settings)
        engine = cls(org)
        disabled = set(settings.rules.disabled)
        for info in implemented_rules():
            if info.code in disabled:
                continue
            table = settings.rules.for_rule(info.code)
            params = {**info.params, **{k: v for k, v in table.items() if k != "severity"}}
            severity = table.get("severity", info.severity)
            engine.rules.append((info, RuleContext(org, params, info), severity))
        engine._profile_rules = [r for r in engine.rules if r[0].subject == "profile"]
        engine._post_rules = [r for r in engine.rules if r[0].subject != "profile"]
        return engine

    def params(self, code: str) -> dict[str, Any] | None:
        """The thresholds of an enabled rule (None when it is disabled)."""
        for info, ctx, _ in self.rules:
            if info.code == code:
                return ctx.params
        return None

    def prepare(self, items: Iterable[Item]) -> None:
        """Ask the classifier, in one batch, about every post and the hostile-looking messages
        they reply to."""
        from checks import classifier

        asks: list[tuple[PostItem, bool, str]] = []
        for item in items:
            if not isinstance(item, PostItem):
                continue
            # Every post is asked (the rule combines the answer with its learned scorer);
            # those whose words cannot lift the model's score are answered without it.
            if item.offensive is None and item.text:
                asks.append((item, False, item.text))
            pv = item.parent_view
            if (
                pv is not None
                and item.parent_offensive is None
                and classifier.worth_asking(pv, addressed=True)
            ):
                asks.append((item, True, item.reply_to_text or ""))
        if not asks:
            return
        probs = classifier.offensive_probabilities([text for _, _, text in asks])
        for (item, parent, _), prob in zip(asks, probs, strict=True):
            if parent:
                item.parent_offensive = prob
            else:
                item.offensive = prob

    def check(self, item: Item) -> list[Result]:
        """Every finding for one item (call `prepare` first on a batch for the classifier)."""
        results: list[Result] = []
        rules = self._profile_rules if item.kind == "profile" else self._post_rules
        for info, ctx, severity in rules:
            for hit in info.func(item, ctx):  # type: ignore[misc]
                results.append(
                    Result(
                        info.code,
                        info.name,
                        severity,
                        info.confidence,
                        f"{hit.message} {info.instead}",
                        hit.evidence,
                        info.subject,
                    )
                )
        return results

    def check_batch(self, items: Sequence[Item]) -> list[list[Result]]:
        self.prepare(items)
        return [self.check(item) for item in items]


def validate_rule_settings(settings: Settings) -> None:
    """`[rules]` names real rules and each table only the thresholds its rule owns."""
    for code in settings.rules.disabled:
        if code not in CATALOGUE:
            raise ConfigError(f"rules.disabled: no rule {code!r}; see `socialaudit rules`")
    implemented = {info.code: info for info in implemented_rules()}
    implemented.update({info.code: info for info in lifecycle_rules()})
    for code, table in (settings.rules.model_extra or {}).items():
        if code not in CATALOGUE:
            raise ConfigError(f"rules.{code}: no such rule; see `socialaudit rules`")
        info = implemented.get(code)
        if info is None:
            continue
        for key, value in table.items():
            if key == "severity":
                continue
            if key not in info.params:
                known = ", ".join(sorted(info.params)) or "no thresholds"
                raise ConfigError(
                    f"rules.{code}.{key}: {code} has no threshold {key!r} (it takes {known})"
                )
            default = info.params[key]
            if isinstance(default, bool) or isinstance(value, bool):
                ok = isinstance(value, bool) and isinstance(default, bool)
            elif isinstance(default, int | float):
                ok = isinstance(value, int | float) and math.isfinite(value) and value >= 0
                if ok and isinstance(default, int) and not isinstance(value, int):
                    ok = False
            elif isinstance(default, list):
                ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            else:
                ok = isinstance(value, type(default))
            if not ok:
                raise ConfigError(
                    f"rules.{code}.{key}: expected {_kind(default)} like {default!r}, got {value!r}"
                )
            if key in REGION_PARAMS:
                for region in value if isinstance(value, list) else [value]:
                    if region not in phonenumbers.SUPPORTED_REGIONS:
                        raise ConfigError(
                            f"rules.{code}.{key}: {region!r} is not a country code such as "
                            "'GB' or 'US' (ISO 3166, upper case)"
                        )


# Rule parameters that name countries, as phonenumbers reads them ("GB", "US").
REGION_PARAMS = {"region", "regions"}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number (0 or more)"
    if isinstance(value, float):
        return "a number (0 or more)"
    if isinstance(value, list):
        return "a list of strings"
    return f"a {type(value).__name__}"


RULE_MODULES = (
    "checks.transparency",
    "checks.partisanship",
    "checks.confidentiality",
    "checks.embargo",
    "checks.respect",
    "checks.law",
    "checks.copyright",
    "checks.mistakes",
)


def load_rule_modules() -> None:
    """Import every rule module, so that each registers its rules (idempotent)."""
    import importlib

    for name in RULE_MODULES:
        importlib.import_module(name)
