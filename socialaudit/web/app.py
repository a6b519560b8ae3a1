"""`socialaudit serve`: review, dashboards and each person's own page in the browser.

Server-rendered pages from the same Jinja2 environment as the reports (autoescaped; no
JavaScript at all, which the Content-Security-Policy enforces), and a JSON API under `/api/`
with the same permissions. Who sees what follows the policy's care for people: reviewers see
findings, managers only aggregates, a person only their own findings.

`create_app` puts together the middleware, the error pages and the routes of each area
(`socialaudit.web.routes`), all built from one `Site`: the dependencies, the layout helper
and the page cache they share.
"""

import asyncio
import os
from typing import ClassVar

from fastapi import Depends, FastAPI, HTTPException, Request
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from socialaudit.config import CONFIG_ENV, Settings
from socialaudit.context import AppContext
from socialaudit.web.routes import admin, api, auth, errors, people, reports, review
from socialaudit.web.security import SECURITY_HEADERS, UNSAFE_METHODS, cross_site
from socialaudit.web.site import Forbidden, NotSignedIn, Site

__all__ = ["Forbidden", "NotSignedIn", "create_app", "from_environment"]


class SecurityHeaders:
    """The same protective headers on every response (a plain ASGI middleware: cheap)."""

    HEADERS: ClassVar[dict[str, str]] = SECURITY_HEADERS

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Admission:
    """At most `limit` requests inside the app at once; the others wait here, cheaply.

    A request holds its database connection from its first query to its end, across several
    worker-thread hops (dependencies, then the endpoint). With more requests inside than the
    connection pool holds, every worker thread can end up waiting for a connection held by a
    request that waits for a worker thread: a deadlock until the pool's timeout, found by the
    load bench with 50 clients. The limit is half the pool, since a dashboard build takes a
    second connection.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._slots: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._slots is None:  # created in the server's event loop
            self._slots = asyncio.Semaphore(self.limit)
        async with self._slots:
            await self.app(scope, receive, send)


def _pool_capacity(engine: Engine) -> int:
    pool = engine.pool
    if isinstance(pool, QueuePool):
        overflow = pool._max_overflow  # no public accessor; -1 means unbounded
        return pool.size() + (overflow if overflow >= 0 else 30)
    return 10


def from_environment() -> FastAPI:
    """The app of one `serve --workers N` process: the configuration `serve` was given
    ($SOCIALAUDIT_CONFIG, set by `serve`) and the environment, as the CLI loads them."""
    context = AppContext.load(os.environ.get(CONFIG_ENV))
    return create_app(context.settings, context.engine)


def create_app(settings: Settings, engine: Engine) -> FastAPI:
    web = settings.web

    async def same_site(request: Request) -> None:
        """Every write, signed in or not and whatever the sign-in: not from another site."""
        if request.method in UNSAFE_METHODS and (reason := cross_site(request, web)):
            raise HTTPException(403, f"Refused: {reason}.")

    app = FastAPI(
        title="socialaudit",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        dependencies=[Depends(same_site)],
    )
    site = Site(settings, engine)
    app.state.page_cache = site.cache
    app.add_middleware(SecurityHeaders)
    app.add_middleware(Admission, limit=max(1, _pool_capacity(engine) // 2))
    errors.install(app, site)
    for area in (auth, review, reports, people, admin, api):
        area.install(app, site)
    return app
