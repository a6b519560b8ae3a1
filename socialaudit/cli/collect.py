"""`socialaudit collect`: one collection round, the same code the scheduler runs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from socialaudit.cli import console, get_app
from socialaudit.cli.options import OptionalPlatform
from socialaudit.db import session_scope
from socialaudit.errors import UsageError
from socialaudit.models import CollectionRun
from socialaudit.registry import find_person


class _RichProgress:
    """A bar per platform, advanced one account at a time: `collectors.runner.Progress`'s
    hooks. The collectors and their client libraries are imported only when a round runs,
    so that every other command starts fast."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.tasks: dict[str, int] = {}

    def start(self, platform: str, total: int) -> None:
        self.tasks[platform] = self.bar.add_task(platform, total=total or 1)

    def advance(self, platform: str, handle: str) -> None:
        self.bar.update(self.tasks[platform], advance=1, description=f"{platform} {handle}")

    def finish(self, platform: str, run: CollectionRun) -> None:
        self.bar.update(self.tasks[platform], completed=run.accounts or 1, description=platform)


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--now: expected an ISO date and time, got {value!r}") from None
    if moment.tzinfo is None:
        raise UsageError(f"--now: give a time zone offset, such as {value}Z")
    return moment.astimezone(UTC)


def command(
    ctx: typer.Context,
    platform: OptionalPlatform = None,
    person: Annotated[
        str | None, typer.Option("--person", help="Only this registered person's accounts.")
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            help="The round's clock (ISO time with offset), for replays and the sandbox's "
            "simulated clock. Default: the current time.",
        ),
    ] = None,
) -> None:
    """Collect new posts, edits, deletions and profile changes of registered accounts."""
    from collectors.runner import collect, enabled_platforms

    app_ctx = get_app(ctx)
    settings = app_ctx.settings
    if platform is not None:
        if not settings.platforms.section(platform).enabled:
            raise UsageError(
                f"--platform: {platform} is disabled in the configuration "
                f"([platforms.{platform}] enabled = false)"
            )
    elif not enabled_platforms(settings):
        raise UsageError("no platform is enabled in the configuration")
    clock = _parse_now(now)
    engine = app_ctx.engine
    person_id = None
    if person:
        with session_scope(engine) as session:
            person_id = find_person(session, person).id
    out = console()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=out,
        transient=True,
    ) as bar:
        runs = collect(
            engine,
            settings,
            platform,
            person_id,
            now=clock,
            progress=_RichProgress(bar),
        )
    table = Table(title="collection round")
    for column in (
        "platform",
        "status",
        "accounts",
        "API calls",
        "new",
        "updated",
        "deleted",
        "rate limited",
        "errors",
    ):
        table.add_column(column)
    for run in runs:
        table.add_row(
            run.platform,
            run.status,
            str(run.accounts),
            str(run.api_calls),
            str(run.new_posts),
            str(run.updated_posts),
            str(run.deleted_posts),
            str(run.rate_limited),
            str(len(run.errors)),
        )
    out.print(table)
    for run in runs:
        for error in run.errors:
            who = f" {error['handle']}" if "handle" in error else ""
            out.print(f"{run.platform}{who}: {error['stage']}: {error['error']}", markup=False)
    incomplete = [run for run in runs if run.status != "ok"]
    if incomplete:
        # Cron and systemd see the trouble in the exit code; what was saved stays saved.
        summary = ", ".join(f"{run.platform} {run.status}" for run in incomplete)
        typer.echo(f"collection incomplete: {summary}", err=True)
        raise typer.Exit(code=3)
