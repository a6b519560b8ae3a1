"""The `socialaudit` command: one group, a sub-command per step.

Exit codes (documented in the README): 0 success; 1 a command that reports findings found
some; 2 a usage or configuration error, printed as one line naming the problem.
Each sub-command lives in its own module here and is registered by name in `COMMANDS`: the
module is imported only when its command runs (or `--help` lists them all), so `scan`, `rules`
and `draft` start without the database, report and scheduler libraries that other commands
need (tests/test_cli_startup.py holds this).
"""

from __future__ import annotations

from difflib import get_close_matches
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click.exceptions import UsageError
from typer.core import TyperGroup

from socialaudit import logs
from socialaudit.display import for_terminal
from socialaudit.errors import ConfigError, SocialAuditError

if TYPE_CHECKING:
    from rich.console import Console

    from socialaudit.context import AppContext

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


# Command name -> (module, attribute): a typer.Typer is a group of sub-commands, anything else
# a command function. Listed in the order `--help` shows them.
COMMANDS: dict[str, tuple[str, str]] = {
    "forget": ("socialaudit.cli.people", "forget"),
    "collect": ("socialaudit.cli.collect", "command"),
    "report": ("socialaudit.cli.reports", "report"),
    "dashboard": ("socialaudit.cli.reports", "dashboard"),
    "review": ("socialaudit.cli.reports", "review"),
    "eval": ("socialaudit.cli.evals", "app"),
    "nudge": ("socialaudit.cli.nudges", "nudge"),
    "purge": ("socialaudit.cli.purge", "purge"),
    "reprocess": ("socialaudit.cli.reprocess", "reprocess"),
    "run": ("socialaudit.cli.service", "run"),
    "status": ("socialaudit.cli.service", "status"),
    "serve": ("socialaudit.cli.web", "serve"),
    "scan": ("socialaudit.cli.checks", "scan"),
    "check": ("socialaudit.cli.checks", "check"),
    "draft": ("socialaudit.cli.checks", "draft"),
    "rules": ("socialaudit.cli.checks", "rules"),
    "demo": ("socialaudit.cli.demo", "demo"),
    "people": ("socialaudit.cli.people", "app"),
    "accounts": ("socialaudit.cli.accounts", "app"),
    "db": ("socialaudit.cli.db", "app"),
    "sandbox": ("socialaudit.cli.sandbox", "app"),
    "import": ("socialaudit.cli.imports", "app"),
    "users": ("socialaudit.cli.web", "users"),
}


def _load_command(name: str) -> Any:
    """Import the module behind `name` and turn its Typer app or function into a command."""
    from typer.main import get_command_from_info, get_group_from_info
    from typer.models import CommandInfo, TyperInfo

    module, attribute = COMMANDS[name]
    target = getattr(import_module(module), attribute)
    if isinstance(target, typer.Typer):
        return get_group_from_info(
            TyperInfo(target, name=name),
            pretty_exceptions_short=app.pretty_exceptions_short,
            suggest_commands=app.suggest_commands,
            rich_markup_mode=app.rich_markup_mode,
        )
    return get_command_from_info(
        CommandInfo(name=name, callback=target),
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
    )


class AuditGroup(TyperGroup):
    """Loads each sub-command on first use, and turns the errors a user can fix into one line
    on stderr and exit code 2."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = self.commands.get(cmd_name)
        if command is None and cmd_name in COMMANDS:
            command = self.commands[cmd_name] = _load_command(cmd_name)
        return command

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *(name for name in self.commands if name not in COMMANDS)]

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return self._click_resolve_command(ctx, args)
        except UsageError as exc:  # typer's suggestion looks only at commands already loaded
            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if matches:
                exc.message = (
                    exc.message.rstrip(".")
                    + ". Did you mean "
                    + (", ".join(repr(m) for m in matches) + "?")
                )
            raise

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SocialAuditError as exc:
            message = for_terminal(logs.redact(str(exc)))
            typer.echo(f"socialaudit: error: {message}", err=True)
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
    if config is not None and not Path(config).is_file():
        # Every command, even one that never reads its settings: a named file must exist.
        raise ConfigError(f"config file not found: {config}")
    state: dict[str, Any] = {"config": config, "app": None}
    ctx.obj = state
    ctx.call_on_close(lambda: state["app"].close() if state["app"] else None)


# The width of output that goes to a pipe or a file: wide enough that no table is cut or
# wrapped (rich's own default there is 80 columns); tables stay as wide as their content.
PIPED_WIDTH = 10_000


def console() -> Console:
    """A console for this command's output, sized from the terminal (or $COLUMNS) now; piped
    or redirected without $COLUMNS, as wide as the output needs.

    Every string it prints, table cells included, is stripped of escape sequences and
    control characters first: names, handles and posts come from people and platforms, and
    the terminal would obey an ANSI escape in them. Rich's own styling is added after.
    """
    import os

    from rich.console import Console

    class SafeConsole(Console):
        def render_str(self, text: str, **kwargs: Any) -> Any:
            return super().render_str(for_terminal(text), **kwargs)

    out = SafeConsole(soft_wrap=True)
    if not out.is_terminal and not os.environ.get("COLUMNS"):
        out.width = PIPED_WIDTH
    return out


def get_app(ctx: typer.Context) -> AppContext:
    """Load and validate the settings on first use (every command that needs them calls it).

    The whole file is checked now, the rules' thresholds included (the checks engine owns
    those), so no command, `run` least of all, starts with settings that fail later.
    """
    state = ctx.find_root().obj
    if state["app"] is None:
        from checks.engine import load_rule_modules, validate_rule_settings
        from socialaudit.context import AppContext

        # AppContext.load chooses the policy pack before the rules are imported: they
        # compile its vocabulary once.
        loaded = AppContext.load(state["config"])
        load_rule_modules()
        validate_rule_settings(loaded.settings)
        state["app"] = loaded
    return state["app"]


def main() -> None:
    """Console entry point."""
    app()
