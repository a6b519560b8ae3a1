"""A person's own page: their findings, their nudges, "I disagree"."""

from typing import Annotated

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socialaudit.web import queries
from socialaudit.web.forms import NO_NUL, NOTE_LENGTH, FindingId, WeekFilter
from socialaudit.web.security import Principal
from socialaudit.web.site import Site


def install(app: FastAPI, site: Site) -> None:
    """A person's own page: their findings, their nudges, "I disagree"."""
    DB = site.DB
    require = site.require
    csrf = site.csrf
    page = site.page

    @app.get("/me", response_class=HTMLResponse, include_in_schema=False)
    def me(
        request: Request,
        session: DB,
        who: Annotated[Principal, require("own")],
        week: WeekFilter = None,
    ) -> Response:
        """Every finding of the person's, or one week's (the layout's week picker)."""
        person_id = who.user.person_id or -1
        chosen = site.week_in_span(session, week) if week else None
        return page(
            request,
            "me.html",
            who,
            picked=chosen,
            week=str(chosen) if chosen else None,
            items=queries.list_findings(
                session, person_id=person_id, week=str(chosen) if chosen else None
            ),
            nudges=queries.own_nudges(session, person_id),
        )

    @app.post(
        "/me/findings/{finding_id}/disagree", include_in_schema=False, dependencies=[Depends(csrf)]
    )
    def disagree_form(
        finding_id: FindingId,
        session: DB,
        who: Annotated[Principal, require("own")],
        text: Annotated[str, Form(min_length=1, max_length=NOTE_LENGTH, pattern=NO_NUL)],
    ) -> Response:
        site.disagree(session, who, finding_id, text)
        return RedirectResponse("/me", status_code=303)
