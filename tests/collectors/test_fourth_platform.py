"""A fourth platform added as the README's "Adding a collector" says, and nothing else edited.

Everything the new platform needs is in this file: its registry entry (`PLATFORM`), its
collector (`ChirpCollector`, over real HTTP with `requests` as its client library) and a
small stand-in server (`ChirpServer`, the sandbox's part). The test then drives the
service as a user would: the config section and its secret, the `people import` CSV column,
`accounts add` with the platform's handle rule, `collect` (a first round, then a deletion
found by the runner's own count trigger and batch look-up), `accounts list`, the scheduler's
plan, the review queue's collection state and the account's web address. None of those
modules names the platform: they read the registry.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlmodel import Session, select
from typer.testing import CliRunner

from collectors.base import (
    AccountRef,
    AccountUnavailable,
    Collector,
    Lookup,
    NormalisedPost,
    Profile,
    Timeline,
)
from collectors.http import mount
from collectors.retry import RetryHint
from socialaudit import platforms
from socialaudit.errors import UsageError
from socialaudit.models import Account, AccountStatus, CollectionRun, DeletionCause, Post
from socialaudit.stopping import interruptible_sleep

NAME = "chirp"
API = "https://api.chirp.example"
API_KEY = "chirp-test-key-5b1e"


# --- 1. The registry entry ------------------------------------------------------------------


def _handle(handle: str) -> tuple[str, str | None]:
    if not re.fullmatch(r"[a-z0-9]{2,20}", handle.lower()):
        raise UsageError(f"handle: a Chirp handle is 2-20 letters or digits, got {handle!r}")
    return handle.lower(), None


PLATFORM = platforms.PlatformSpec(
    name=NAME,
    display_name="Chirp",
    collector=f"{__name__}:ChirpCollector",
    id_rule="the numeric account id",
    handle_example="chirpname",
    normalise_handle=_handle,
    profile_url=lambda handle, _id, _instance: f"https://chirp.example/{handle}",
    post_url=lambda handle, post_id: f"https://chirp.example/{handle}/{post_id}",
    config_fields={"page_size": (int, 20), "api_key_file": (Path | None, None)},
    secrets=(
        platforms.PlatformSecret(
            "chirp_api_key", "SOCIALAUDIT_CHIRP_API_KEY", "api_key_file", "the Chirp API key"
        ),
    ),
    rate_limit_headers=("Chirp-Limit-Remaining", "Chirp-Limit-Reset"),
)


# --- 2. The collector -----------------------------------------------------------------------


def transform_post(raw: dict[str, Any], handle: str) -> NormalisedPost:
    return NormalisedPost(
        platform_id=str(raw["id"]),
        author_id=str(raw["author"]),
        created_at=datetime.fromisoformat(raw["at"]),
        text=raw["text"],
        url=PLATFORM.post_url(handle, str(raw["id"])),
        version_key=raw["text"],
        raw={**raw, "handle": handle},
    )


def transform_profile(raw: dict[str, Any]) -> Profile:
    return Profile(
        platform_id=str(raw["id"]),
        handle=raw["handle"],
        display_name=raw["name"],
        bio=raw["bio"],
        post_count=raw["posts"],
        raw=raw,
    )


class ChirpCollector(Collector):
    platform = NAME
    profile_batch = 1
    lookup_batch = 20

    def __init__(
        self, settings: Any, *, sleep: Callable[[float], None] = interruptible_sleep
    ) -> None:
        super().__init__(settings, sleep=sleep)
        key = settings.secret("chirp_api_key")
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {key.get_secret_value() if key else ''}"
        self.adapter = mount(
            self.http,
            prefix=API,
            base_url=self.config.base_url,
            timeout=self.config.timeout_seconds,
            limit_headers=PLATFORM.rate_limit_headers,
        )
        self.budget.rate_limits = self.adapter.limits

    @staticmethod
    def classify(error: BaseException) -> RetryHint | None:
        if isinstance(error, requests.HTTPError) and error.response is not None:
            return RetryHint() if error.response.status_code >= 500 else None
        return RetryHint() if isinstance(error, requests.RequestException) else None

    def _get(self, endpoint: str, path: str, **params: Any) -> Any:
        def send() -> Any:
            response = self.http.get(API + path, params=params)
            if response.status_code == 404:
                return None
            response.raise_for_status()
            return response.json()

        return self.seam.call(endpoint, send)

    @staticmethod
    def post_from_raw(raw: dict[str, Any]) -> NormalisedPost:
        return transform_post(raw, raw["handle"])

    @staticmethod
    def profile_from_raw(raw: dict[str, Any]) -> Profile:
        return transform_profile(raw)

    def resolve(self, account: AccountRef) -> Profile:
        found = self._get("users.by_handle", f"/users/by-handle/{account.handle}")
        if found is None:
            raise AccountUnavailable(AccountStatus.NOT_FOUND, "no such Chirp account")
        return transform_profile(found)

    def fetch_profiles(
        self, accounts: Sequence[AccountRef]
    ) -> dict[str, Profile | AccountUnavailable]:
        out: dict[str, Profile | AccountUnavailable] = {}
        for account in accounts:
            found = self._get("users.get", f"/users/{account.platform_id}")
            out[account.platform_id or ""] = (
                transform_profile(found)
                if found
                else AccountUnavailable(AccountStatus.NOT_FOUND, "gone")
            )
        return out

    def fetch_posts(
        self, account: AccountRef, *, known: Callable[[str], bool], max_pages: int
    ) -> Timeline:
        page = self._get(
            "users.posts", f"/users/{account.platform_id}/posts", limit=self.config.page_size
        )
        posts = [transform_post(raw, account.handle) for raw in page["posts"]]
        return Timeline(posts=posts, since_id=posts[0].platform_id if posts else None, pages=1)

    def lookup_posts(self, ids: Sequence[str]) -> Lookup:
        answer = self._get("posts.lookup", "/posts", ids=",".join(ids))
        found = {str(p["id"]): transform_post(p, p["handle"]) for p in answer["posts"]}
        return Lookup(found=found, missing={i: DeletionCause.DELETED for i in answer["missing"]})


# --- 3. The stand-in server (the sandbox's part) ---------------------------------------------


class ChirpServer:
    """Chirp's API in miniature: one account with posts; a post can be deleted."""

    def __init__(self) -> None:
        self.account = {"id": "700123", "handle": "anachirps", "name": "Ana", "bio": "Press"}
        self.posts = {
            "91": {"text": "First chirp", "at": "2026-11-30T09:00:00+00:00"},
            "92": {"text": "Second chirp", "at": "2026-12-01T09:00:00+00:00"},
        }
        self.authorised: list[bool] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.authorised.append(self.headers.get("Authorization") == f"Bearer {API_KEY}")
                status, body = server.answer(self.path)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Chirp-Limit-Remaining", "99")
                self.send_header("Chirp-Limit-Reset", "1893456000")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"

    def _post(self, post_id: str) -> dict[str, Any]:
        handle = self.account["handle"]
        return {
            "id": post_id,
            "author": self.account["id"],
            "handle": handle,
            **self.posts[post_id],
        }

    def answer(self, path: str) -> tuple[int, Any]:
        parts = urlsplit(path)
        profile = {**self.account, "posts": len(self.posts)}
        if parts.path == f"/users/by-handle/{self.account['handle']}":
            return 200, profile
        if parts.path == f"/users/{self.account['id']}":
            return 200, profile
        if parts.path == f"/users/{self.account['id']}/posts":
            newest = sorted(self.posts, reverse=True)
            return 200, {"posts": [self._post(i) for i in newest]}
        if parts.path == "/posts":
            ids = parse_qs(parts.query)["ids"][0].split(",")
            return 200, {
                "posts": [self._post(i) for i in ids if i in self.posts],
                "missing": [i for i in ids if i not in self.posts],
            }
        return 404, {"error": "not found"}

    def __enter__(self) -> ChirpServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- The test -------------------------------------------------------------------------------


