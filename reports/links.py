"""Public web addresses of accounts, built from their platform and handle (never from a bio).

Each platform's address is its registry entry's `profile_url` (`socialaudit.platforms`).
"""

from __future__ import annotations

from socialaudit import platforms


def account_url(
    platform: str | None, handle: str | None, platform_id: str | None, instance: str | None
) -> str | None:
    """The account's own page on its platform, or None when it cannot be built.

    Handles are untrusted: each part is percent-encoded (a bidi control or a slash in a
    handle cannot change where the link goes)."""
    handle = (handle or "").strip().lstrip("@")
    if not handle and not platform_id:
        return None
    spec = platforms.PLATFORMS.get(platform or "")
    return spec.profile_url(handle, platform_id, instance) if spec is not None else None
