"""One settings object, validated before any work starts.

The file is TOML (`config.example.toml` documents every key). Loading is strict: an unknown key,
a wrong type or an unsafe value fails with the key's dotted path and what was expected. Scalar
keys can be overridden from the environment as ``SOCIALAUDIT_<SECTION>_<KEY>`` (for example
``SOCIALAUDIT_DATABASE_URL``). Secrets never live in the file: each is read from its own
environment variable or from a file whose path the config names, and placeholders are refused.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import tomllib
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo

from socialaudit import packs, platforms
from socialaudit.errors import ConfigError

log = logging.getLogger(__name__)

ENV_PREFIX = "SOCIALAUDIT_"
CONFIG_ENV = "SOCIALAUDIT_CONFIG"
DEFAULT_CONFIG_FILE = Path("socialaudit.toml")
DEFAULT_DATABASE_URL = "sqlite:///data/socialaudit.db"

# Values people leave in a config when they mean "fill this in later". A secret equal to one
# of these (case-insensitive, ignoring surrounding <>, {} or quotes) is refused at start-up.
PLACEHOLDER_SECRETS = frozenset(
    {
        "",
        "changeme",
        "change-me",
        "change_me",
        "changethis",
        "secret",
        "password",
        "token",
        "todo",
        "tbd",
        "xxx",
        "xxxx",
        "placeholder",
        "your-token",
        "your-token-here",
        "your_token_here",
        "your-password",
        "insert-token-here",
        "...",
    }
)


def _is_placeholder(value: str) -> bool:
    stripped = value.strip().strip("<>{}\"'").strip().lower()
    return stripped in PLACEHOLDER_SECRETS or bool(re.fullmatch(r"x+|\*+|\.+", stripped))


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(
            f"expected an IANA time zone such as 'Europe/London', got {value!r}"
        ) from exc
    return value


TimeZoneName = Annotated[str, AfterValidator(_check_timezone)]


# The pattern SQLAlchemy's `make_url` parses (sqlalchemy/engine/url.py), so that validating the
# settings does not import SQLAlchemy: `scan`, `rules` and `draft` never open a database and
# start faster without it. The engine is made with `make_url` itself.
_DATABASE_URL = re.compile(
    r"""
    (?P<name>[\w\+]+)://
    (?:(?P<username>[^:/]*)(?::(?P<password>[^@]*))?@)?
    (?:(?:\[(?P<ipv6host>[^/\?]+)\]|(?P<ipv4host>[^/:\?]+))?(?::(?P<port>[^/\?]*))?)?
    (?:/(?P<database>[^\?]*))?
    (?:\?(?P<query>.*))?
    """,
    re.X,
)


def _check_database_url(value: str) -> str:
    url = _DATABASE_URL.match(value)
    if url is None:
        raise ValueError(
            "expected a database URL such as 'sqlite:///data/socialaudit.db' or "
            "'postgresql+psycopg://user@host/dbname'"
        )
    drivername = url["name"]
    backend = drivername.split("+")[0]
    if backend not in {"sqlite", "postgresql"}:
        raise ValueError(f"expected a sqlite:// or postgresql:// URL, got the {backend!r} backend")
    if backend == "postgresql" and drivername not in {"postgresql", "postgresql+psycopg"}:
        raise ValueError(f"expected the psycopg driver (postgresql+psycopg://), got {drivername!r}")
    if backend == "postgresql" and not url["database"]:
        raise ValueError("expected a database name at the end of the PostgreSQL URL")
    return value


class Section(BaseModel):
    """Every section refuses keys it does not know, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


class DatabaseConfig(Section):
    url: Annotated[str, AfterValidator(_check_database_url)] = DEFAULT_DATABASE_URL
    auto_upgrade: bool = True

    @property
    def sqlalchemy_url(self) -> str:
        """The URL with the psycopg 3 driver named, which is the one we ship."""
        from sqlalchemy.engine import make_url

        url = make_url(self.url)
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)

    @property
    def safe_url(self) -> str:
        """The URL for logs and messages: password hidden."""
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)


