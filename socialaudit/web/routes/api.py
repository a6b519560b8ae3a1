"""The JSON API under /api/, with the same permissions as the pages."""

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlmodel import select

from socialaudit.models import Person
from socialaudit.web import queries
from socialaudit.web.forms import (
    FindingId,
    NoteIn,
    PersonFilter,
    ReviewIn,
    RuleFilter,
    SeverityFilter,
    StatusFilter,
    WeekFilter,
)
from socialaudit.web.own_findings import visible
from socialaudit.web.security import Principal
from socialaudit.web.site import Site


def install(app: FastAPI, site: Site) -> None:
    """The JSON API under /api/, with the same permissions as the pages."""
    DB = site.DB
    require = site.require
    signed_in = site.signed_in
    csrf = site.csrf
    csrf_of = site.csrf_of
    with_csrf_cookie = site.with_csrf_cookie

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
        return queries.finding_detail(session, site.finding(session, finding_id))

    @app.post("/api/findings/{finding_id}/review", tags=["findings"], dependencies=[Depends(csrf)])
    def api_review(
        finding_id: FindingId,
        body: ReviewIn,
        session: DB,
        who: Annotated[Principal, require("findings")],
    ) -> dict[str, Any]:
        site.finding(session, finding_id)
        finding = site.decide(session, who, finding_id, body.status, body.note)
        return {
            "id": finding.id,
            "status": finding.review_status,
            "reviewed_by": finding.reviewed_by,
        }

    @app.get("/api/me/findings", tags=["own"])
    def api_own(session: DB, who: Annotated[Principal, require("own")]) -> list[dict[str, Any]]:
        own = queries.list_findings(session, person_id=who.user.person_id or -1)
        # As on their page: a `review` finding once a reviewer confirmed it (own_findings).
        return [f for f in own if visible(f["severity"], f["status"])]

    @app.post("/api/me/findings/{finding_id}/disagree", tags=["own"], dependencies=[Depends(csrf)])
    def api_disagree(
        finding_id: FindingId, body: NoteIn, session: DB, who: Annotated[Principal, require("own")]
    ) -> dict[str, Any]:
        note = site.disagree(session, who, finding_id, body.text)
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
