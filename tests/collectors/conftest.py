"""Fixtures for collector tests: the sandbox's people registered, settings pointing at it."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from sandbox.seed import people_csv
from socialaudit.config import Settings, load_settings
from socialaudit.db import session_scope
from socialaudit.registry import import_people_csv


def sandbox_environ(url: str, db_url: str, **overrides: str) -> dict[str, str]:
    """Environment for settings that read every platform from the sandbox, impatiently."""
    # One account at a time: the injected faults hit the Nth call to an endpoint, so these
    # tests need the calls in order (tests/collectors/test_pool.py runs them concurrently).
    env = {"SOCIALAUDIT_DATABASE_URL": db_url, "SOCIALAUDIT_COLLECTION_CONCURRENCY": "1"}
    for platform in ("x", "bluesky", "mastodon"):
        prefix = f"SOCIALAUDIT_PLATFORMS_{platform.upper()}_"
        env |= {
            prefix + "BASE_URL": url,
            prefix + "TIMEOUT_SECONDS": "2",
            prefix + "MAX_RETRIES": "3",
            prefix + "BACKOFF_SECONDS": "0.05",
            prefix + "MAX_BACKOFF_SECONDS": "3",
        }
    return env | overrides


@pytest.fixture
def settings(sandbox, db_url: str, tmp_path, monkeypatch) -> Settings:
    monkeypatch.chdir(tmp_path)  # no stray socialaudit.toml
    return load_settings(environ=sandbox_environ(sandbox.url, db_url))


@pytest.fixture
def registered(engine: Engine, sandbox_world) -> Engine:
    """The engine, with every sandbox person and handle registered (as the demo does)."""
    with session_scope(engine) as session:
        import_people_csv(session, people_csv(sandbox_world))
    return engine