class OrganisationConfig(Section):
    """Who the organisation is; the checks use these to recognise affiliation and sources.

    `policy_pack` names the pack (socialaudit.packs) that holds the organisation, its policy's
    clauses and the rules' vocabulary. The other keys default to the pack's `[organisation]`
    table; a key given here replaces the pack's.
    """

    policy_pack: str = packs.DEFAULT
    name: str = ""
    timezone: TimeZoneName = "Europe/London"
    names: list[str] = Field(default_factory=list)
    handles: list[str] = Field(default_factory=list)
    official_domains: list[str] = Field(default_factory=list)
    internal_domains: list[str] = Field(default_factory=list)
    public_contacts: list[str] = Field(default_factory=list)

    @field_validator("policy_pack")
    @classmethod
    def _pack_exists(cls, value: str, info: ValidationInfo) -> str:
        base = (info.context or {}).get("base")
        try:
            pack = packs.load(value, base)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        return str(pack.folder) if "/" in value or value.startswith(".") else value

    @model_validator(mode="after")
    def _from_pack(self) -> OrganisationConfig:
        pack = packs.load(self.policy_pack)
        for key in packs.ORGANISATION_KEYS:
            if key not in self.model_fields_set and key in pack.organisation:
                value = pack.organisation[key]
                object.__setattr__(self, key, list(value) if isinstance(value, list) else value)
        if not self.name:
            raise ValueError(
                f"organisation.name: not given here nor by the policy pack {pack.name!r}"
            )
        return self

    def pack(self) -> packs.PolicyPack:
        """The policy pack these settings name."""
        return packs.load(self.policy_pack)


def _check_http_url(value: str | None) -> str | None:
    """An http:// or https:// URL with a host (a platform's API, a proxy, the sandbox)."""
    if value is None:
        return None
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or any(c.isspace() or ord(c) < 32 for c in value)
    ):
        raise ValueError(f"expected an http:// or https:// URL with a host, got {value!r}")
    return value


def _check_proxies(value: list[str]) -> list[str]:
    import ipaddress

    for entry in value:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValueError(
                f"expected IP addresses or networks such as '127.0.0.1' or '10.0.0.0/8', "
                f"got {entry!r}"
            ) from None
    return value


class PlatformConfig(Section):
    """Shared knobs for every platform client: where it is, how patient it is."""

    enabled: bool = True
    base_url: Annotated[str | None, AfterValidator(_check_http_url)] = None
    timeout_seconds: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=5, ge=0, le=20)
    backoff_seconds: float = Field(default=2.0, ge=0)
    max_backoff_seconds: float = Field(default=900.0, ge=0)


class PlatformsConfig(Section):
    """`[platforms.NAME]`: one section per platform of the registry (`socialaudit.platforms`).

    The fields are added from the registry's entries (`_platform_section`), so a new
    platform brings its section, its keys and their environment overrides with it.
    """

    def section(self, name: str) -> PlatformConfig:
        """The settings of platform `name` (`[platforms.NAME]`)."""
        return getattr(self, name)


def _platform_section(spec: platforms.PlatformSpec, present: bool, *, rebuild: bool = True) -> None:
    """Give `PlatformsConfig` (and so `Settings`) a platform's section and secrets, or take
    them away again (`present` false) when it leaves the registry.

    Pydantic builds a model's validator from its fields once; adding one and rebuilding with
    `force=True` is how a field is added to an existing model, and `Settings` is rebuilt
    because it embeds the section's schema.
    """
    if not present:
        PlatformsConfig.__pydantic_fields__.pop(spec.name, None)
        for secret in spec.secrets:
            SECRETS.pop(secret.name, None)
            _SECRET_KEY_HINTS.pop(secret.key_hint, None)
        PlatformsConfig.model_rebuild(force=True)
        Settings.model_rebuild(force=True)
        return
    section = create_model(
        f"PlatformConfig_{spec.name}",
        __base__=PlatformConfig,
        __doc__=f"[{spec.config_section}]: {spec.display_name}.",
        **dict(spec.config_fields),
    )
    PlatformsConfig.__pydantic_fields__[spec.name] = FieldInfo(
        annotation=section, default_factory=section
    )
    for secret in spec.secrets:
        SECRETS[secret.name] = SecretSpec(
            env=secret.env, file_key=f"{spec.config_section}.{secret.file_field}", what=secret.what
        )
        _SECRET_KEY_HINTS[secret.key_hint] = secret.name
    if rebuild:
        PlatformsConfig.model_rebuild(force=True)
        Settings.model_rebuild(force=True)


