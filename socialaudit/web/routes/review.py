"""The reviewers' pages: the review queue, a finding and its decision form, Undo, and the
collected posts a reviewer can mark as a miss of a rule.

A decision from the queue is one click, so the page it returns to says what was decided and
offers Undo (a CSRF-checked form: no JavaScript needed), which restores what the decision
replaced; both are kept in the finding's review history and in the audit log.
"""

from typing import Annotated
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import Depends, FastAPI, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from reports import review as decisions
from socialaudit.models import Finding, ReviewDecision, ReviewStatus
from socialaudit.users import audit
from socialaudit.web import queries, queue
from socialaudit.web.forms import (
    MAX_PAGE,
    NO_NUL,
    NOTE_LENGTH,
    FindingId,
    Line,
    PersonFilter,
    RuleFilter,
    SearchFilter,
    SeverityFilter,
    SortFilter,
    StatusFilter,
    WeekFilter,
    page_link,
)
from socialaudit.web.routes import posts as post_views
from socialaudit.web.security import Principal, safe_redirect
from socialaudit.web.site import Site

REVIEW_PAGE = 50  # findings per page of the review queue (a global read per request: tests set it)
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
NoticeId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
Back = Annotated[str, Form(max_length=2048, pattern=NO_NUL)]
# What a notice's query parameters are called; they are left out of the page cache's key.
NOTICE_PARAMS = ("decided", "undone")
DECISION_LABELS = {
    ReviewStatus.FALSE_POSITIVE: "false positive",
    ReviewStatus.ACKNOWLEDGED: "acknowledged",
    ReviewStatus.RESOLVED: "resolved",
    ReviewStatus.OPEN: "open again",
}


def with_param(url: str, key: str, value: object) -> str:
    """`url` with one query parameter set (and any earlier notice dropped)."""
    parts = urlsplit(url)
    params = [(k, v) for k, v in parse_qsl(parts.query) if k not in NOTICE_PARAMS and k != key]
    params.append((key, str(value)))
    return urlunsplit(("", "", parts.path, urlencode(params), ""))


