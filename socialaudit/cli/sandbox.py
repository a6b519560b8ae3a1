"""`socialaudit sandbox ...`: run the local stand-in for the platforms, for the demo and tests.

`socialaudit sandbox --port N` serves the seeded world until interrupted; its admin API
(`/_sandbox/advance`, `/_sandbox/faults`, `/_sandbox/state`) moves the clock and injects
faults. `people-csv` and `config` print what registers the world's people and points the
collectors at the sandbox.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Annotated

import typer

from sandbox.seed import DEFAULT_START, build_world, demo_config, people_csv
from sandbox.server import Sandbox
from socialaudit import platforms
from socialaudit.errors import UsageError

log = logging.getLogger(__name__)

app = typer.Typer(
    help="Serve the local sandbox of the "
    + platforms.either([s.display_name for s in platforms.specs()])
    + " APIs with seeded staff.",
    invoke_without_command=True,
)


def _start(value: str | None) -> datetime:
    if value is None:
        return DEFAULT_START
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--start: expected an ISO date and time, got {value!r}") from None
    if moment.tzinfo is None:
        raise UsageError(f"--start: give a time zone offset, such as {value}Z")
    return moment


StartOption = Annotated[
    str | None,
    typer.Option("--start", help="The world's clock at start (ISO, with offset)."),
]


@app.callback()
def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on.")] = 8800,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    start: StartOption = None,
) -> None:
    """Serve the sandbox until interrupted (Ctrl-C)."""
    if ctx.invoked_subcommand is not None:
        return
    if not 0 < port < 65536:
        raise UsageError(f"--port: expected 1-65535, got {port}")
    world = build_world(_start(start))
    try:
        box = Sandbox(world, host, port).start()
    except OSError as exc:
        raise UsageError(f"--port: cannot listen on {host}:{port} ({exc.strerror})") from None
    typer.echo(f"sandbox serving at {box.url} (clock {world.now.isoformat()}); Ctrl-C stops it")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        box.stop()


@app.command("people-csv")
def people_csv_command(start: StartOption = None) -> None:
    """Print the sandbox's people as a registry CSV for `socialaudit people import`."""
    typer.echo(people_csv(build_world(_start(start))), nl=False)


@app.command("config")
def config_command(
    url: Annotated[str, typer.Option("--url", help="Where the sandbox listens.")] = (
        "http://127.0.0.1:8800"
    ),
    start: StartOption = None,
) -> None:
    """Print the TOML that points the collectors at the sandbox and matches its world."""
    typer.echo(demo_config(url, _start(start)), nl=False)


UrlOption = Annotated[str, typer.Option("--url", help="Where the sandbox listens.")]


def _admin(url: str, path: str, params: dict[str, object]) -> dict:
    """POST to a running sandbox's admin API; one clear line when it is not there."""
    import requests

    try:
        response = requests.post(f"{url.rstrip('/')}/_sandbox/{path}", params=params, timeout=30)
    except requests.RequestException:
        raise UsageError(f"--url: no sandbox answers at {url}") from None
    body = response.json()
    if response.status_code != 200:
        raise UsageError(f"sandbox: {body.get('error', response.status_code)}")
    return body


@app.command("advance")
def advance_command(
    url: UrlOption = "http://127.0.0.1:8800",
    days: Annotated[float, typer.Option("--days", min=0)] = 0,
    hours: Annotated[float, typer.Option("--hours", min=0)] = 0,
) -> None:
    """Move a running sandbox's clock forward and print the events that played."""
    body = _admin(url, "advance", {"days": days, "hours": hours})
    for event in body["events"]:
        typer.echo(event)
    typer.echo(f"sandbox clock: {body['now']}")


@app.command("fault")
def fault_command(
    endpoint: Annotated[str, typer.Argument(help="PLATFORM.ENDPOINT, as the sandbox names it")],
    kind: Annotated[str, typer.Argument(help="429, 500, slow or malformed")],
    url: UrlOption = "http://127.0.0.1:8800",
    times: Annotated[int, typer.Option("--times", min=1)] = 1,
    seconds: Annotated[float, typer.Option("--seconds", min=0)] = 2.0,
) -> None:
    """Make a running sandbox fail the next requests to one endpoint."""
    _admin(url, "faults", {"endpoint": endpoint, "kind": kind, "times": times, "seconds": seconds})
    typer.echo(f"the next {times} {endpoint} request(s) will fail with {kind}")
