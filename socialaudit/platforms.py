"""The platform registry: everything the service knows about a platform, in one entry each.

A platform is one collector module (`collectors/NAME.py`), one sandbox module
(`sandbox/NAME.py`) and one `PlatformSpec` here. The rest of the service iterates `PLATFORMS`
instead of naming a platform: the stored `platform` value, the `--platform` choices, the CSV
column of `people import`, the `[platforms.NAME]` config section and its secrets, the
scheduler's collect jobs, the status tables, the rate-limit headers kept per round, and the
web addresses of a profile and of a post. `tests/test_platform_names.py` fails when a
platform's name appears anywhere else.

The entries are data (and small pure functions); this module imports nothing of the service
above the core, so every layer may read it. The collector is named as "module:Class" and
imported only by `collectors.runner`, which keeps the core below the collectors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from socialaudit.errors import UsageError


@dataclass(frozen=True)
class PlatformSecret:
    """A credential of the platform: read from `env`, else from the file named by the
    section's `file_field` (`[platforms.NAME] file_field = "/run/secrets/..."`)."""

    name: str
    env: str
    file_field: str
    what: str

    @property
    def key_hint(self) -> str:
        """The key someone would write with the secret itself in it (`bearer_token`)."""
        return self.file_field.removesuffix("_file")


@dataclass(frozen=True)
class ArchiveFormat:
    """An export of the platform that `socialaudit import COMMAND SOURCE` reads.

    `reader` is "module:function" in the collectors, `(settings, source) ->
    collectors.importing.ArchiveRead`; it raises UsageError for an unreadable source.
    """

    command: str
    summary: str
    source_help: str
    reader: str


@dataclass(frozen=True)
class PlatformSpec:
    """One platform, as the service sees it.

    `name` is the stored value of `platform` columns, the `--platform` choice, the CSV column
    and the config section; it never changes once data is stored under it.
    """

    name: str
    display_name: str
    # "module:Class" of the `collectors.base.Collector` subclass (imported by the runner).
    collector: str
    # What the stable account id is (DESIGN principle 1), for docs and `--id` help.
    id_rule: str
    # An example handle for help texts ("@user").
    handle_example: str
    # (handle as stored, instance or None) from a handle already stripped of spaces and "@";
    # raises UsageError naming what a handle on this platform looks like.
    normalise_handle: Callable[[str], tuple[str, str | None]]
    # The account's own page: (handle, platform id, instance) -> URL, or None.
    profile_url: Callable[[str, str | None, str | None], str | None]
    # A post's page: (author handle, post platform id) -> URL, or None.
    post_url: Callable[[str, str], str | None]
    # Extra keys of `[platforms.NAME]` beyond `config.PlatformConfig`'s: key -> (type, default).
    config_fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    secrets: tuple[PlatformSecret, ...] = ()
    # Response headers that carry the rate-limit window, kept per endpoint on every round.
    rate_limit_headers: tuple[str, ...] = ()
    # The exports `socialaudit import` reads (one command each).
    archives: tuple[ArchiveFormat, ...] = ()
    # Whether a later version's id names the post (an edit chain whose every id is a post id):
    # the store then resolves relations that name a later id to the post's first id.
    version_ids_name_post: bool = False

    @property
    def csv_column(self) -> str:
        """The `people import` column holding this platform's handles (space separated)."""
        return self.name

    @property
    def config_section(self) -> str:
        return f"platforms.{self.name}"


PLATFORMS: dict[str, PlatformSpec] = {}

# Called with (spec, True) for each platform added after import and (spec, False) for each
# removed: the settings model adds or drops its config section and secrets.
_LISTENERS: list[Callable[[PlatformSpec, bool], None]] = []


def register(spec: PlatformSpec) -> PlatformSpec:
    """Add a platform; registering the same name again replaces its entry.

    The three platforms below are registered here, at import; a platform kept elsewhere
    (a plug-in, a test) registers before the command line or the service is built."""
    if not re.fullmatch(r"[a-z][a-z0-9]{0,19}", spec.name):
        raise ValueError(
            f"platform name: expected 1-20 lower-case letters or digits, got {spec.name!r}"
        )
    PLATFORMS[spec.name] = spec
    for listener in _LISTENERS:
        listener(spec, True)
    return spec


def unregister(name: str) -> None:
    """Remove a platform (tests that add one take it away again)."""
    spec = PLATFORMS.pop(name, None)
    if spec is not None:
        for listener in _LISTENERS:
            listener(spec, False)


def on_change(listener: Callable[[PlatformSpec, bool], None]) -> None:
    _LISTENERS.append(listener)


def names() -> list[str]:
    """Every platform's name, in registry order."""
    return list(PLATFORMS)


def specs() -> Iterator[PlatformSpec]:
    return iter(list(PLATFORMS.values()))


def get(name: str) -> PlatformSpec:
    """The entry for `name`; UsageError naming the known ones otherwise."""
    spec = PLATFORMS.get(name)
    if spec is None:
        raise UsageError(f"platform: expected one of {', '.join(PLATFORMS)}; got {name!r}")
    return spec


def either(words: list[str]) -> str:
    """ "a, b or c": for help texts that list every platform."""
    return " or ".join(filter(None, [", ".join(words[:-1]), *words[-1:]]))