class CollectionConfig(Section):
    watch_days: int = Field(default=14, ge=1, le=365)
    max_pages: int = Field(default=50, ge=1)
    page_every_hours: float = Field(default=24.0, ge=0)
    # Accounts of one platform collected at a time (their timeline calls in flight
    # together); each account is still saved in its own transaction. 1 is one at a time.
    concurrency: int = Field(default=8, ge=1, le=64)


class ImportsConfig(Section):
    """Limits on what `socialaudit import` reads from an archive (a zip bomb stops here)."""

    # Uncompressed bytes of the archive's data files (or of a CAR file), in MiB; memory
    # while importing is a small multiple of what is read.
    max_uncompressed_mb: int = Field(default=512, ge=1, le=65536)
    # Entries in the zip (or files in the unpacked folder), media included.
    max_members: int = Field(default=200_000, ge=1)


class SmtpConfig(Section):
    host: str = "localhost"
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password_file: Path | None = None
    sender: str = "Social media audit <socialaudit@localhost>"
    timeout_seconds: float = Field(default=30.0, gt=0)
    # A CA bundle to trust instead of the system's, for relays with a private CA.
    ca_file: Path | None = None

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        from email.headerregistry import Address
        from email.utils import parseaddr

        display, address = parseaddr(value)
        local, at, domain = address.rpartition("@")
        ok = bool(local and at and domain) and not any(c in value for c in "\r\n\0")
        if ok:
            try:
                Address(display_name=display, addr_spec=address)
            except (ValueError, IndexError):
                ok = False
        if not ok:
            raise ValueError("expected an address such as 'Social media audit <audit@example.org>'")
        return value


