"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is found at $SOCIALAUDIT_TEST_POSTGRES_URL (default: 127.0.0.1:5432, database
`test`, trust auth). Each pytest process creates its own scratch database there, so parallel
runs never see each other's rows, and drops it at the end. With CI=true a missing PostgreSQL
fails the run instead of skipping: CI must prove the production store.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel
from typer.testing import CliRunner

from socialaudit.db import make_engine, upgrade

PG_URL = os.environ.get(
    "SOCIALAUDIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
BACKENDS = ["sqlite", "postgres"]


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"PostgreSQL is required in CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not reachable ({reason}); set SOCIALAUDIT_TEST_POSTGRES_URL")


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    url = make_url(PG_URL)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except Exception as exc:
        _unavailable(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        engine.dispose()
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_database(pg_admin_url: str) -> Iterator[str]:
    """A scratch database for this pytest process, migrated to head."""
    name = f"socialaudit_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per process; each test gets a copy."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _empty_tables(engine: Engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        # The scheduler's job store is APScheduler's table, outside our metadata.
        conn.execute(sa.text("DROP TABLE IF EXISTS apscheduler_jobs"))


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database at the newest schema, once per backend."""
    if request.param == "sqlite":
        path = tmp_path / "socialaudit.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("pg_database")
    yield url
    engine = make_engine(url)
    _empty_tables(engine)
    engine.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def cli_env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment for CLI tests: this test's database, no stray config or secrets."""
    for name in list(os.environ):
        if name.startswith("SOCIALAUDIT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    env = {"SOCIALAUDIT_DATABASE_URL": db_url, "COLUMNS": "200"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


CHROMIUM = os.environ.get("SOCIALAUDIT_TEST_CHROMIUM", "/usr/bin/chromium")
# Debian's chromium as installed, never a downloaded browser; background networking off
# because this machine's network is closed.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """A headless Chromium driven by Playwright; skips on a laptop without it, fails in CI."""
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        reason = f"{CHROMIUM} not found; install Debian's chromium"
        if IN_CI:
            pytest.fail(f"headless Chromium is required in CI: {reason}", pytrace=False)
        pytest.skip(f"headless Chromium not available ({reason})")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def sqlite_engine(sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """A fresh SQLite database at head, for tests whose subject is not the database."""
    path = tmp_path / "single.db"
    shutil.copy(sqlite_template, path)
    eng = make_engine(f"sqlite:///{path}")
    yield eng
    eng.dispose()


@pytest.fixture
def sandbox_world():
    """A freshly seeded sandbox world (sandbox/seed.py), clock at its start."""
    from sandbox.seed import build_world

    return build_world()


@pytest.fixture
def sandbox(sandbox_world):
    """The sandbox HTTP server on a free loopback port, serving `sandbox_world`."""
    from sandbox.server import Sandbox

    with Sandbox(sandbox_world) as box:
        yield box


@pytest.fixture(autouse=True)
def _service_stop_flag_cleared():
    """A test that stops a service in-process must not leave later jobs thinking they stop."""
    yield
    from socialaudit.stopping import STOP

    STOP.clear()