@pytest.fixture
def chirp() -> Iterator[ChirpServer]:
    platforms.register(PLATFORM)
    try:
        with ChirpServer() as server:
            yield server
    finally:
        platforms.unregister(NAME)


def run(runner: CliRunner, *args: str, code: int = 0) -> str:
    from socialaudit.cli import app

    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    return result.output


def test_a_fourth_platform_is_one_registry_entry_one_collector_one_server(
    chirp: ChirpServer,
    runner: CliRunner,
    cli_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from collectors.runner import enabled_platforms
    from reports.links import account_url
    from socialaudit.config import load_settings
    from socialaudit.db import make_engine
    from socialaudit.pipeline.scheduler import plan
    from socialaudit.registry import csv_account_columns
    from socialaudit.web.queries import collection_state

    # The config section: its own key, validated; a typo is one line and exit 2.
    config = tmp_path / "socialaudit.toml"
    config.write_text(f'[platforms.{NAME}]\nbase_url = "{chirp.url}"\npage_sise = 5\n')
    typo = run(runner, "--config", str(config), "people", "list", code=2)
    assert f"unknown key 'platforms.{NAME}.page_sise'; did you mean 'page_size'?" in typo
    config.write_text(f'[platforms.{NAME}]\nbase_url = "{chirp.url}"\npage_size = 5\n')
    monkeypatch.setenv("SOCIALAUDIT_CONFIG", str(config))
    monkeypatch.setenv("SOCIALAUDIT_CHIRP_API_KEY", API_KEY)
    for other in platforms.names():
        if other != NAME:  # no stray rounds against platforms nobody serves here
            monkeypatch.setenv(f"SOCIALAUDIT_PLATFORMS_{other.upper()}_ENABLED", "false")
    settings = load_settings()
    assert settings.platforms.section(NAME).page_size == 5
    assert enabled_platforms(settings) == [NAME]

    # The CSV of `people import` has its column; `accounts add` applies its handle rule.
    assert NAME in csv_account_columns()
    people = tmp_path / "people.csv"
    people.write_text(f"name,email,{NAME}\nAna Lima,ana@example.org,@AnaChirps\n")
    imported = run(runner, "people", "import", str(people))
    assert "1 created" in imported and "1 account" in imported, imported
    bad = run(runner, "accounts", "add", "Ana Lima", "-p", NAME, "--handle", "a b", code=2)
    assert "a Chirp handle is 2-20 letters or digits" in bad
    unknown = run(runner, "accounts", "add", "Ana Lima", "-p", "nowhere", "--handle", "x", code=2)
    assert NAME in unknown

    # A round over real HTTP: the account resolved, two posts stored once, the limits kept.
    first = run(runner, "collect", "--platform", NAME)
    assert NAME in first and " ok " in first, first
    again = run(runner, "collect", "--platform", NAME)
    assert " ok " in again
    assert chirp.authorised and all(chirp.authorised)  # the secret reached the client
    engine = make_engine(cli_env["SOCIALAUDIT_DATABASE_URL"])
    try:
        with Session(engine) as session:
            account = session.exec(select(Account).where(Account.platform == NAME)).one()
            assert (account.handle, account.platform_id, account.status) == (
                "anachirps",
                "700123",
                AccountStatus.OK,
            )
            posts = session.exec(select(Post).where(Post.platform == NAME)).all()
            assert sorted(p.platform_id for p in posts) == ["91", "92"]
            assert {p.url for p in posts} == {
                "https://chirp.example/anachirps/91",
                "https://chirp.example/anachirps/92",
            }
            run_row = session.exec(
                select(CollectionRun).where(CollectionRun.platform == NAME)
            ).first()
            assert run_row is not None
            assert run_row.rate_limits["/users/:id/posts"] == {
                "chirp-limit-remaining": "99",
                "chirp-limit-reset": "1893456000",
            }

        # A deletion: the count drops, the runner sweeps with the batch look-up, and marks it.
        del chirp.posts["91"]
        run(runner, "collect", "--platform", NAME)
        with Session(engine) as session:
            gone = session.exec(
                select(Post).where(Post.platform == NAME, Post.platform_id == "91")
            ).one()
            kept = session.exec(
                select(Post).where(Post.platform == NAME, Post.platform_id == "92")
            ).one()
            assert gone.deleted_at is not None and gone.deletion_cause == DeletionCause.DELETED
            assert kept.deleted_at is None

            # The status the review queue shows, per platform, includes it.
            state = {s["platform"]: s for s in collection_state(session)}
            assert state[NAME]["status"] == "ok"
    finally:
        engine.dispose()

    listing = run(runner, "accounts", "list", "--platform", NAME)
    assert "anachirps" in listing and "700123" in listing
    assert f"collect-{NAME}" in {job.id for job in plan(settings)}
    assert account_url(NAME, "anachirps", "700123", None) == "https://chirp.example/anachirps"
    assert platforms.display_name(NAME) == "Chirp"


def test_the_fourth_platform_leaves_with_its_config_section(chirp: ChirpServer) -> None:
    """Unregistered, its section and secret go too (the other tests see three platforms)."""
    from socialaudit.config import SECRETS, Settings

    assert NAME in Settings().platforms.model_dump() and "chirp_api_key" in SECRETS
    platforms.unregister(NAME)
    assert NAME not in Settings().platforms.model_dump() and "chirp_api_key" not in SECRETS
    platforms.register(PLATFORM)  # for the fixture's own unregister
