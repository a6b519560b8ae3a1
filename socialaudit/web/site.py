"""What every router of the web app shares: the database session, who is signed in, the
permission and CSRF checks, the one layout helper that renders a page, the page cache, and
the review writes that the pages and the JSON API both make.

One `Site` per app (`create_app`); each router in `socialaudit.web.routes` is built from it.
"""

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from reports.review import add_note, parse_decision, review_finding
from reports.templating import environment
from socialaudit.config import Settings
from socialaudit.errors import UsageError
from socialaudit.models import Finding, FindingNote, Person, ReviewStatus, User
from socialaudit.users import audit
from socialaudit.web.cache import PageCache
from socialaudit.web.own_findings import visible_to_the_person
from socialaudit.web.picker import Picker, Span, span
from socialaudit.web.security import (
    SESSION_COOKIE,
    LoginThrottle,
    Principal,
    from_trusted_proxy,
    load_session,
    new_token,
    proxy_csrf_cookie,
    proxy_csrf_token,
    same,
    secure_cookie,
)
from socialaudit.web.times import Clock, zone
from socialaudit.weeks import Week

# Where the week picker leads from a page of each area (the query field is `week`).
PICKER_TARGETS = ("/reports", "/dashboard", "/review", "/me")
# The query fields a picker keeps when it changes the week of the page it is on.
PICKER_DROPS = {"week", "page"}


class NotSignedIn(Exception):
    pass


class Forbidden(Exception):
    pass