class NudgesConfig(Section):
    enabled: bool = True
    min_severity: Literal["high", "medium", "review", "info"] = "medium"
    max_per_week: int = Field(default=1, ge=0)
    max_items: int = Field(default=5, ge=1, le=50)
    outbox: Path = Path("data/outbox")
    list_unsubscribe: str | None = None
    reply_to: str | None = None
    page_url: str | None = None

    @field_validator("reply_to")
    @classmethod
    def _reply_address(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^[^@\s<>,]+@[^@\s<>,]+\.[^@\s<>,]+$", value):
            raise ValueError("expected one e-mail address, such as comms@example.org")
        return value

    @field_validator("page_url")
    @classmethod
    def _page_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://\S+$", value):
            raise ValueError(
                "expected an http:// or https:// address, such as https://audit.example.org/me"
            )
        return value

    @field_validator("list_unsubscribe")
    @classmethod
    def _unsubscribe_uri(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^(mailto:|https://)\S+$", value):
            raise ValueError("expected a mailto: or https:// address")
        return value


class ReportsConfig(Section):
    output_dir: Path = Path("data/reports")
    min_group_size: int = Field(default=5, ge=1)


class RetentionConfig(Section):
    posts_days: int = Field(default=365, ge=1)
    snapshots_days: int = Field(default=365, ge=1)
    findings_days: int = Field(default=730, ge=1)
    runs_days: int = Field(default=180, ge=1)
    deleted_text: Literal["keep", "redact"] = "keep"


class SchedulerConfig(Section):
    collect_every_hours: float = Field(default=2.0, gt=0)
    collect_jitter_minutes: int = Field(default=10, ge=0)
    report_day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    report_at: time = time(7, 0)
    dashboard_at: time = time(7, 30)
    nudges_at: time = time(9, 0)
    purge_at: time = time(3, 0)
    misfire_grace_minutes: int = Field(default=7 * 24 * 60, ge=1)


def _check_public_url(value: str | None) -> str | None:
    """The origin browsers reach the app at: scheme and host (and port), nothing else."""
    if value is None:
        return None
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.username is not None
        or parts.path not in {"", "/"}
        or parts.query
        or parts.fragment
    ):
        raise ValueError(
            "expected the URL browsers open the app at, such as 'https://audit.example.org' "
            "(http or https, a host, no path)"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


class WebConfig(Section):
    """The browser app (`socialaudit serve`)."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    secure_cookies: Literal["auto", "always", "never"] = "auto"
    session_hours: float = Field(default=12.0, gt=0)
    login_attempts: int = Field(default=5, ge=1)
    lockout_minutes: int = Field(default=15, ge=1)
    trusted_user_header: str | None = None
    trusted_proxies: Annotated[list[str], AfterValidator(_check_proxies)] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"]
    )
    public_url: Annotated[str | None, AfterValidator(_check_public_url)] = None


class PoliticsConfig(Section):
    country: str
    parties: list[str] = Field(default_factory=list)
    candidates: list[str] = Field(default_factory=list)
    accounts: list[str] = Field(default_factory=list)


class EmbargoConfig(Section):
    title: str
    url: str | None = None
    keywords: list[str] = Field(default_factory=list)
    lifts_at: Any  # a TOML datetime; checked below so the message can name the format

    @field_validator("lifts_at")
    @classmethod
    def _aware_datetime(cls, value: Any) -> Any:
        from datetime import datetime

        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError as exc:
                raise ValueError(
                    "expected a date and time with offset, such as 2026-11-30T09:00:00Z"
                ) from exc
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError("expected a date and time with offset, such as 2026-11-30T09:00:00Z")
        return value


class PendingPositionConfig(Section):
    topic: str
    keywords: list[str] = Field(default_factory=list)


RULE_CODE = re.compile(r"^[A-Z]{3}[0-9]{3}$")


class RulesConfig(BaseModel):
    """`disabled` plus one table per rule code (`[rules.RSP502] minutes = 10`).

    The per-rule tables are checked for shape here; the checks engine checks each threshold
    against the rule that owns it.
    """

    model_config = ConfigDict(extra="allow")

    disabled: list[str] = Field(default_factory=list)

    @field_validator("disabled")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        for code in value:
            if not RULE_CODE.match(code):
                raise ValueError(f"expected rule codes such as 'RSP501', got {code!r}")
        return value

    def model_post_init(self, context: Any) -> None:
        for key, value in (self.model_extra or {}).items():
            if not RULE_CODE.match(key):
                raise ValueError(
                    f"unknown key 'rules.{key}': expected 'disabled' or a rule code such as "
                    "'RSP502'"
                )
            if not isinstance(value, dict):
                raise ValueError(f"'rules.{key}' must be a table, such as [rules.{key}]")
            severity = value.get("severity")
            if severity is not None and severity not in {"high", "medium", "review", "info"}:
                raise ValueError(
                    f"'rules.{key}.severity' must be one of high, medium, review, info; "
                    f"got {severity!r}"
                )

    def for_rule(self, code: str) -> dict[str, Any]:
        return dict((self.model_extra or {}).get(code, {}))


class Settings(Section):
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    organisation: OrganisationConfig = Field(default_factory=OrganisationConfig)
    platforms: PlatformsConfig = Field(default_factory=PlatformsConfig)
    collection: CollectionConfig = Field(default_factory=CollectionConfig)
    imports: ImportsConfig = Field(default_factory=ImportsConfig)
    smtp: SmtpConfig = Field(default_factory=SmtpConfig)
    nudges: NudgesConfig = Field(default_factory=NudgesConfig)
    reports: ReportsConfig = Field(default_factory=ReportsConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    scheduler: SchedulerConfig = Field(default_factory=SchedulerConfig)
    web: WebConfig = Field(default_factory=WebConfig)
    rules: RulesConfig = Field(default_factory=RulesConfig)
    politics: list[PoliticsConfig] = Field(default_factory=list)
    embargoes: list[EmbargoConfig] = Field(default_factory=list)
    pending_positions: list[PendingPositionConfig] = Field(default_factory=list)

    _source: str = PrivateAttr(default="(defaults)")
    _environ: Mapping[str, str] | None = PrivateAttr(default=None)

    @property
    def source(self) -> str:
        """Where the settings came from: a file path or "(defaults)"."""
        return self._source

    def secret(self, name: str) -> SecretStr | None:
        """Read one of the known secrets (see SECRETS) from the environment or its file."""
        spec = SECRETS[name]
        file_path = _lookup(self, spec.file_key)
        environ = os.environ if self._environ is None else self._environ
        return _read_secret(spec, file_path, environ)


class SecretSpec(BaseModel):
    env: str
    file_key: str
    what: str


# The platforms' secrets are added from the registry (`_platform_section`).
SECRETS: dict[str, SecretSpec] = {
    "smtp_password": SecretSpec(
        env="SOCIALAUDIT_SMTP_PASSWORD",
        file_key="smtp.password_file",
        what="the SMTP password",
    ),
}

# Keys someone might write with a secret in them; the error tells them where secrets go.
_SECRET_KEY_HINTS = {"password": "smtp_password"}

for _spec in platforms.specs():
    _platform_section(_spec, True, rebuild=False)
PlatformsConfig.model_rebuild(force=True)
Settings.model_rebuild(force=True)
platforms.on_change(_platform_section)


def _lookup(settings: BaseModel, dotted: str) -> Any:
    value: Any = settings
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


# Every secret value read so far (from the environment or a file), so that the log's masking
# knows the ones read from files too; `logs` reads it, `register_secret` adds derived forms.
KNOWN_SECRETS: set[str] = set()


def register_secret(value: str) -> None:
    """Mask `value` in every log line from now on (such as an SMTP AUTH string)."""
    if len(value) >= 4:
        KNOWN_SECRETS.add(value)


def _read_secret(
    spec: SecretSpec, file_path: Path | None, environ: Mapping[str, str]
) -> SecretStr | None:
    raw: str | None = None
    where = ""
    if spec.env in environ:
        raw, where = environ[spec.env], f"environment variable {spec.env}"
    elif file_path is not None:
        try:
            raw = Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"{spec.file_key}: cannot read {spec.what} from the named file "
                f"({exc.strerror or exc.__class__.__name__})"
            ) from None
        where = f"the file named by {spec.file_key}"
    if raw is None:
        return None
    if _is_placeholder(raw):
        raise ConfigError(
            f"{where}: {spec.what} is a placeholder value; set the real secret or unset it"
        )
    register_secret(raw)
    return SecretStr(raw)


def _field_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> dict[str, tuple]:
    """Map each scalar key's environment variable name to its path in the settings."""
    paths: dict[str, tuple] = {}
    for name, field in model.model_fields.items():
        annotation = field.annotation
        path = (*prefix, name)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            paths.update(_field_paths(annotation, path))
        elif getattr(annotation, "__origin__", None) in (list, dict):
            continue
        else:
            paths[ENV_PREFIX + "_".join(path).upper()] = path
    return paths


def _apply_env(data: dict[str, Any], environ: Mapping[str, str]) -> list[str]:
    applied = []
    for env_name, path in _field_paths(Settings).items():
        if env_name in environ:
            node = data
            for part in path[:-1]:
                node = node.setdefault(part, {})
                if not isinstance(node, dict):
                    break
            else:
                node[path[-1]] = environ[env_name]
                applied.append(env_name)
    return applied


# Variables of the project's own tooling (tests, benchmarks), not settings.
_TOOLING_ENV_PREFIXES = (ENV_PREFIX + "TEST_", ENV_PREFIX + "BENCH_")


def known_env_names() -> set[str]:
    """Every `SOCIALAUDIT_*` variable the settings read: overrides, secrets, the config path."""
    return {*_field_paths(Settings), *(spec.env for spec in SECRETS.values()), CONFIG_ENV}


def unknown_env_warnings(environ: Mapping[str, str]) -> list[str]:
    """One message per `SOCIALAUDIT_*` variable that no setting reads, naming the closest
    known one (a misspelt override would otherwise be ignored without a word). Values are
    never shown: the variable may hold a secret."""
    known = known_env_names()
    messages = []
    for name in sorted(environ):
        if not name.startswith(ENV_PREFIX) or name in known:
            continue
        if name.startswith(_TOOLING_ENV_PREFIXES):
            continue
        # Compared without the shared prefix, so that it alone makes nothing look close.
        stripped = {k.removeprefix(ENV_PREFIX): k for k in known}
        close = difflib.get_close_matches(name.removeprefix(ENV_PREFIX), stripped, n=1)
        hint = f"; did you mean {stripped[close[0]]}?" if close else ""
        messages.append(f"unknown environment variable {name} is ignored{hint}")
    return messages


def _known_keys(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def _format_error(err: Mapping[str, Any], data: Mapping[str, Any], origin: str) -> str:
    loc = [str(part) for part in err.get("loc", ())]
    path = ".".join(loc)
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        parent: type[BaseModel] = Settings
        for part in loc[:-1]:
            if part.isdigit():
                continue
            field = parent.model_fields.get(part)
            ann = field.annotation if field else None
            args = getattr(ann, "__args__", None)
            if args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
                ann = args[0]
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                parent = ann
        leaf = loc[-1]
        if leaf in _SECRET_KEY_HINTS:
            spec = SECRETS[_SECRET_KEY_HINTS[leaf]]
            return (
                f"{origin}: {path}: secrets are not read from the config file; set "
                f"{spec.env} in the environment or name a file with {spec.file_key}"
            )
        close = difflib.get_close_matches(leaf, _known_keys(parent), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"{origin}: unknown key {path!r}{hint}"
    message = str(err.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    if kind == "missing":
        return f"{origin}: {path}: this key is required"
    value = err.get("input")
    shown = "" if isinstance(value, dict | list) or value is None else f" (got {value!r})"
    if "got" in message:
        shown = ""
    return f"{origin}: {path}: {message}{shown}"


def load_settings(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Load, override from the environment and validate; raise ConfigError on any problem.

    The file is ``path``, else ``$SOCIALAUDIT_CONFIG``, else ``./socialaudit.toml`` if it
    exists, else the built-in defaults (which are those of `config.example.toml`).
    """
    environ = os.environ if environ is None else environ
    explicit = path if path is not None else environ.get(CONFIG_ENV)
    data: dict[str, Any] = {}
    origin = "(defaults)"
    if explicit:
        file = Path(explicit)
        if not file.is_file():
            raise ConfigError(f"config file not found: {file}")
    elif DEFAULT_CONFIG_FILE.is_file():
        file = DEFAULT_CONFIG_FILE
    else:
        file = None
    if file is not None:
        origin = str(file)
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{origin}: cannot read the file: {exc}") from None
    _apply_env(data, environ)
    for message in unknown_env_warnings(environ):
        log.warning("%s", message)
    try:
        settings = Settings.model_validate(
            data, context={"base": file.parent if file is not None else None}
        )
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise ConfigError(_format_error(first, data, origin)) from None
    settings._source = origin
    settings._environ = environ
    # Touch every secret once so a placeholder fails now, not in the middle of a round.
    for name in SECRETS:
        settings.secret(name)
    return settings
