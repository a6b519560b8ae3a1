"""The sandbox's HTTP server: routes, fault injection, request counters and an admin API.

Each platform module (`sandbox/bluesky.py`, `sandbox/x.py`, `sandbox/mastodon.py`) lists its
routes; every route has an endpoint name (such as `bluesky.getAuthorFeed`) under which its
requests are counted and its faults injected. The admin API under `/_sandbox/` lets a demo or
another process move the clock, inject faults and read the counters:

- `GET  /_sandbox/state`                    clock, counters, pending events
- `POST /_sandbox/advance?hours=H&days=D`   move the clock, play due events
- `POST /_sandbox/faults?endpoint=E&kind=K&times=N&seconds=S&skip=M`
- `POST /_sandbox/counts/reset`             zero the counters (returns the old ones)
"""

from __future__ import annotations

import importlib
import json
import logging
import pkgutil
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sandbox.world import Fault, World

log = logging.getLogger(__name__)
_request = threading.local()


def request_base() -> str:
    """The scheme and host the current request was sent to (for Link headers and URLs)."""
    return getattr(_request, "base", "http://127.0.0.1")


@dataclass
class Response:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Query = dict[str, list[str]]
Handler = Callable[[World, re.Match[str], Query], Response]


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    endpoint: str
    handler: Handler


class PlatformApi:
    """What a platform module provides: routes and its own way of saying 'too many requests'."""

    prefix: str = ""
    routes: list[Route]

    def rate_limited(self, world: World, fault: Fault) -> Response:
        raise NotImplementedError

    def server_error(self, world: World) -> Response:
        return Response(500, {"error": "InternalServerError", "message": "Internal Server Error"})

    def limit_headers(self, world: World, endpoint: str) -> dict[str, str]:
        """Rate-limit headers the platform sends on every answer (none by default)."""
        return {}


_IDENTITY = ("id", "uri", "did", "cid", "created_at", "createdAt", "author", "account")


def damage(body: Any, kind: str) -> Any:
    """A well-formed answer made unexpected: `missing` drops the identity fields of the first
    list's items and of the objects they hold (or of the object itself); `wrongtype` puts a
    string where that list was."""
    if isinstance(body, list):
        if kind == "wrongtype":
            return "unexpected"
        return [_strip(item) if isinstance(item, dict) else item for item in body]
    if not isinstance(body, dict):
        return body
    for key, value in body.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return {**body, key: damage(value, kind)}
    if kind == "wrongtype":
        return ["unexpected"]
    return _strip(body)


def _strip(item: dict[str, Any]) -> dict[str, Any]:
    """An item without its identity fields, nor those of the objects it holds (a feed item's
    post)."""
    return {
        k: ({kk: vv for kk, vv in v.items() if kk not in _IDENTITY} if isinstance(v, dict) else v)
        for k, v in item.items()
        if k not in _IDENTITY
    }


def route(method: str, pattern: str, endpoint: str) -> Callable[[Handler], Route]:
    def wrap(handler: Handler) -> Route:
        return Route(method, re.compile(f"^{pattern}$"), endpoint, handler)

    return wrap


def first(query: Query, name: str, default: str | None = None) -> str | None:
    values = query.get(name)
    return values[0] if values else default


