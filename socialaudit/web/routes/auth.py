"""Sign-in, sign-out and the landing redirect by role."""

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socialaudit.models import UserRole
from socialaudit.users import audit, authenticate
from socialaudit.web.forms import NO_NUL, Line, Name
from socialaudit.web.security import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Principal,
    client_ip,
    end_session,
    new_token,
    safe_redirect,
    same,
    secure_cookie,
    start_session,
)
from socialaudit.web.site import Site


def install(app: FastAPI, site: Site) -> None:
    """Sign-in, sign-out and the landing redirect by role."""
    DB = site.DB
    signed_in = site.signed_in
    csrf = site.csrf
    page = site.page
    web = site.web
    throttle = site.throttle

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request, next: str = "/") -> Response:
        token = new_token()
        response = page(
            request, "login.html", None, next=safe_redirect(next), login_csrf=token, error=None
        )
        response.set_cookie(
            LOGIN_CSRF_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=secure_cookie(request, web),
            path="/login",
        )
        return response

    @app.post("/login", include_in_schema=False)
    def login(
        request: Request,
        session: DB,
        name: Name,
        password: Annotated[str, Form(max_length=1024)],
        csrf_token: Line = "",
        next: Annotated[str, Form(max_length=2048, pattern=NO_NUL)] = "/",
    ) -> Response:
        if not same(csrf_token, request.cookies.get(LOGIN_CSRF_COOKIE)):
            raise HTTPException(403, "missing or wrong CSRF token")
        ip = client_ip(request)
        if throttle.blocked(session, ip):
            return page(
                request,
                "login.html",
                None,
                429,
                next=safe_redirect(next),
                login_csrf=csrf_token,
                error="Too many attempts; try again later.",
            )
        user = authenticate(
            session, name, password, web.login_attempts, timedelta(minutes=web.lockout_minutes)
        )
        if user is None:
            throttle.failed(session, ip)
            return page(
                request,
                "login.html",
                None,
                401,
                next=safe_redirect(next),
                login_csrf=csrf_token,
                error="Wrong name or password.",
            )
        end_session(session, request.cookies.get(SESSION_COOKIE))  # no session fixation
        token = start_session(session, user, web.session_hours)
        audit(session, user.name, "sign-in")
        session.commit()
        response = RedirectResponse(safe_redirect(next), status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=secure_cookie(request, web),
            max_age=int(web.session_hours * 3600),
        )
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
        return response

    @app.post("/logout", include_in_schema=False, dependencies=[Depends(csrf)])
    def logout(request: Request, session: DB) -> Response:
        end_session(session, request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/", include_in_schema=False)
    def home(who: Annotated[Principal, Depends(signed_in)]) -> Response:
        target = {
            UserRole.REVIEWER: "/review",
            UserRole.MANAGER: "/dashboard",
            UserRole.PERSON: "/me",
            UserRole.ADMIN: "/review",
        }[UserRole(who.user.role)]
        return RedirectResponse(target, status_code=303)
