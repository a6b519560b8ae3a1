"""`socialaudit db ...`: schema migrations (also applied automatically on start)."""

from __future__ import annotations

from typing import Annotated

import typer

from socialaudit import db as store
from socialaudit.cli import console, get_app

app = typer.Typer(
    help="Database schema: upgrade, downgrade, show the revision.", no_args_is_help=True
)


def _engine(ctx: typer.Context, *, create: bool = False):
    """The configured database; only `upgrade` (create=True) may make a new SQLite file."""
    settings = get_app(ctx).settings
    if not create:
        store.require_existing(settings.database.sqlalchemy_url)
    return store.make_engine(settings.database.sqlalchemy_url), settings.database.safe_url


@app.command("upgrade")
def upgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply migrations up to REVISION (default: the newest); creates a new SQLite database."""
    engine, url = _engine(ctx, create=True)
    store.upgrade(engine, revision)
    console().print(f"{url}: at revision {store.current_revision(engine)}")
    engine.dispose()


@app.command("downgrade")
def downgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")],
) -> None:
    """Revert migrations down to REVISION."""
    engine, url = _engine(ctx)
    store.downgrade(engine, revision)
    console().print(f"{url}: at revision {store.current_revision(engine)}")
    engine.dispose()


@app.command("current")
def current(ctx: typer.Context) -> None:
    """Show the database's revision and the newest one available."""
    engine, url = _engine(ctx)
    console().print(
        f"{url}: at revision {store.current_revision(engine)}, newest {store.head_revision(engine)}"
    )
    engine.dispose()
