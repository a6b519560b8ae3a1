"""Public web addresses of accounts, built from their platform and handle (never from a bio)."""

from __future__ import annotations

from urllib.parse import quote


def account_url(
    platform: str | None, handle: str | None, platform_id: str | None, instance: str | None
) -> str | None:
    """The account's own page on its platform, or None when it cannot be built.

    Handles are untrusted: each part is percent-encoded (a bidi control or a slash in a
    handle cannot change where the link goes)."""
    handle = (handle or "").strip().lstrip("@")
    if not handle and not platform_id:
        return None
    if platform == "x":
        return f"https://x.com/{quote(handle, safe='')}" if handle else None
    if platform == "bluesky":
        return f"https://bsky.app/profile/{quote(platform_id or handle, safe=':.')}"
    if platform == "mastodon":
        user, _, server = handle.partition("@")
        server = (server or instance or "").strip()
        if not user or not server or any(c in server for c in "/?#@\\ "):
            return None
        return f"https://{quote(server, safe='.-:')}/@{quote(user, safe='')}"
    return None
