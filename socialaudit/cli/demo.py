"""`socialaudit demo`: the whole pipeline on the sandbox, for a first look."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from socialaudit.cli import console


def demo(
    output: Annotated[
        Path, typer.Option(help="Folder for the demo's database and files (emptied first).")
    ] = Path("data/demo"),
    days: Annotated[int, typer.Option(min=7, max=60, help="Days of the world to play.")] = 28,
) -> None:
    """Run the whole pipeline on the local sandbox and print where every file is."""
    from socialaudit.demo import run_demo

    out = console()
    started = time.monotonic()
    result = run_demo(output, days=days, say=out.print)
    out.print(
        f"played {result.rounds} daily rounds in {time.monotonic() - started:.0f} s: "
        f"{result.findings} findings"
    )
    out.print(
        "outcomes of changed posts: "
        + ", ".join(f"{n} {k}" for k, n in sorted(result.outcomes.items()))
    )
    out.print(f"database:  {result.database}")
    out.print(f"config:    {result.config}")
    for path in result.reports:
        if path.suffix == ".html":
            out.print(f"report:    {path}")
    out.print(f"dashboard: {result.dashboard}")
    out.print(
        f"nudges:    {len(result.nudges)} .eml files in "
        f"{result.nudges[0].parent.parent if result.nudges else '-'}"
    )
