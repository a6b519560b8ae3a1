"""Command-line options shared by commands: the `--platform` choice, from the registry.

The choices are read when the command runs, not when the CLI is built, so a platform added
to `socialaudit.platforms` is accepted without touching any command.
"""

from __future__ import annotations

from typing import Annotated

import typer

from socialaudit import platforms


def parse_platform(value: str | None) -> str | None:
    """A registered platform's name (any letter case), or a one-line usage error."""
    if value is None:
        return None
    folded = value.strip().lower()
    if folded not in platforms.PLATFORMS:
        raise typer.BadParameter(f"expected one of {', '.join(platforms.names())}; got {value!r}")
    return folded


def _help(prefix: str) -> str:
    return f"{prefix}{platforms.either(platforms.names())}."


PlatformOption = Annotated[
    str,
    typer.Option("--platform", "-p", help=_help(""), callback=parse_platform, metavar="PLATFORM"),
]
OptionalPlatform = Annotated[
    str | None,
    typer.Option(
        "--platform",
        "-p",
        help=_help("Only this platform. "),
        callback=parse_platform,
        metavar="PLATFORM",
    ),
]
