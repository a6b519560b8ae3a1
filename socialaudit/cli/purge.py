"""`socialaudit purge`: enforce the retention limits now (the daily job does the same)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from socialaudit.cli import console, get_app
from socialaudit.retention import purge as run_purge


def purge(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would be deleted; delete nothing.")
    ] = False,
) -> None:
    """Delete posts, snapshots, findings and runs older than the [retention] limits."""
    app = get_app(ctx)
    result = run_purge(app.engine, app.settings.retention, dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    table = Table(title=f"{verb} {result.total} rows")
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("older than")
    cutoff_of = {"finding": "findings", "profilesnapshot": "snapshots", "collectionrun": "runs"}
    for name, count in result.deleted.items():
        cutoff = result.cutoffs[cutoff_of.get(name, "posts")]
        table.add_row(name, str(count), cutoff.strftime("%Y-%m-%d"))
    console().print(table)
    if result.redacted_posts:
        verb = "would redact" if dry_run else "redacted"
        console().print(
            f"{verb} the text of {result.redacted_posts} deleted posts whose "
            'outcome is recorded ([retention] deleted_text = "redact")'
        )
    if result.unlinked_findings:
        console().print(
            f"{result.unlinked_findings} findings kept their evidence but lost "
            "the link to a purged post or snapshot"
        )