def display_name(name: str | None) -> str:
    """How people read the platform's name ("Bluesky"), or the name itself if unknown."""
    spec = PLATFORMS.get(name or "")
    return spec.display_name if spec else (name or "")


# --- The three platforms -------------------------------------------------------------------


def _x_handle(handle: str) -> tuple[str, str | None]:
    if not re.fullmatch(r"[A-Za-z0-9_]{1,15}", handle):
        raise UsageError(f"handle: an X handle is 1-15 letters, digits or '_', got {handle!r}")
    return handle, None


def _x_profile(handle: str, platform_id: str | None, instance: str | None) -> str | None:
    return f"https://x.com/{quote(handle, safe='')}" if handle else None


def _x_post(handle: str, post_id: str) -> str:
    return f"https://x.com/{handle or 'i'}/status/{post_id}"


def _bluesky_handle(handle: str) -> tuple[str, str | None]:
    handle = handle.lower()
    if not (handle.startswith("did:") or "." in handle):
        raise UsageError(
            f"handle: a Bluesky handle is a domain (such as ana.bsky.social) or a DID, "
            f"got {handle!r}"
        )
    return handle, None


def _bluesky_profile(handle: str, platform_id: str | None, instance: str | None) -> str | None:
    return f"https://bsky.app/profile/{quote(platform_id or handle, safe=':.')}"


def _bluesky_post(handle: str, post_id: str) -> str:
    """The post's page from its AT-URI (`at://did/app.bsky.feed.post/RKEY`)."""
    return f"https://bsky.app/profile/{handle}/post/{post_id.rsplit('/', 1)[-1]}"


def _mastodon_handle(handle: str) -> tuple[str, str | None]:
    user, sep, instance = handle.partition("@")
    if not sep or not user or not instance or "." not in instance:
        raise UsageError(
            f"handle: a Mastodon handle is user@instance (such as ana@mastodon.social), "
            f"got {handle!r}"
        )
    return f"{user}@{instance.lower()}", instance.lower()


def _mastodon_profile(handle: str, platform_id: str | None, instance: str | None) -> str | None:
    user, _, server = handle.partition("@")
    server = (server or instance or "").strip()
    if not user or not server or any(c in server for c in "/?#@\\ "):
        return None
    return f"https://{quote(server, safe='.-:')}/@{quote(user, safe='')}"


def _mastodon_post(handle: str, post_id: str) -> str | None:
    """The status page on the author's own instance (ids are per instance)."""
    user, _, server = handle.partition("@")
    return f"https://{server}/@{user}/{post_id}" if user and server else None


register(
    PlatformSpec(
        name="x",
        display_name="X",
        collector="collectors.x:XCollector",
        id_rule="the numeric user id",
        handle_example="@user",
        normalise_handle=_x_handle,
        profile_url=_x_profile,
        post_url=_x_post,
        config_fields={"bearer_token_file": (Path | None, None)},
        secrets=(
            PlatformSecret(
                "x_bearer_token",
                "SOCIALAUDIT_X_BEARER_TOKEN",
                "bearer_token_file",
                "the X API bearer token",
            ),
        ),
        rate_limit_headers=("x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"),
        archives=(
            ArchiveFormat(
                "x-archive",
                'Import an X "Download your archive" export of a registered account.',
                "The archive .zip from X, or its folder.",
                "collectors.x_archive:archive_import",
            ),
        ),
        version_ids_name_post=True,
    )
)
register(
    PlatformSpec(
        name="bluesky",
        display_name="Bluesky",
        collector="collectors.bluesky:BlueskyCollector",
        id_rule="the DID",
        handle_example="user.bsky.social",
        normalise_handle=_bluesky_handle,
        profile_url=_bluesky_profile,
        post_url=_bluesky_post,
        config_fields={"login": (str | None, None), "app_password_file": (Path | None, None)},
        secrets=(
            PlatformSecret(
                "bluesky_app_password",
                "SOCIALAUDIT_BLUESKY_APP_PASSWORD",
                "app_password_file",
                "the Bluesky app password",
            ),
        ),
        # None kept: atproto reads the RateLimit-* headers itself, into its exception.
        rate_limit_headers=(),
        archives=(
            ArchiveFormat(
                "bluesky-repo",
                "Import a Bluesky repository (a CAR export, or a DID's records) of a registered "
                "account.",
                "A repository export (.car file), or a DID to read from its PDS "
                "([platforms.bluesky] base_url).",
                "collectors.bluesky_repo:repo_import",
            ),
        ),
    )
)
register(
    PlatformSpec(
        name="mastodon",
        display_name="Mastodon",
        collector="collectors.mastodon:MastodonCollector",
        id_rule="the account id on its instance",
        handle_example="user@instance",
        normalise_handle=_mastodon_handle,
        profile_url=_mastodon_profile,
        post_url=_mastodon_post,
        config_fields={"access_token_file": (Path | None, None)},
        secrets=(
            PlatformSecret(
                "mastodon_access_token",
                "SOCIALAUDIT_MASTODON_ACCESS_TOKEN",
                "access_token_file",
                "the Mastodon access token",
            ),
        ),
        rate_limit_headers=("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"),
    )
)
