"""`socialaudit serve`: review, dashboards and each person's own page in the browser.

Server-rendered pages from the same Jinja2 environment as the reports (autoescaped; no
JavaScript at all, which the Content-Security-Policy enforces), and a JSON API under `/api/`
with the same permissions. Who sees what follows the policy's care for people: reviewers see
findings, managers only aggregates, a person only their own findings.
"""

import asyncio
import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated, Any, ClassVar
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, Form, HTTPException, Path, Query, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool
from sqlmodel import Session, col, select
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reports import dashboard, weekly
from reports.review import add_note, parse_decision, review_finding
from reports.templating import environment
from socialaudit.config import CONFIG_ENV, Settings
from socialaudit.context import AppContext
from socialaudit.errors import SocialAuditError
from socialaudit.models import (
    Account,
    AuditLog,
    Finding,
    FindingNote,
    Person,
    ReviewStatus,
    User,
    UserRole,
)
from socialaudit.registry import PersonInput, add_account, find_person, upsert_person
from socialaudit.users import add_user, audit, authenticate
from socialaudit.web import queries
from socialaudit.web.cache import PageCache
from socialaudit.web.security import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    UNSAFE_METHODS,
    LoginThrottle,
    Principal,
    client_ip,
    cross_site,
    end_session,
    from_trusted_proxy,
    load_session,
    new_token,
    proxy_csrf_cookie,
    proxy_csrf_token,
    safe_redirect,
    same,
    secure_cookie,
    start_session,
)
from socialaudit.weeks import Week

REVIEW_PAGE = 50  # findings per page of the review queue
MAX_PAGE = 100_000  # far beyond any queue; keeps the offset a small integer

# A row id as both databases store it (PostgreSQL INTEGER, 32-bit signed): a larger number
# is a 422, not a driver overflow deep in the query.
FindingId = Annotated[int, Path(ge=1, le=2**31 - 1)]

# Text from a request never holds NUL (PostgreSQL text cannot store it) nor more than its
# column does: such input is refused with a 422 where it enters, not by the database.
NO_NUL = r"^[^\x00]*$"
NOTE_LENGTH = 10_000
Name = Annotated[str, Form(max_length=200, pattern=NO_NUL)]
Line = Annotated[str, Form(max_length=320, pattern=NO_NUL)]
# Review queue filters, empty meaning "any" (the HTML form sends empty fields).
WeekFilter = Annotated[str | None, Query(pattern=r"^(\d{4}-W\d{2})?$")]
RuleFilter = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9]{0,8}$")]
SeverityFilter = Annotated[str | None, Query(pattern=r"^(high|medium|review|info)?$")]
PersonFilter = Annotated[str | None, Query(max_length=200, pattern=NO_NUL)]
StatusFilter = Annotated[
    str | None, Query(pattern=r"^(open|false-positive|acknowledged|resolved)?$")
]

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def _page_link(request: Request, number: int) -> str:
    """The same query with another page number (filters kept, safely re-encoded)."""
    params = dict(request.query_params)
    params["page"] = str(number)
    return f"{request.url.path}?{urlencode(params)}"


class SecurityHeaders:
    """The same protective headers on every response (a plain ASGI middleware: cheap)."""

    HEADERS: ClassVar[dict[str, str]] = {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
    }

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


class NotSignedIn(Exception):
    pass


class Forbidden(Exception):
    pass


