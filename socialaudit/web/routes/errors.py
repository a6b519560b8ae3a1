"""Error pages: the API answers JSON, a browser a page in the app's layout."""

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from socialaudit.errors import SocialAuditError
from socialaudit.web.site import Forbidden, NotSignedIn, Site


def install(app: FastAPI, site: Site) -> None:
    """The error pages: JSON for the API, a page in the layout for a browser."""
    page = site.page

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "not allowed for your role"}, status_code=403)
        return page(
            request,
            "error.html",
            None,
            status=403,
            title="Not allowed",
            message="Your role does not give access to this page.",
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, exc: RequestValidationError) -> Response:
        """The API answers FastAPI's usual 422 JSON; a page says which field to correct."""
        if request.url.path.startswith("/api/"):
            return await request_validation_exception_handler(request, exc)
        fields = sorted({str(error["loc"][-1]) for error in exc.errors() if error.get("loc")})
        return page(
            request,
            "error.html",
            None,
            status=422,
            title="Please check the input",
            message="Not a valid value for: " + ", ".join(fields) + ".",
        )

    @app.exception_handler(SocialAuditError)
    async def usage_error(request: Request, exc: SocialAuditError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=400)
        return page(request, "error.html", None, 400, title="Not a valid request", message=str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """The API answers JSON; a page answers a page, with the same headers as any other."""
        if request.url.path.startswith("/api/") or exc.status_code < 400:
            return await http_exception_handler(request, exc)
        title = {403: "Not allowed", 404: "Not found"}.get(exc.status_code, "Not possible")
        response = page(
            request, "error.html", None, exc.status_code, title=title, message=str(exc.detail)
        )
        if exc.headers:
            response.headers.update(exc.headers)
        return response
