"""`socialaudit import ...`: audit history from platform exports, without paid API access.

Each import fills the same tables as collection, through the same store, and can be run again
with no change (`collectors/importing.py`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socialaudit.cli import console, get_app
from socialaudit.db import session_scope
from socialaudit.errors import UsageError
from socialaudit.models import Platform

if TYPE_CHECKING:
    from collectors.importing import ImportReport

app = typer.Typer(help="Import platform archives of registered accounts.", no_args_is_help=True)


def _print(report: ImportReport) -> None:
    verdict = "imported" if report.changed else "no change:"
    console().print(
        f"{verdict} {report.platform} {report.handle} from {report.source}: "
        f"{report.new} new, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.deleted} deleted" + (", profile updated" if report.profile_changed else ""),
        markup=False,
    )


@app.command("x-archive")
def x_archive(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The archive .zip from X, or its folder.")],
) -> None:
    """Import an X "Download your archive" export of a registered account."""
    from collectors.importing import ImportReport, registered_account, save_import
    from collectors.x_archive import ArchiveLimits, read_x_archive

    app_ctx = get_app(ctx)
    archive = read_x_archive(path, ArchiveLimits.from_settings(app_ctx.settings))
    now = datetime.now(UTC)
    with session_scope(app_ctx.engine) as session:
        account = registered_account(session, Platform.X, archive.account_id, archive.username)
        report = ImportReport(str(path), "x", account.handle)
        save_import(
            session,
            account,
            report,
            archive.posts,
            now,
            profile=archive.profile,
            deleted=archive.deleted,
        )
    _print(report)


@app.command("bluesky-repo")
def bluesky_repo(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            help="A repository export (.car file), or a DID to read from its PDS "
            "([platforms.bluesky] base_url)."
        ),
    ],
) -> None:
    """Import a Bluesky repository (a CAR export, or a DID's records) of a registered account."""
    from atproto_client.exceptions import AtProtocolError

    from collectors.bluesky_repo import list_records, read_repo_file, records_as_posts
    from collectors.importing import ImportReport, registered_account, save_import

    app_ctx = get_app(ctx)
    if source.startswith("did:"):
        try:
            records = list_records(app_ctx.settings, source)
        except AtProtocolError as exc:
            raise UsageError(f"{source}: the PDS refused listRecords ({exc})") from None
        did = source
    else:
        limit = app_ctx.settings.imports.max_uncompressed_mb
        did, records = read_repo_file(Path(source), max_bytes=limit * 1024 * 1024)
    now = datetime.now(UTC)
    with session_scope(app_ctx.engine) as session:
        account = registered_account(session, Platform.BLUESKY, did)
        report = ImportReport(source, "bluesky", account.handle)
        posts = records_as_posts(records, did, account.handle)
        save_import(session, account, report, posts, now)
    _print(report)
