"""`socialaudit serve` and `socialaudit users ...`: the browser app and who may sign in."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import select

from socialaudit.cli import console, get_app
from socialaudit.config import CONFIG_ENV
from socialaudit.db import session_scope
from socialaudit.errors import UsageError
from socialaudit.models import User, UserRole
from socialaudit.users import add_user, audit, find_user

users = typer.Typer(help="Web app users and their roles.", no_args_is_help=True)


def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Address to listen on ([web] host).")] = None,
    port: Annotated[int | None, typer.Option(help="Port ([web] port).")] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes (one per core uses every core).")
    ] = 1,
) -> None:
    """Serve the review queue, status and each person's page in the browser."""
    import uvicorn

    from socialaudit.web.app import create_app

    app = get_app(ctx)
    web = app.settings.web
    options = {
        "host": host or web.host,
        "port": port or web.port,
        "proxy_headers": False,
        "log_level": "info",
    }
    if workers == 1:
        uvicorn.run(create_app(app.settings, app.engine), **options)
        return
    # Each worker process builds its own app from the same configuration file; a database
    # that does not exist is refused here, in one line, rather than in every worker.
    from socialaudit.db import require_existing

    require_existing(app.settings.database.sqlalchemy_url)
    config = ctx.find_root().obj["config"]
    if config:
        os.environ[CONFIG_ENV] = str(Path(config).resolve())
    uvicorn.run("socialaudit.web.app:from_environment", factory=True, workers=workers, **options)


@users.command("add")
def users_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Sign-in name.")],
    role: Annotated[UserRole, typer.Option(help="reviewer, manager, person or admin.")],
    person: Annotated[
        str | None, typer.Option(help="For role person: the registered person they are.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    no_password: Annotated[
        bool, typer.Option("--no-password", help="Sign in only through the trusted proxy.")
    ] = False,
) -> None:
    """Create a web user (or change their role and password)."""
    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif not no_password:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if password is not None and not password:
        raise UsageError("password: empty; use --no-password for proxy sign-in only")
    with session_scope(get_app(ctx).engine) as session:
        user = add_user(session, name, role.value, password, person)
        audit(session, "cli", "user:add", user.name, role.value)
    console().print(f"user {name} ({role.value}) ready")


@users.command("list")
def users_list(ctx: typer.Context) -> None:
    """List web users."""
    with session_scope(get_app(ctx).engine) as session:
        rows = session.exec(select(User).order_by(User.name)).all()
    table = Table(title=f"{len(rows)} users")
    for column in ("name", "role", "active", "password"):
        table.add_column(column)
    for user in rows:
        table.add_row(
            user.name,
            user.role,
            "yes" if user.active else "no",
            "set" if user.password_hash else "proxy only",
        )
    console().print(table)


@users.command("disable")
def users_disable(ctx: typer.Context, name: Annotated[str, typer.Argument()]) -> None:
    """Stop a user from signing in (their sessions end at once)."""
    with session_scope(get_app(ctx).engine) as session:
        user = find_user(session, name)
        user.active = False
        session.add(user)
        audit(session, "cli", "user:disable", name)
    console().print(f"user {name} disabled")
