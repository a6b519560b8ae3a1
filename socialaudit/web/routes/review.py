"""The reviewers' pages: the review queue, a finding and its decision form."""

from typing import Annotated

from fastapi import Depends, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socialaudit.web import queries
from socialaudit.web.forms import (
    MAX_PAGE,
    NO_NUL,
    NOTE_LENGTH,
    FindingId,
    Line,
    PersonFilter,
    RuleFilter,
    SeverityFilter,
    StatusFilter,
    WeekFilter,
    page_link,
)
from socialaudit.web.security import Principal, safe_redirect
from socialaudit.web.site import Site

REVIEW_PAGE = 50  # findings per page of the review queue (a global read per request: tests set it)


def install(app: FastAPI, site: Site) -> None:
    """The reviewers' pages: the review queue, a finding and its decision form."""
    DB = site.DB
    require = site.require
    csrf = site.csrf
    page = site.page
    render = site.render
    cache = site.cache
    csrf_of = site.csrf_of
    with_csrf_cookie = site.with_csrf_cookie
    CSRF_SLOT = site.csrf_slot

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
                newer=page_link(request, page_number - 1) if page_number > 1 else None,
                older=page_link(request, page_number + 1) if more else None,
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

    @app.get("/findings/{finding_id}", response_class=HTMLResponse, include_in_schema=False)
    def finding_page(
        request: Request,
        finding_id: FindingId,
        session: DB,
        who: Annotated[Principal, require("findings")],
    ) -> Response:
        detail = queries.finding_detail(session, site.finding(session, finding_id))
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
        site.decide(session, who, finding_id, status, note or None)
        return RedirectResponse(safe_redirect(back, "/review"), status_code=303)
