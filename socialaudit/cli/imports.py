"""`socialaudit import ...`: audit history from platform exports, without paid API access.

One command per export format of the platform registry (`PlatformSpec.archives` in
`socialaudit.platforms`). Each import fills the same tables as collection, through the same
store, and can be run again with no change (`collectors/importing.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import typer

from socialaudit import platforms
from socialaudit.cli import console, get_app
from socialaudit.db import session_scope

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


def _command(platform: str, archive: platforms.ArchiveFormat) -> Callable[..., None]:
    # A default rather than `Annotated`: annotations are strings here, read in the module's
    # namespace, where `archive` is not.
    def command(
        ctx: typer.Context, source: str = typer.Argument(..., help=archive.source_help)
    ) -> None:
        # The collectors and their client libraries load only when an import runs.
        from collectors.importing import archive_reader, import_archive

        app_ctx = get_app(ctx)
        read = archive_reader(archive.reader)(app_ctx.settings, source)
        with session_scope(app_ctx.engine) as session:
            report = import_archive(session, platform, read, datetime.now(UTC))
        _print(report)

    command.__doc__ = archive.summary
    command.__name__ = archive.command.replace("-", "_")
    return command


for _spec in platforms.specs():
    for _archive in _spec.archives:
        app.command(_archive.command)(_command(_spec.name, _archive))
