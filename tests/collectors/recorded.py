"""Real platform responses replayed through the client libraries and the collectors.

`../shared/data/recorded/` holds response bodies the real X API v2, Bluesky AppView and
Mastodon sent (other projects' recordings; see its README), each with a `.meta.json` giving
the request, status and headers. Nothing is copied into the repository: tests read them
from there, and skip with the reason when the folder is absent (a fresh clone), except
with CI=true, where a missing folder fails the run.

A replay answers every request of one client with one recording (status, headers and body
as recorded), below the client library: tweepy and Mastodon.py get a `requests` transport
adapter on their own session, the atproto SDK an `httpx.MockTransport` in its own client.
The library parses the bytes as it would parse the platform's, and the collector reads what
the library gives it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from requests.adapters import BaseAdapter

from tests.conftest import IN_CI

RECORDED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "recorded"
REPLAY_URL = "http://replay.test"


def recorded_dir() -> Path:
    """The recordings' folder; skip (or, in CI, fail) when it is absent."""
    if not (RECORDED / "index.json").is_file():
        reason = f"{RECORDED.resolve()} is absent: the recorded platform responses are not here"
        if IN_CI:
            pytest.fail(f"the shared data is required in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    return RECORDED


@cache
def names() -> list[str]:
    """Every recording as `platform/name` (no `.json`); empty when the folder is absent."""
    index = RECORDED / "index.json"
    if not index.is_file():
        return []
    return sorted(entry["file"].removesuffix(".json") for entry in json.loads(index.read_text()))


@dataclass(frozen=True)
class Recording:
    name: str
    body: bytes
    meta: dict[str, Any]

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def status(self) -> int:
        return int(self.meta["response"]["status"])

    @property
    def headers(self) -> dict[str, str]:
        headers = dict(self.meta["response"].get("headers") or {})
        headers.setdefault("content-type", "application/json; charset=utf-8")
        return headers

    @property
    def path(self) -> str:
        return self.meta["request"]["path"]

    @property
    def query(self) -> dict[str, Any]:
        return self.meta["request"].get("query") or {}


def load(name: str) -> Recording:
    folder = recorded_dir()
    return Recording(
        name=name,
        body=(folder / f"{name}.json").read_bytes(),
        meta=json.loads((folder / f"{name}.meta.json").read_text()),
    )


class ReplayAdapter(BaseAdapter):
    """A `requests` transport that answers every request with one recording."""

    def __init__(self, recording: Recording) -> None:
        super().__init__()
        self.recording = recording
        self.requests: list[str] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.requests.append(request.url or "")
        response = requests.Response()
        response.status_code = self.recording.status
        response.headers = requests.structures.CaseInsensitiveDict(self.recording.headers)
        response._content = self.recording.body
        response.encoding = "utf-8"
        response.url = request.url or ""
        response.request = request
        response.reason = "recorded"
        return response

    def close(self) -> None:
        pass


def httpx_replay(recording: Recording, seen: list[str]) -> httpx.Client:
    """An httpx client (for the atproto SDK) that answers every request with `recording`."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(recording.status, headers=recording.headers, content=recording.body)

    return httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True)