def notice(session: Session, decided: int | None, undone: int | None) -> dict[str, object] | None:
    """What the page says after a decision or an undo: the decision, its finding, and
    whether Undo is still possible."""
    number = decided or undone
    if number is None:
        return None
    decision = session.get(ReviewDecision, number)
    if decision is None:
        return None
    finding = session.get(Finding, decision.finding_id)
    return {
        "id": decision.id,
        "finding_id": decision.finding_id,
        "rule": finding.rule_code if finding else "",
        "label": DECISION_LABELS.get(ReviewStatus(decision.status), decision.status),
        "note": decision.note,
        "others": max(0, len(decision.previous) - 1),
        "previous": [p.get("status") for p in decision.previous[:1]],
        "undone": decision.undone_at is not None,
        "undone_by": decision.undone_by,
        "just_undone": undone is not None,
    }


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
    NOTICE_SLOT = f"notice-{CSRF_SLOT}"

    def render_notice(request: Request, who: Principal, found: dict[str, object] | None) -> str:
        if found is None:
            return ""
        kept = [(k, v) for k, v in request.query_params.multi_items() if k not in NOTICE_PARAMS]
        back = request.url.path + (f"?{urlencode(kept)}" if kept else "")
        return render(request, "_decided.html", who, csrf_of(request, who), n=found, back=back)

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
        q: SearchFilter = None,
        disputed: Annotated[bool, Query()] = False,
        sort: SortFilter = None,
        order: Annotated[str | None, Query(alias="dir", pattern=r"^(asc|desc)?$")] = None,
        decided: NoticeId = None,
        undone: NoticeId = None,
        page_number: Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE)] = 1,
    ) -> Response:
        chosen = queue.QueueQuery(
            week=week or None,
            rule=rule or None,
            severity=severity or None,
            person=person or None,
            status=status or None,
            q=q or None,
            disputed=disputed,
            sort=sort or "severity",
            descending=order == "desc",
        )

        def build() -> str:
            items = queue.page(
                session, chosen, limit=REVIEW_PAGE + 1, offset=(page_number - 1) * REVIEW_PAGE
            )
            more = len(items) > REVIEW_PAGE
            filters = {
                "week": week or "",
                "rule": rule or "",
                "severity": severity or "",
                "person": person or "",
                "status": status or "",
                "q": q or "",
            }
            kept = {k: v for k, v in filters.items() if v}
            if disputed:
                kept["disputed"] = "true"
            return render(
                request,
                "review.html",
                who,
                CSRF_SLOT,
                items=items[:REVIEW_PAGE],
                filters=filters,
                disputed=disputed,
                sort=chosen.sort,
                descending=chosen.descending,
                sort_links={
                    column: "/review?"
                    + urlencode(
                        {
                            **kept,
                            "sort": column,
                            "dir": "desc"
                            if column == chosen.sort and not chosen.descending
                            else "asc",
                        }
                    )
                    for column in queue.SORTS
                },
                back="/review" + (f"?{urlencode({**kept, 'sort': chosen.sort})}" if kept else ""),
                notice_slot=NOTICE_SLOT,
                page_number=page_number,
                newer=page_link(request, page_number - 1) if page_number > 1 else None,
                older=page_link(request, page_number + 1) if more else None,
                state=queries.collection_state(session),
                running=queries.jobs_running(session),
            )

        # The page as this user sees it, per query string (which the page links repeat);
        # their session's CSRF token and any notice of their last decision go in per request.
        params = [(k, v) for k, v in request.query_params.multi_items() if k not in NOTICE_PARAMS]
        key = ("review", who.user.name, who.user.role, urlencode(params))
        html = cache.get(key, cache.version(session, "review"), build)
        html = html.replace(
            NOTICE_SLOT, render_notice(request, who, notice(session, decided, undone))
        )
        return with_csrf_cookie(
            request, HTMLResponse(html.replace(CSRF_SLOT, csrf_of(request, who)))
        )

    @app.get("/findings/{finding_id}", response_class=HTMLResponse, include_in_schema=False)
    def finding_page(
        request: Request,
        finding_id: FindingId,
        session: DB,
        who: Annotated[Principal, require("findings")],
        decided: NoticeId = None,
        undone: NoticeId = None,
    ) -> Response:
        finding = site.finding(session, finding_id)
        detail = queries.finding_detail(session, finding)
        return page(
            request,
            "finding.html",
            who,
            f=detail,
            post_id=finding.post_id,
            missed_back=f"/findings/{finding.id}",
            review_history=decisions.review_history(session, finding),
            missed=post_views.misses(session, finding.post_id) if finding.post_id else [],
            rules=decisions.missable_rules(),
            decision_labels=DECISION_LABELS,
            notice_html=render_notice(request, who, notice(session, decided, undone)),
        )

    @app.post(
        "/findings/{finding_id}/review", include_in_schema=False, dependencies=[Depends(csrf)]
    )
    def review_form(
        finding_id: FindingId,
        session: DB,
        who: Annotated[Principal, require("findings")],
        status: Line = "",
        note: Annotated[str, Form(max_length=NOTE_LENGTH, pattern=NO_NUL)] = "",
        back: Back = "/review",
    ) -> Response:
        if status not in {d.value for d in decisions.DECISIONS}:
            raise HTTPException(
                422, "Choose a decision: false positive, acknowledged, resolved or open."
            )
        site.finding(session, finding_id)
        before = decisions.latest_decision(session, finding_id)
        site.decide(session, who, finding_id, status, note or None)
        after = decisions.latest_decision(session, finding_id)
        target = safe_redirect(back, "/review")
        if after is not None and (before is None or after.id != before.id):
            target = with_param(target, "decided", after.id)
        return RedirectResponse(target, status_code=303)

    @app.post(
        "/review/decisions/{decision_id}/undo",
        include_in_schema=False,
        dependencies=[Depends(csrf)],
    )
    def undo_form(
        decision_id: RowId,
        session: DB,
        who: Annotated[Principal, require("findings")],
        back: Back = "/review",
    ) -> Response:
        decision = decisions.undo_decision(session, decision_id, who.user.name)
        audit(
            session,
            who.user.name,
            "review:undo",
            f"finding {decision.finding_id}",
            f"undid {decision.status} by {decision.actor}",
        )
        session.commit()
        cache.changed("review", "dashboard", by=who.user.name)
        target = with_param(safe_redirect(back, "/review"), "undone", decision.id)
        return RedirectResponse(target, status_code=303)

    post_views.install(app, site)
