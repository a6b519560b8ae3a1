"""`socialaudit accounts ...`: which platform accounts belong to which registered person."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import select

from socialaudit import platforms
from socialaudit.cli import console, get_app
from socialaudit.cli.options import OptionalPlatform, PlatformOption
from socialaudit.db import session_scope
from socialaudit.models import Account, Person
from socialaudit.registry import add_account, find_account, find_person

app = typer.Typer(help="Register the accounts that are collected.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="The registered person's name or e-mail.")],
    platform: PlatformOption,
    handle: Annotated[
        str,
        typer.Option(
            "--handle", help=platforms.either([s.handle_example for s in platforms.specs()]) + "."
        ),
    ],
    platform_id: Annotated[
        str | None,
        typer.Option("--id", help="The stable platform id, if known (else resolved on collect)."),
    ] = None,
) -> None:
    """Register an account of a person. Adding the same account again changes nothing."""
    with session_scope(get_app(ctx).engine) as session:
        owner = find_person(session, person)
        account, changed = add_account(session, owner, platform, handle, platform_id)
    verb = "registered" if changed else "unchanged:"
    console().print(f"{verb} {platform} account {account.handle} for {owner.name}")


@app.command("list")
def list_accounts(
    ctx: typer.Context,
    person: Annotated[str | None, typer.Option(help="Only this person's accounts.")] = None,
    platform: OptionalPlatform = None,
) -> None:
    """List registered accounts with their status and last collection."""
    with session_scope(get_app(ctx).engine) as session:
        query = select(Account, Person).join(Person).order_by(Person.name, Account.platform)
        if person:
            query = query.where(Account.person_id == find_person(session, person).id)
        if platform:
            query = query.where(Account.platform == platform)
        rows = session.exec(query).all()
    table = Table(title=f"{len(rows)} accounts")
    for column in ("person", "platform", "handle", "platform id", "status", "last collected"):
        table.add_column(column)
    for account, owner in rows:
        status = account.status if account.active else f"{account.status} (removed)"
        collected = (
            account.last_collected_at.strftime("%Y-%m-%d %H:%M")
            if account.last_collected_at
            else "never"
        )
        table.add_row(
            owner.name,
            account.platform,
            account.handle,
            account.platform_id or "",
            status,
            collected,
        )
    console().print(table)


@app.command("remove")
def remove(
    ctx: typer.Context,
    platform: PlatformOption,
    handle: Annotated[str, typer.Option("--handle")],
) -> None:
    """Stop collecting an account. What was collected stays until retention or `forget`."""
    with session_scope(get_app(ctx).engine) as session:
        account = find_account(session, platform, handle)
        account.active = False
        session.add(account)
    console().print(f"removed {platform} account {account.handle}")
