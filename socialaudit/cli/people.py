"""`socialaudit people ...` and `socialaudit forget`: the registry of people."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import func, select

from socialaudit.cli import console, get_app
from socialaudit.db import session_scope
from socialaudit.errors import UsageError
from socialaudit.models import Account, Person
from socialaudit.registry import (
    PersonInput,
    files_naming,
    find_person,
    forget_person,
    import_people_csv,
    person_strings,
    upsert_person,
)

app = typer.Typer(help="Register the people whose accounts are audited.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Full name, unique in the registry.")],
    email: Annotated[str | None, typer.Option(help="Where nudges are sent.")] = None,
    team: Annotated[str | None, typer.Option(help="Team or section, for aggregates.")] = None,
    role: Annotated[
        str | None, typer.Option(help="spokesperson or staff. [default: spokesperson]")
    ] = None,
    nudges: Annotated[
        bool | None,
        typer.Option("--nudges/--no-nudges", help="Send weekly nudges. [default: nudges]"),
    ] = None,
    timezone: Annotated[
        str | None, typer.Option(help="IANA time zone, e.g. Europe/Paris. [default: UTC]")
    ] = None,
    language: Annotated[
        str | None, typer.Option(help="Language of the nudges (en, fr, es). [default: en]")
    ] = None,
    country: Annotated[
        str | None,
        typer.Option(
            help="Country (ISO 3166 alpha-2, e.g. GB): where CNF305 first reads the person's "
            "phone numbers. '' clears it."
        ),
    ] = None,
) -> None:
    """Register a person, or update an existing one: only the options given change."""
    options = {
        "email": email,
        "team": team,
        "role": role,
        "nudges": nudges,
        "timezone": timezone,
        "language": language,
        "country": country,
    }
    given = {key for key, value in options.items() if value is not None}
    data = PersonInput(name, **{key: options[key] for key in given})
    with session_scope(get_app(ctx).engine) as session:
        existed = session.exec(select(Person.id).where(Person.name == data.name)).first()
        person, changed = upsert_person(session, data, given)
        if not person.active:
            person.active, changed = True, True
        session.add(person)
    verb = "registered" if existed is None else "updated" if changed else "unchanged:"
    console().print(f"{verb} {person.name}")


@app.command("list")
def list_people(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Include removed people.")] = False,
) -> None:
    """List registered people with their number of accounts."""
    with session_scope(get_app(ctx).engine) as session:
        query = (
            select(Person, func.count(Account.id))
            .outerjoin(Account, (Account.person_id == Person.id) & Account.active)
            .group_by(Person.id)
            .order_by(Person.name)
        )
        if not all_:
            query = query.where(Person.active)
        rows = session.exec(query).all()
    table = Table(title=f"{len(rows)} people")
    for column in ("name", "e-mail", "team", "role", "nudges", "time zone", "country", "accounts"):
        table.add_column(column)
    for person, accounts in rows:
        name = person.name if person.active else f"{person.name} (removed)"
        table.add_row(
            name,
            person.email or "",
            person.team or "",
            person.role,
            "yes" if person.nudges else "no",
            person.timezone,
            person.country or "",
            str(accounts),
        )
    console().print(table)


@app.command("import")
def import_csv(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV with a header line; see the README.")],
) -> None:
    """Import people (and their handles) from CSV. Importing the same file twice changes nothing."""
    if not file.is_file():
        raise UsageError(f"CSV file not found: {file}")
    with session_scope(get_app(ctx).engine) as session:
        result = import_people_csv(session, file)
    console().print(
        f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
        f"{result.accounts_added} accounts added"
    )


@app.command("remove")
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The person's name or e-mail.")],
) -> None:
    """Stop auditing a person: no more collection or nudges. History stays (see `forget`)."""
    with session_scope(get_app(ctx).engine) as session:
        person = find_person(session, name)
        person.active = False
        session.add(person)
        accounts = session.exec(
            select(Account).where(Account.person_id == person.id, Account.active)
        ).all()
        for account in accounts:
            account.active = False
            session.add(account)
    console().print(
        f"removed {person.name}: {len(accounts)} accounts no longer collected; "
        "use 'socialaudit forget' to erase their data"
    )


def forget(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The person's name or e-mail.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a person and everything derived from them (accounts, posts, findings, nudges),
    wherever else the database names them, and the report and outbox files that name them:
    weekly reports are written again without them, other files removed."""
    app_ctx = get_app(ctx)
    engine = app_ctx.engine
    with session_scope(engine) as session:
        person = find_person(session, name)
        if not yes:
            typer.confirm(
                f"Erase {person.name} and all their data? This cannot be undone", abort=True
            )
        names, texts = person_strings(session, person)
        erased = forget_person(session, person)
    settings = app_ctx.settings
    folders = [settings.reports.output_dir, settings.nudges.outbox]
    files = files_naming(folders, names, texts)
    weeks = set()
    for path in files:
        found = re.fullmatch(r"report-([0-9]{4}-W[0-9]{2})\.(?:html|csv|json)", path.name)
        if found and path.parent == settings.reports.output_dir:
            weeks.add(found.group(1))
        path.unlink(missing_ok=True)
    rewritten: list[Path] = []
    if weeks:
        from reports import weekly
        from socialaudit.weeks import Week

        for week in sorted(weeks):
            rewritten += weekly.write(engine, settings, Week.parse(week))
    table = Table(title=f"erased {name}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for table_name, count in erased.items():
        table.add_row(table_name, str(count))
    kept = {str(p) for p in rewritten}
    removed = [p for p in files if str(p) not in kept]
    if rewritten:
        table.add_row("report files (rewritten)", str(len(rewritten)))
    if removed:
        table.add_row("files (removed)", str(len(removed)))
    console().print(table)
