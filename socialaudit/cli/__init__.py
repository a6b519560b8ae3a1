"""The `socialaudit` command: one group, a sub-command per step.

Exit codes (documented in the README): 0 success; 1 a command that reports findings found
some; 2 a usage or configuration error, printed as one line naming the problem.
Each sub-command lives in its own module here and is registered below.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from socialaudit import logs
from socialaudit.context import AppContext
from socialaudit.errors import SocialAuditError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class AuditGroup(TyperGroup):
    """Turns the errors a user can fix into one line on stderr and exit code 2."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SocialAuditError as exc:
            typer.echo(f"socialaudit: error: {logs.redact(str(exc))}", err=True)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    cls=AuditGroup,
    help="Audit registered staff's social media accounts against the organisation's policy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    ctx: typer.Context,
    config: Annotated[
        str | None,
        typer.Option(
            "--config",
            "-c",
            envvar="SOCIALAUDIT_CONFIG",
            help="Config file (TOML). Default: ./socialaudit.toml if present, else defaults.",
        ),
    ] = None,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log output (-vv: debug).")
    ] = 0,
    log_json: Annotated[
        bool, typer.Option("--log-json", help="Log one JSON object a line.")
    ] = False,
) -> None:
    logs.configure(verbose, log_json)
    state: dict[str, Any] = {"config": config, "app": None}
    ctx.obj = state
    ctx.call_on_close(lambda: state["app"].close() if state["app"] else None)


def console() -> Console:
    """A console for this command's output, sized from the terminal (or $COLUMNS) now."""
    return Console(soft_wrap=True)


def get_app(ctx: typer.Context) -> AppContext:
    """Load and validate the settings on first use (every command that needs them calls it)."""
    state = ctx.find_root().obj
    if state["app"] is None:
        state["app"] = AppContext.load(state["config"])
    return state["app"]


def _register() -> None:
    from socialaudit.cli import (
        accounts,
        checks,
        collect,
        db,
        demo,
        imports,
        nudges,
        people,
        purge,
        reports,
        sandbox,
        service,
        web,
    )

    app.add_typer(people.app, name="people")
    app.add_typer(accounts.app, name="accounts")
    app.add_typer(db.app, name="db")
    app.command("forget")(people.forget)
    app.add_typer(sandbox.app, name="sandbox")
    app.command("collect")(collect.command)
    app.add_typer(imports.app, name="import")
    reports.register(app)
    app.command("nudge")(nudges.nudge)
    app.command("purge")(purge.purge)
    app.command("run")(service.run)
    app.command("status")(service.status)
    app.command("serve")(web.serve)
    app.add_typer(web.users, name="users")
    app.command("scan")(checks.scan)
    app.command("check")(checks.check)
    app.command("draft")(checks.draft)
    app.command("rules")(checks.rules)
    app.command("demo")(demo.demo)


_register()


def main() -> None:
    """Console entry point."""
    app()