class ReviewIn(BaseModel):
    status: str = Field(max_length=32, pattern=NO_NUL)
    note: str | None = Field(default=None, max_length=NOTE_LENGTH, pattern=NO_NUL)


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=NOTE_LENGTH, pattern=NO_NUL)


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
    throttle = LoginThrottle(limit=max(web.login_attempts * 4, 10))
    templates = environment()
    cache = PageCache()
    # Stands for the CSRF token in cached pages; random, so no stored text can contain it.
    CSRF_SLOT = f"csrf-{new_token()}"
    app.state.page_cache = cache
    app.add_middleware(SecurityHeaders)
    app.add_middleware(Admission, limit=max(1, _pool_capacity(engine) // 2))

    def db() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as session:
            yield session

    DB = Annotated[Session, Depends(db)]

    def principal(request: Request, session: DB) -> Principal | None:
        header = web.trusted_user_header
        if header and header in request.headers and from_trusted_proxy(request, web):
            user = session.exec(
                select(User).where(User.name == request.headers[header], User.active)
            ).first()
            return Principal(user, None) if user else None
        loaded = load_session(session, request.cookies.get(SESSION_COOKIE))
        return Principal(*loaded) if loaded else None

    def require(permission: str) -> Any:
        # async: no I/O here, so no hop to a worker thread
        async def check(who: Annotated[Principal | None, Depends(principal)]) -> Principal:
            if who is None:
                raise NotSignedIn()
            if not who.may(permission):
                raise Forbidden()
            return who

        return Depends(check)

    async def signed_in(who: Annotated[Principal | None, Depends(principal)]) -> Principal:
        if who is None:
            raise NotSignedIn()
        return who

    async def csrf(request: Request, who: Annotated[Principal, Depends(signed_in)]) -> None:
        """State-changing requests carry the CSRF token (form field or header): the session's,
        or with a proxy sign-in (the browser sends its header on a forged post too) the
        double-submit cookie's."""
        sent = request.headers.get("x-csrf-token")
        if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            sent = str((await request.form()).get("csrf_token") or "")
        if who.session is not None:
            expected = who.session.csrf_token
        else:
            expected = request.cookies.get(proxy_csrf_cookie(request, web))
        if not same(sent, expected):
            raise HTTPException(403, "Refused: missing or wrong CSRF token.")

    def csrf_of(request: Request, who: Principal | None) -> str:
        """The token this user's forms carry (see `csrf`); `with_csrf_cookie` sets a new one."""
        if who is None:
            return ""
        if who.session is not None:
            return who.session.csrf_token
        return proxy_csrf_token(request, web)

    def with_csrf_cookie(request: Request, response: Response) -> Response:
        fresh = getattr(request.state, "new_csrf", None)
        if fresh:
            response.set_cookie(
                proxy_csrf_cookie(request, web),
                fresh,
                httponly=True,
                samesite="lax",
                secure=secure_cookie(request, web),
                path="/",
            )
        return response

    def render(
        request: Request, name: str, who: Principal | None, csrf: str, **context: Any
    ) -> str:
        return templates.get_template(f"web/{name}").render(
            who=who, csrf=csrf, path=request.url.path, org=settings.organisation.name, **context
        )

    def page(
        request: Request, name: str, who: Principal | None, status: int = 200, **context: Any
    ) -> HTMLResponse:
        html = render(request, name, who, csrf_of(request, who), **context)
        return with_csrf_cookie(request, HTMLResponse(html, status_code=status))

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

    # ---- sign-in -----------------------------------------------------------------------

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

    # ---- reviewers -----------------------------------------------------------------------

    @app.get("/review", response_class=HTMLResponse, include_in_schema=False)
    def review_queue(
        request: Request,
        session: DB,
        who: Annotated[Principal, require("findings")],
        week: WeekFilter = None,
        rule: RuleFilter = None,
        severity: SeverityFilter = None,
        person: PersonFilter = None,
        status: StatusFilter = "open",
        page_number: Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE)] = 1,
    ) -> Response:
        def build() -> str:
            items = queries.list_findings(
                session,
                week=week or None,
                rule=rule or None,
                severity=severity or None,
                person=person or None,
                status=status or None,
                limit=REVIEW_PAGE + 1,
                offset=(page_number - 1) * REVIEW_PAGE,
            )
            more = len(items) > REVIEW_PAGE
            return render(
                request,
                "review.html",
                who,
                CSRF_SLOT,
                items=items[:REVIEW_PAGE],
                filters={
                    "week": week or "",
                    "rule": rule or "",
                    "severity": severity or "",
                    "person": person or "",
                    "status": status or "",
                },
                page_number=page_number,
                newer=_page_link(request, page_number - 1) if page_number > 1 else None,
                older=_page_link(request, page_number + 1) if more else None,
                state=queries.collection_state(session),
                running=queries.jobs_running(session),
            )

        # The page as this user sees it, per query string (which the page links repeat);
        # their session's CSRF token goes in per request.
        key = ("review", who.user.name, who.user.role, str(request.query_params))
        html = cache.get(key, cache.version(session, "review"), build)
        return with_csrf_cookie(
            request, HTMLResponse(html.replace(CSRF_SLOT, csrf_of(request, who)))
        )

    def _finding(session: Session, finding_id: int) -> Finding:
        finding = session.get(Finding, finding_id)
        if finding is None:
            raise HTTPException(404, "no such finding")
        return finding

    @app.get("/findings/{finding_id}", response_class=HTMLResponse, include_in_schema=False)
    def finding_page(
        request: Request,
        finding_id: FindingId,
        session: DB,
        who: Annotated[Principal, require("findings")],
    ) -> Response:
        detail = queries.finding_detail(session, _finding(session, finding_id))
        return page(request, "finding.html", who, f=detail)

    @app.post(
        "/findings/{finding_id}/review", include_in_schema=False, dependencies=[Depends(csrf)]
    )
    def review_form(
        finding_id: FindingId,
        session: DB,
        who: Annotated[Principal, require("findings")],
        status: Line,
        note: Annotated[str, Form(max_length=NOTE_LENGTH, pattern=NO_NUL)] = "",
        back: Annotated[str, Form(max_length=2048, pattern=NO_NUL)] = "/review",
    ) -> Response:
        _decide(session, who, finding_id, status, note or None)
        return RedirectResponse(safe_redirect(back, "/review"), status_code=303)

    @app.get("/reports", include_in_schema=False)
    def latest_report(who: Annotated[Principal, require("findings")]) -> Response:
        week = Week.last_complete(settings.organisation.timezone)
        return RedirectResponse(f"/reports/{week}", status_code=303)

    @app.get("/reports/{week}", response_class=HTMLResponse, include_in_schema=False)
    def weekly_report(week: str, who: Annotated[Principal, require("findings")]) -> Response:
        """The same page as the weekly HTML file, built for any week on demand."""
        return HTMLResponse(weekly.render_html(weekly.build(engine, settings, Week.parse(week))))

    @app.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
    def dashboard_page(
        session: DB,
        who: Annotated[Principal, require("dashboard")],
        weeks: Annotated[int, Query(ge=1, le=104)] = 12,
    ) -> Response:
        """Built once per data version and week (it reads every finding of its weeks)."""
        until = Week.last_complete(settings.organisation.timezone)
        html = cache.get(
            ("dashboard", weeks, str(until)),
            cache.version(session, "dashboard"),
            lambda: dashboard.render_html(dashboard.build(engine, settings, weeks, until)),
        )
        return HTMLResponse(html)

    @app.get("/status", response_class=HTMLResponse, include_in_schema=False)
    def status_page(
        request: Request, session: DB, who: Annotated[Principal, require("dashboard")]
    ) -> Response:
        return page(
            request,
            "status.html",
            who,
            state=queries.collection_state(session),
            running=queries.jobs_running(session),
        )

    # ---- a person's own page -----------------------------------------------------------

    @app.get("/me", response_class=HTMLResponse, include_in_schema=False)
    def me(request: Request, session: DB, who: Annotated[Principal, require("own")]) -> Response:
        person_id = who.user.person_id or -1
        return page(
            request,
            "me.html",
            who,
            items=queries.list_findings(session, person_id=person_id),
            nudges=queries.own_nudges(session, person_id),
        )

    def _own_finding(session: Session, who: Principal, finding_id: int) -> Finding:
        finding = session.get(Finding, finding_id)
        if finding is None or finding.person_id != who.user.person_id:
            raise Forbidden()
        return finding

    def _decide(
        session: Session, who: Principal, finding_id: int, status: str, note: str | None
    ) -> Finding:
        """A reviewer's decision, audited and committed: the form and the API both use it."""
        decision = parse_decision(status)
        before = session.get(Finding, finding_id)
        was = before.review_status if before is not None else None
        finding, _ = review_finding(session, finding_id, decision, who.user.name, note)
        audit(session, who.user.name, f"review:{status}", f"finding {finding_id}", note)
        session.commit()
        # The dashboard leaves false positives out of its figures: only a decision to or
        # from false positive changes it.
        if ReviewStatus.FALSE_POSITIVE in (was, decision):
            cache.changed("review", "dashboard")
        else:
            cache.changed("review")
        return finding

    def _disagree(session: Session, who: Principal, finding_id: int, text: str) -> FindingNote:
        """A person's note on their own finding, audited and committed (form and API)."""
        _own_finding(session, who, finding_id)
        note = add_note(session, finding_id, who.user.name, text)
        audit(session, who.user.name, "disagree", f"finding {finding_id}")
        session.commit()
        cache.changed("review")
        return note

    @app.post(
        "/me/findings/{finding_id}/disagree", include_in_schema=False, dependencies=[Depends(csrf)]
    )
    def disagree_form(
        finding_id: FindingId,
        session: DB,
        who: Annotated[Principal, require("own")],
        text: Annotated[str, Form(min_length=1, max_length=NOTE_LENGTH, pattern=NO_NUL)],
    ) -> Response:
        _disagree(session, who, finding_id, text)
        return RedirectResponse("/me", status_code=303)

    # ---- admins ----------------------------------------------------------------------------

    @app.get("/admin/people", response_class=HTMLResponse, include_in_schema=False)
    def admin_people(
        request: Request, session: DB, who: Annotated[Principal, require("admin")]
    ) -> Response:
        people = session.exec(select(Person).order_by(Person.name)).all()
        accounts = session.exec(select(Account).order_by(Account.platform)).all()
        by_person: dict[int, list[Account]] = {}
        for account in accounts:
            by_person.setdefault(account.person_id, []).append(account)
        users = session.exec(select(User).order_by(User.name)).all()
        return page(request, "admin.html", who, people=people, accounts=by_person, users=users)

    @app.post("/admin/people", include_in_schema=False, dependencies=[Depends(csrf)])
    def admin_add_person(
        session: DB,
        who: Annotated[Principal, require("admin")],
        name: Name,
        email: Line = "",
        team: Name = "",
        role: Line = "spokesperson",
    ) -> Response:
        upsert_person(session, PersonInput(name, email or None, team or None, role))
        audit(session, who.user.name, "person:add", name)
        session.commit()
        cache.clear()
        return RedirectResponse("/admin/people", status_code=303)

    @app.post("/admin/accounts", include_in_schema=False, dependencies=[Depends(csrf)])
    def admin_add_account(
        session: DB,
        who: Annotated[Principal, require("admin")],
        person: Name,
        platform: Line,
        handle: Line,
    ) -> Response:
        owner = find_person(session, person)
        add_account(session, owner, platform, handle)
        audit(session, who.user.name, "account:add", f"{platform}:{handle}", owner.name)
        session.commit()
        cache.clear()
        return RedirectResponse("/admin/people", status_code=303)

    @app.post("/admin/users", include_in_schema=False, dependencies=[Depends(csrf)])
    def admin_add_user(
        session: DB,
        who: Annotated[Principal, require("admin")],
        name: Name,
        role: Line,
        password: Annotated[str, Form(max_length=1024)],
        person: Name = "",
    ) -> Response:
        add_user(session, name, role, password, person or None)
        audit(session, who.user.name, "user:add", name, role)
        session.commit()
        cache.clear()
        return RedirectResponse("/admin/people", status_code=303)

    @app.get("/admin/audit", response_class=HTMLResponse, include_in_schema=False)
    def audit_log(
        request: Request, session: DB, who: Annotated[Principal, require("admin")]
    ) -> Response:
        rows = session.exec(select(AuditLog).order_by(col(AuditLog.at).desc()).limit(500)).all()
        return page(request, "audit.html", who, rows=rows)

    # ---- JSON API ----------------------------------------------------------------------

    @app.get("/api/findings", tags=["findings"])
    def api_findings(
        session: DB,
        who: Annotated[Principal, require("findings")],
        week: WeekFilter = None,
        rule: RuleFilter = None,
        severity: SeverityFilter = None,
        person: PersonFilter = None,
        status: StatusFilter = None,
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    ) -> list[dict[str, Any]]:
        return queries.list_findings(
            session,
            week=week,
            rule=rule,
            severity=severity,
            person=person,
            status=status,
            limit=limit,
        )

    @app.get("/api/findings/{finding_id}", tags=["findings"])
    def api_finding(
        finding_id: FindingId, session: DB, who: Annotated[Principal, require("findings")]
    ) -> dict[str, Any]:
        return queries.finding_detail(session, _finding(session, finding_id))

    @app.post("/api/findings/{finding_id}/review", tags=["findings"], dependencies=[Depends(csrf)])
    def api_review(
        finding_id: FindingId,
        body: ReviewIn,
        session: DB,
        who: Annotated[Principal, require("findings")],
    ) -> dict[str, Any]:
        _finding(session, finding_id)
        finding = _decide(session, who, finding_id, body.status, body.note)
        return {
            "id": finding.id,
            "status": finding.review_status,
            "reviewed_by": finding.reviewed_by,
        }

    @app.get("/api/me/findings", tags=["own"])
    def api_own(session: DB, who: Annotated[Principal, require("own")]) -> list[dict[str, Any]]:
        return queries.list_findings(session, person_id=who.user.person_id or -1)

    @app.post("/api/me/findings/{finding_id}/disagree", tags=["own"], dependencies=[Depends(csrf)])
    def api_disagree(
        finding_id: FindingId, body: NoteIn, session: DB, who: Annotated[Principal, require("own")]
    ) -> dict[str, Any]:
        note = _disagree(session, who, finding_id, body.text)
        return {"finding": finding_id, "note": note.text}

    @app.get("/api/csrf", tags=["service"])
    def api_csrf(request: Request, who: Annotated[Principal, Depends(signed_in)]) -> Response:
        """The token to send as `X-CSRF-Token` with every write of this sign-in."""
        return with_csrf_cookie(request, JSONResponse({"csrf_token": csrf_of(request, who)}))

    @app.get("/api/status", tags=["service"])
    def api_status(
        session: DB, who: Annotated[Principal, require("dashboard")]
    ) -> list[dict[str, Any]]:
        return queries.collection_state(session)

    @app.get("/api/jobs/running", tags=["service"])
    def api_jobs_running(
        session: DB, who: Annotated[Principal, require("dashboard")]
    ) -> list[dict[str, Any]]:
        return queries.jobs_running(session)

    @app.get("/api/people", tags=["admin"])
    def api_people(
        session: DB, who: Annotated[Principal, require("admin")]
    ) -> list[dict[str, Any]]:
        people = session.exec(select(Person).order_by(Person.name)).all()
        return [
            {"name": p.name, "email": p.email, "team": p.team, "role": p.role, "active": p.active}
            for p in people
        ]

    return app
