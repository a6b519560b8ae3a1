"""Alembic environment: one metadata (SQLModel's), batch mode for SQLite.

The engine comes from the caller (`socialaudit.db.upgrade` passes it in `attributes`) or,
for the `alembic` command line, from socialaudit's settings.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

import socialaudit.models  # noqa: F401  (registers every table on the metadata)
from alembic import context
from socialaudit.models import CompressedJSON, UTCDateTime

config = context.config
target_metadata = SQLModel.metadata


def render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Write our column types as the plain types they are stored as."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, CompressedJSON):
        return "sa.LargeBinary()"
    return False


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Leave alone tables that are not ours (APScheduler's job store lives in the same DB)."""
    return not (
        type_ == "table" and reflected and compare_to is None and name not in target_metadata.tables
    )


def _engine() -> sa.Engine:
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine
    from socialaudit.config import load_settings
    from socialaudit.db import make_engine

    return make_engine(load_settings().database.sqlalchemy_url)


def run_migrations_offline() -> None:
    from socialaudit.config import load_settings

    context.configure(
        url=load_settings().database.sqlalchemy_url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = _engine()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a column by copying the table and dropping the old one, and with
            # foreign keys on that drop cascades: dropping `person.country` would delete
            # every account and post. Off for the migration (outside any transaction, where
            # SQLite honours it), then on again.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            render_item=render_item,
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
