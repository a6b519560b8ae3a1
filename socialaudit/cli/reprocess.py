"""`socialaudit reprocess`: re-derive stored posts and profiles from their kept payloads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

import typer
from rich.table import Table

from socialaudit import platforms
from socialaudit.cli import console, get_app
from socialaudit.errors import UsageError


def parse_since(value: str | None) -> datetime | None:
    """A day (`2026-11-01`, midnight UTC) or an ISO time with its offset."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        pass
    else:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"--since: expected a date (YYYY-MM-DD) or an ISO time with offset, got {value!r}"
        ) from None
    if moment.tzinfo is None:
        raise UsageError(f"--since: give a time zone offset, such as {value}Z")
    return moment.astimezone(UTC)


def parse_platform(value: str | None) -> str | None:
    if value is None:
        return None
    names = platforms.names()
    if value.lower() not in names:
        raise UsageError(f"--platform: unknown platform {value!r} (one of {', '.join(names)})")
    return value.lower()


def reprocess(
    ctx: typer.Context,
    platform: Annotated[
        str | None, typer.Option("--platform", "-p", help="Only this platform.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only what was stored on or after this day (YYYY-MM-DD, UTC) or ISO time.",
        ),
    ] = None,
) -> None:
    """Run today's transforms over the kept platform payloads and repair what they changed.

    Changed posts and profile snapshots are marked for `check` to read again; a second run
    changes nothing. No request is sent to any platform.
    """
    name = parse_platform(platform)
    moment = parse_since(since)
    from collectors.reprocess import reprocess as run

    app = get_app(ctx)
    result = run(app.engine, platform=name, since=moment)
    table = Table(title="reprocess")
    for column in ("", "read", "repaired"):
        table.add_column(column, justify="right" if column else "left")
    table.add_row("posts", str(result.posts_read), str(result.posts_repaired))
    table.add_row("versions", "", str(result.versions_repaired))
    table.add_row("profile snapshots", str(result.snapshots_read), str(result.snapshots_repaired))
    table.add_row("referenced posts", "", str(result.referenced_repaired))
    out = console()
    out.print(table)
    if result.without_payload:
        out.print(
            f"{result.without_payload} posts have no kept payload (stored before payloads "
            "were kept, or imported from an archive): left as they are"
        )
    if result.identity_changed:
        out.print(
            f"{len(result.identity_changed)} posts now read with another id or version "
            f"(left for the next collection): {', '.join(result.identity_changed[:5])}",
            markup=False,
        )
    for line in result.failed[:20]:
        out.print(f"unreadable payload {line}", markup=False)
    if result.failed:
        typer.echo(f"reprocess: {len(result.failed)} payloads could not be read", err=True)
        raise typer.Exit(code=3)
