"""`socialaudit nudge`: send each spokesperson their private weekly note (or preview it)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from socialaudit import logs
from socialaudit.cli import EXIT_FINDINGS, console, get_app
from socialaudit.display import for_terminal
from socialaudit.weeks import Week


def nudge(
    ctx: typer.Context,
    week: Annotated[
        str | None,
        typer.Option(help="ISO week, e.g. 2026-W47. Default: the last complete week."),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Write .eml files to [nudges] outbox; send and record nothing."
        ),
    ] = False,
    person: Annotated[str | None, typer.Option(help="Only this person (name or e-mail).")] = None,
) -> None:
    """Send the weekly nudge e-mails: one per person with something to look at, once.

    Exit code 0 when every due nudge went out (or nothing was due), 1 when some could not be
    delivered (they are sent by the next run), 2 for a usage or configuration error.
    """
    from reports.nudges import send_nudges

    app_ctx = get_app(ctx)
    settings = app_ctx.settings
    chosen = Week.parse(week) if week else Week.last_complete(settings.organisation.timezone)
    summary = send_nudges(app_ctx.engine, settings, chosen, dry_run=dry_run, person=person)
    out = console()
    if summary.disabled:
        out.print("nudges are switched off ([nudges] enabled = false); nothing sent")
        return
    if summary.outcomes:
        table = Table(title=f"nudges for {summary.week}" + (" (dry run)" if dry_run else ""))
        for column in ("person", "outcome", "items", "detail"):
            table.add_column(column)
        for outcome in summary.outcomes:
            table.add_row(outcome.person, outcome.status, str(outcome.items), outcome.detail)
        out.print(table)
    done = "written" if dry_run else "sent"
    out.print(
        f"{summary.count(done)} {done}, {summary.count('already-sent')} already sent, "
        f"{summary.count('skipped')} skipped, {summary.count('deferred')} deferred, "
        f"{summary.count('failed')} failed"
    )
    if summary.error:
        typer.echo(f"socialaudit: error: {for_terminal(logs.redact(summary.error))}", err=True)
    if not summary.ok:
        raise typer.Exit(EXIT_FINDINGS)
