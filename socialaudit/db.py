"""Engines, sessions and migrations for SQLite (embedded default) and PostgreSQL.

Migrations run through Alembic's API so that `socialaudit db upgrade`, the automatic upgrade
on start and the tests all apply the very same scripts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from alembic import command
from socialaudit.errors import ConfigError

log = logging.getLogger(__name__)

_PROJECT_ROOT = Path(__file__).resolve().parent.parent


def migrations_dir() -> Path:
    """The Alembic scripts: the top-level `alembic/` in a checkout, or the packaged copy."""
    for candidate in (_PROJECT_ROOT / "alembic", Path(__file__).parent / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("the Alembic migration scripts are missing from this installation")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`; a SQLite file's folder is created, foreign keys are enforced."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        return engine
    return sa.create_engine(parsed, pool_pre_ping=True)


def missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file `url` names when it does not exist yet; None for anything else
    (an existing file, memory, PostgreSQL: a server's database is made by its admin)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database)
    return None if path.exists() else path


def require_existing(url: str) -> None:
    """Refuse to open a SQLite database that does not exist yet, saying where it would have
    been and how to create it: a command run in the wrong folder must not quietly start an
    empty database (and write empty reports from it). Only `socialaudit db upgrade` and
    `socialaudit demo` create one."""
    path = missing_sqlite_file(url)
    if path is not None:
        raise ConfigError(
            f"no database at {path.resolve()}: create it with `socialaudit db upgrade` "
            "(same --config and environment), or set [database] url / "
            "SOCIALAUDIT_DATABASE_URL to the existing one"
        )


def alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def ensure_schema(engine: Engine) -> None:
    """Upgrade to the newest schema if the database is behind (the automatic upgrade)."""
    if current_revision(engine) != head_revision(engine):
        log.info("upgrading the database schema to %s", head_revision(engine))
        upgrade(engine)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
