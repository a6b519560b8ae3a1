"""Error pages: the API answers JSON, a browser a page in the app's layout.

A browser user gets the app's own page with the navigation of whoever is signed in and words
they can act on (what went wrong, where to go next), never a JSON body, a traceback or a
command to type: the messages the CLI shares with the app lose their CLI hints here
(`for_browser`). An admin form that was refused comes back as the admin page itself, the
form filled in again beside the message, so the admin corrects one field instead of starting
over. The JSON API (`/api/...`) keeps FastAPI's JSON errors, its clients parse them.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from socialaudit.errors import NotFoundError, SocialAuditError
from socialaudit.web.messages import for_browser
from socialaudit.web.routes import admin
from socialaudit.web.security import SECURITY_HEADERS, Principal
from socialaudit.web.site import Forbidden, NotSignedIn, Site

TITLES = {
    400: "Not a valid request",
    403: "Not allowed",
    404: "Not found",
    405: "Not possible this way",
    409: "Changed meanwhile",
    413: "Too large",
    422: "Please check the input",
    429: "Too many requests",
}
# What a browser user can do about each status (the detail, when there is one, says what).
HINTS = {
    403: "If you need this page for your work, ask an administrator to change your role.",
    404: "The address may be mistyped or out of date: use the navigation above.",
    405: "This address takes a form's submission, not a visit: go back to the page with "
    "the form and use its button.",
    422: "Go back, correct the value and send the form again.",
    400: "Go back, correct the value and try again.",
}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def install(app: FastAPI, site: Site) -> None:
    """The error pages: JSON for the API, a page in the layout for a browser."""

    def viewer(request: Request) -> Principal | None:
        """Who is signed in, for the navigation of the error page (none if that fails too)."""
        try:
            with Session(site.engine) as session:
                return site.identify(session, request)
        except Exception:  # an error page must not fail on the error it reports
            return None

    def error_page(
        request: Request,
        status: int,
        message: str,
        who: Principal | None,
        links: tuple[tuple[str, str], ...] = (),
    ) -> HTMLResponse:
        return site.page(
            request,
            "error.html",
            who,
            status,
            title=TITLES.get(status, "Not possible"),
            message=for_browser(message),
            hint=HINTS.get(status, ""),
            links=links,
        )

    async def browser_error(
        request: Request, status: int, message: str, sent: Mapping[str, Any] | None = None
    ) -> Response:
        """The admin page again for a refused admin form, else the error page."""
        who = await run_in_threadpool(viewer, request)
        form = admin.FORMS.get(request.url.path) if request.method == "POST" else None
        if form and status in (400, 404, 422) and who is not None and who.may("admin"):
            return await run_in_threadpool(
                admin.form_page, site, request, who, form, for_browser(message), sent or {}
            )
        return await run_in_threadpool(error_page, request, status, message, who)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if is_api(request):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if is_api(request):
            return JSONResponse({"detail": "not allowed for your role"}, status_code=403)
        who = await run_in_threadpool(viewer, request)
        role = f" ({who.user.role})" if who else ""
        return await run_in_threadpool(
            error_page, request, 403, f"Your role{role} does not give access to this page.", who
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, exc: RequestValidationError) -> Response:
        """The API answers FastAPI's usual 422 JSON; a page says which field to correct."""
        if is_api(request):
            return await request_validation_exception_handler(request, exc)
        fields = sorted({str(error["loc"][-1]) for error in exc.errors() if error.get("loc")})
        message = "Not a valid value for: " + ", ".join(fields) + "."
        sent = exc.body if isinstance(exc.body, Mapping) else None
        return await browser_error(request, 422, message, sent)

    @app.exception_handler(SocialAuditError)
    async def usage_error(request: Request, exc: SocialAuditError) -> Response:
        status = 404 if isinstance(exc, NotFoundError) else 400
        if is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=status)
        return await browser_error(request, status, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """The API answers JSON; a page answers a page, with the same headers as any other."""
        if is_api(request) or exc.status_code < 400:
            return await http_exception_handler(request, exc)
        response = await browser_error(request, exc.status_code, str(exc.detail))
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        """A fault of the app's: a page that blames no one and exposes nothing (no traceback,
        no exception text, which can hold a query's values); the server logs the traceback.
        Sent by the server's outermost handler, past the middleware: its headers are set here.
        The layout is drawn without the database, which may be what failed."""
        if is_api(request):
            response: Response = JSONResponse({"detail": "internal error"}, status_code=500)
        else:
            response = HTMLResponse(
                site.render(
                    request,
                    "error.html",
                    None,
                    "",
                    title="Something went wrong",
                    message="The app could not show this page because of a fault on its side, "
                    "not anything you did. It has been logged.",
                    hint="Try again in a minute; if it keeps happening, tell your "
                    "administrator the address and the time.",
                    links=(),
                ),
                status_code=500,
            )
        response.headers.update(SECURITY_HEADERS)
        return response