def _apis() -> list[PlatformApi]:
    """Every platform the sandbox stands in for: each module of the package that defines an
    `API` (a `PlatformApi`), so a new platform's sandbox module is found without a list."""
    import sandbox

    found = []
    for info in sorted(pkgutil.iter_modules(sandbox.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"sandbox.{info.name}")
        api = getattr(module, "API", None)
        if isinstance(api, PlatformApi):
            found.append(api)
    return found


class _Handler(BaseHTTPRequestHandler):
    server: SandboxHTTPServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes on a keep-alive socket: with Nagle's algorithm
    # the body waited for the client's delayed ACK (about 40 ms a call), which the
    # collection bench then measured instead of the collector.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("sandbox: " + format, *args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        world = self.server.world
        _request.base = f"http://{self.headers.get('Host') or '127.0.0.1'}"
        if parts.path.startswith("/_sandbox/"):
            self._send(self._admin(method, parts.path, query))
            return
        for api in self.server.apis:
            for r in api.routes:
                match = r.pattern.match(parts.path)
                if r.method != method or match is None:
                    continue
                world.count(r.endpoint)
                self.server.arrived()
                try:
                    if self.server.latency:  # a platform's round trip, outside the world's lock
                        time.sleep(self.server.latency)
                    self._answer(api, r, match, query)
                finally:
                    self.server.left()
                return
        self._send(Response(404, {"error": "NotFound", "message": f"no route {parts.path}"}))

    def _answer(self, api: PlatformApi, r: Route, match: Any, query: Query) -> None:
        """One API route's answer: an injected fault, or the world's response."""
        world = self.server.world
        fault = world.take_fault(r.endpoint)
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.seconds)  # past the client's time-out; then answer
        elif fault is not None and fault.kind not in ("missing", "wrongtype"):
            self._fault(api, fault)
            return
        try:
            with world.lock:
                response = r.handler(world, match, query)
        except Exception:
            log.exception("sandbox: %s failed", r.endpoint)
            response = api.server_error(world)
        response.headers = api.limit_headers(world, r.endpoint) | response.headers
        if fault is not None and fault.kind in ("missing", "wrongtype"):
            response.body = damage(response.body, fault.kind)
        self._send(response)

    def _fault(self, api: PlatformApi, fault: Fault) -> None:
        world = self.server.world
        if fault.kind == "429":
            self._send(api.rate_limited(world, fault))
        elif fault.kind == "500":
            self._send(api.server_error(world))
        elif fault.kind == "html":  # a proxy's or load balancer's page instead of JSON
            page = b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"
            self._send_raw(200, page, {"Content-Type": "text/html; charset=utf-8"})
        else:  # malformed
            self._send_raw(200, b'{"data": [ {"id": "1", "text": ', {})

    def _admin(self, method: str, path: str, query: Query) -> Response:
        world = self.server.world
        if path == "/_sandbox/state" and method == "GET":
            with world.lock:
                return Response(
                    200,
                    {
                        "now": world.now.isoformat(),
                        "counts": dict(world.counts),
                        "pending_events": world.pending_events(),
                        "log": list(world.log),
                    },
                )
        if method != "POST":
            return Response(405, {"error": "use POST"})
        try:
            if path == "/_sandbox/advance":
                ran = world.advance(
                    days=float(first(query, "days", "0") or 0),
                    hours=float(first(query, "hours", "0") or 0),
                    minutes=float(first(query, "minutes", "0") or 0),
                )
                return Response(200, {"now": world.now.isoformat(), "events": ran})
            if path == "/_sandbox/faults":
                endpoint = first(query, "endpoint") or ""
                if endpoint not in self.server.endpoints:
                    raise ValueError(
                        f"unknown endpoint {endpoint!r}; one of {', '.join(self.server.endpoints)}"
                    )
                world.inject(
                    first(query, "endpoint") or "",
                    first(query, "kind") or "",
                    int(first(query, "times", "1") or 1),
                    float(first(query, "seconds", "2") or 2),
                    int(first(query, "skip", "0") or 0),
                )
                return Response(200, {"ok": True})
            if path == "/_sandbox/counts/reset":
                return Response(200, {"counts": world.reset_counts()})
        except ValueError as exc:
            return Response(400, {"error": str(exc)})
        return Response(404, {"error": f"no admin route {path}"})

    def _send(self, response: Response) -> None:
        body = b"" if response.body is None else json.dumps(response.body).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", **response.headers}
        self._send_raw(response.status, body, headers)

    def _send_raw(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        try:
            self.send_response(status)
            headers = {"Content-Type": "application/json; charset=utf-8", **headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            log.debug("sandbox: the client went away (time-out)")


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, world: World, host: str = "127.0.0.1", port: int = 0, latency: float = 0.0
    ) -> None:
        super().__init__((host, port), _Handler)
        self.world = world
        self.latency = latency
        # Requests being answered at once, and the most there were (the collection pool's
        # tests read it: calls really in flight together).
        self.in_flight = 0
        self.peak_in_flight = 0
        self._flight = threading.Lock()
        self.apis = _apis()
        self.endpoints = [r.endpoint for api in self.apis for r in api.routes]

    def arrived(self) -> None:
        with self._flight:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    def left(self) -> None:
        with self._flight:
            self.in_flight -= 1


class Sandbox:
    """A running sandbox: `with Sandbox(world) as box: box.url ...` serves on a free port."""

    def __init__(
        self, world: World, host: str = "127.0.0.1", port: int = 0, latency: float = 0.0
    ) -> None:
        """`latency`: seconds every API answer waits, as a real platform's round trip does
        (the collection bench's 150 ms); answers to several clients overlap."""
        self.world = world
        self.server = SandboxHTTPServer(world, host, port, latency)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Sandbox:
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="sandbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