class Site:
    """The app's shared state, its dependencies and its layout helper."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.web = settings.web
        self.engine = engine
        self.throttle = LoginThrottle(limit=max(self.web.login_attempts * 4, 10))
        self.templates = environment()
        self.cache = PageCache()
        # Stands for the CSRF token in cached pages; random, so no stored text can contain it.
        self.csrf_slot = f"csrf-{new_token()}"
        self._dependencies()

    def _dependencies(self) -> None:
        """The dependencies as closures over this site (FastAPI reads their signatures)."""
        web = self.web

        def db() -> Iterator[Session]:
            with Session(self.engine, expire_on_commit=False) as session:
                yield session

        DB = Annotated[Session, Depends(db)]

        def principal(request: Request, session: DB) -> Principal | None:
            return self.identify(session, request)

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
            """State-changing requests carry the CSRF token (form field or header): the
            session's, or with a proxy sign-in (the browser sends its header on a forged post
            too) the double-submit cookie's."""
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

        self.db, self.DB, self.principal, self.require = db, DB, principal, require
        self.signed_in, self.csrf = signed_in, csrf

    def identify(self, session: Session, request: Request) -> Principal | None:
        """Who sent the request: the trusted proxy's user header, else the session cookie
        (also what an error page uses to show the navigation of whoever is signed in)."""
        header = self.web.trusted_user_header
        if header and header in request.headers and from_trusted_proxy(request, self.web):
            user = session.exec(
                select(User).where(User.name == request.headers[header], User.active)
            ).first()
            return Principal(user, None) if user else None
        loaded = load_session(session, request.cookies.get(SESSION_COOKIE))
        return Principal(*loaded) if loaded else None

    # ---- the layout ----------------------------------------------------------------------

    def clock(self, session: Session, who: Principal | None) -> Clock:
        """Times in the viewer's zone: a registered person's own, else the organisation's."""
        own = None
        if who is not None and who.user.person_id is not None:
            person = session.get(Person, who.user.person_id)
            own = person.timezone if person is not None else None
        return Clock(zone(own, self.settings.organisation.timezone))

    def span(self, session: Session) -> Span:
        return span(session, self.settings.organisation.timezone)

    def week_in_span(self, session: Session, text: str) -> Week:
        """A week from a request: well formed (else 400) and one the app can show (else 404)."""
        return self.span(session).check(Week.parse(text))

    def picker(
        self, request: Request, who: Principal, weeks: Span, selected: Week | None
    ) -> Picker | None:
        """The week form for this page: it changes this page's week where the page has one,
        elsewhere it opens the role's own weekly page (report, dashboard or own findings)."""
        path = request.url.path
        action = next((t for t in PICKER_TARGETS if path == t or path.startswith(t + "/")), None)
        allowed = {
            "/reports": who.may("findings"),
            "/review": who.may("findings"),
            "/dashboard": who.may("dashboard"),
            "/me": who.may("own"),
        }
        if action is None or not allowed[action]:
            action = next((t for t in ("/reports", "/dashboard", "/me") if allowed[t]), None)
        if action is None:
            return None
        if selected is None and path.startswith(action):
            try:
                selected = Week.parse(request.query_params.get("week") or "")
            except UsageError:
                selected = None
        keep: tuple[tuple[str, str], ...] = ()
        if path == action:
            keep = tuple(
                (k, v) for k, v in request.query_params.multi_items() if k not in PICKER_DROPS
            )
        if selected is None and action not in ("/review", "/me"):
            selected = weeks.latest  # the report and the dashboard are always about a week
        return Picker(action, selected, weeks, keep)

    def layout(
        self, request: Request, who: Principal | None, selected: Week | None = None
    ) -> dict[str, Any]:
        """What the layout needs besides the page's own context: the viewer's clock and the
        week picker (one short read: the viewer's zone, the span of weeks with data)."""
        if who is None:
            return {"when": Clock(zone(None, self.settings.organisation.timezone)), "picker": None}
        with Session(self.engine) as session:
            return {
                "when": self.clock(session, who),
                "picker": self.picker(request, who, self.span(session), selected),
            }

    def csrf_of(self, request: Request, who: Principal | None) -> str:
        """The token this user's forms carry (see `csrf`); `with_csrf_cookie` sets a new one."""
        if who is None:
            return ""
        if who.session is not None:
            return who.session.csrf_token
        return proxy_csrf_token(request, self.web)

    def with_csrf_cookie(self, request: Request, response: Response) -> Response:
        fresh = getattr(request.state, "new_csrf", None)
        if fresh:
            response.set_cookie(
                proxy_csrf_cookie(request, self.web),
                fresh,
                httponly=True,
                samesite="lax",
                secure=secure_cookie(request, self.web),
                path="/",
            )
        return response

    def render(
        self,
        request: Request,
        name: str,
        who: Principal | None,
        csrf: str,
        picked: Week | None = None,
        **context: Any,
    ) -> str:
        """A page in the one layout (`web/base.html`): navigation by role, sign-out, the week
        picker showing `picked` (else the request's `week`, else the latest with data)."""
        return self.templates.get_template(f"web/{name}").render(
            **self.frame(request, who, csrf, picked), **context
        )

    def frame(
        self, request: Request, who: Principal | None, csrf: str, week: Week | None = None
    ) -> dict[str, Any]:
        """The layout's own context, for the app's pages and the reports shown inside it."""
        return {
            "who": who,
            "csrf": csrf,
            "path": request.url.path,
            "org": self.settings.organisation.name,
            **self.layout(request, who, week),
        }

    def page(
        self,
        request: Request,
        name: str,
        who: Principal | None,
        status: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        html = self.render(request, name, who, self.csrf_of(request, who), **context)
        return self.with_csrf_cookie(request, HTMLResponse(html, status_code=status))

    # ---- writes the pages and the API share ----------------------------------------------

    def finding(self, session: Session, finding_id: int) -> Finding:
        finding = session.get(Finding, finding_id)
        if finding is None:
            raise HTTPException(404, "no such finding")
        return finding

    def own_finding(self, session: Session, who: Principal, finding_id: int) -> Finding:
        finding = session.get(Finding, finding_id)
        if finding is None or finding.person_id != who.user.person_id:
            raise Forbidden()
        return finding

    def decide(
        self, session: Session, who: Principal, finding_id: int, status: str, note: str | None
    ) -> Finding:
        """A reviewer's decision, audited and committed: the form and the API both use it."""
        decision = parse_decision(status)
        before = session.get(Finding, finding_id)
        was = before.review_status if before is not None else None
        finding, _ = review_finding(session, finding_id, decision, who.user.name, note)
        audit(session, who.user.name, f"review:{status}", f"finding {finding_id}", note)
        session.commit()
        # The dashboard leaves false positives out of its figures: only a decision to or
        # from false positive changes it. Other reviewers' queues follow within a second.
        if ReviewStatus.FALSE_POSITIVE in (was, decision):
            self.cache.changed("review", "dashboard", by=who.user.name)
        else:
            self.cache.changed("review", by=who.user.name)
        return finding

    def disagree(self, session: Session, who: Principal, finding_id: int, text: str) -> FindingNote:
        """A person's note on their own finding, audited and committed (form and API); a
        finding they may not see yet (`own_findings.visible_to_the_person`) is not found."""
        if not visible_to_the_person(self.own_finding(session, who, finding_id)):
            raise HTTPException(404, "no such finding")
        note = add_note(session, finding_id, who.user.name, text)
        audit(session, who.user.name, "disagree", f"finding {finding_id}")
        session.commit()
        self.cache.changed("review")
        return note
