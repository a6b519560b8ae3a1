"""`socialaudit eval export`: the review queue's decisions as a labelled evaluation set.

Confirmed findings, false positives and missed posts become `scan`-format lines with the rules
that must fire (`expect`) and the rules judged (`judged`); `python -m checks.evaluate FILE
--config CONFIG` then gives each rule's precision and recall on the organisation's own posts.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from socialaudit.cli import console, get_app
from socialaudit.db import session_scope
from socialaudit.errors import UsageError

app = typer.Typer(
    help="Measure the rules on the organisation's own reviewed posts.", no_args_is_help=True
)


def parse_since(text: str) -> datetime:
    """A date (YYYY-MM-DD, from its start in UTC) or an ISO 8601 date and time."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"--since: expected a date such as 2026-11-01 (or an ISO date and time), got {text!r}"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@app.command("export")
def export(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(help="Only decisions and misses recorded since this date (UTC)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file. Default: standard output."),
    ] = None,
) -> None:
    """Write the reviewed decisions (confirmed, false positive, missed) as labelled items in
    the scan format, for 'python -m checks.evaluate FILE --config CONFIG'."""
    from socialaudit.pipeline.evalset import export as labelled

    chosen = parse_since(since) if since else None
    if output is not None and output.is_dir():
        raise UsageError(f"--output: {output} is a folder; name a file")
    engine = get_app(ctx).engine
    lines = 0
    with session_scope(engine) as session:
        items = labelled(session, chosen)
        out = output.open("w", encoding="utf-8") if output is not None else sys.stdout
        try:
            while True:
                try:
                    item = next(items)
                except StopIteration as done:
                    summary = done.value
                    break
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
                lines += 1
        finally:
            if output is not None:
                out.close()
    message = (
        f"{lines} lines: {summary.posts} posts and {summary.profiles} profiles judged "
        f"({summary.confirmed} confirmed, {summary.dismissed} false positive, "
        f"{summary.missed} missed), {summary.context} lines of context"
    )
    if output is not None:
        console().print(f"{message}; written to {output}")
    else:
        typer.echo(message, err=True)
