"""A `requests` transport adapter for client libraries whose host or time-out we cannot set.

tweepy fixes its host (`https://api.twitter.com`) and sends without a time-out; Mastodon.py
takes a session but reads rate-limit headers only into its own attributes. Mounting this
adapter on the library's own `requests.Session` gives, without patching the library:

- a redirect of every request under `prefix` to `base_url` (the sandbox, a proxy);
- a default time-out for libraries that send none;
- a record of the platform's rate-limit headers, per endpoint path, for the round's budget
  and for the retry seam (Mastodon.py's rate-limit exception carries no reset time).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

_ID_SEGMENT = re.compile(r"/[0-9]{5,}(?=/|$)")
_NAME_SEGMENT = re.compile(r"(/by/username)/[^/]+")


def endpoint_path(url: str) -> str:
    """A URL's path with ids and names folded (`/2/users/123/tweets` -> `/2/users/:id/tweets`)."""
    path = _ID_SEGMENT.sub("/:id", urlsplit(url).path)
    return _NAME_SEGMENT.sub(r"\1/:username", path)


class RewritingAdapter(HTTPAdapter):
    """Redirects `prefix` to `base_url`, applies a default time-out, records limit headers."""

    def __init__(
        self,
        *,
        prefix: str,
        base_url: str | None,
        timeout: float,
        limit_headers: Iterable[str],
    ) -> None:
        super().__init__()
        self.prefix = prefix.rstrip("/")
        self.base_url = base_url.rstrip("/") if base_url else None
        self.timeout = timeout
        self.limit_headers = tuple(h.lower() for h in limit_headers)
        # endpoint path -> the latest rate-limit headers seen for it
        self.limits: dict[str, dict[str, str]] = {}
        self.last_limits: dict[str, str] = {}

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        url = request.url or ""
        if self.base_url and url.startswith(self.prefix):
            request.url = self.base_url + url[len(self.prefix) :]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        response = super().send(request, **kwargs)
        seen = {
            name: response.headers[name] for name in self.limit_headers if name in response.headers
        }
        if seen:
            self.limits[endpoint_path(url)] = seen
            self.last_limits = seen
        return response


def mount(
    session: requests.Session,
    *,
    prefix: str,
    base_url: str | None,
    timeout: float,
    limit_headers: Iterable[str],
) -> RewritingAdapter:
    """Mount a `RewritingAdapter` for `prefix` on `session` and return it."""
    adapter = RewritingAdapter(
        prefix=prefix, base_url=base_url, timeout=timeout, limit_headers=limit_headers
    )
    session.mount(prefix, adapter)
    return adapter
