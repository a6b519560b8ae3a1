"""A person's own page: their findings in their language, their nudges, "I disagree".

"I disagree" takes two steps: the form shows what will be sent and asks to confirm (nothing is
stored yet), the confirmation stores the note and comes back to the page with a message that
it was sent. A finding the person may not see yet (a `review` finding no reviewer confirmed,
see `socialaudit.web.own_findings`) cannot be disagreed with: it is "not found" to them.
"""

from typing import Annotated, Literal

from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from reports.i18n import Language, for_language
from reports.nudge_texts import motto
from socialaudit.models import Nudge, Person
from socialaudit.web.forms import NO_NUL, NOTE_LENGTH, FindingId, WeekFilter
from socialaudit.web.own_findings import OwnFinding, own_findings, visible_to_the_person, zone
from socialaudit.web.security import Principal
from socialaudit.web.site import Site


def person_of(session: Session, who: Principal) -> Person | None:
    return session.get(Person, who.user.person_id) if who.user.person_id else None


def language_of(person: Person | None) -> Language:
    return for_language(person.language if person else None)


def own_nudges(session: Session, person: Person, language: Language) -> list[dict[str, str]]:
    """The nudges sent to the person, newest first, dates and counts in their language."""
    rows = session.exec(
        select(Nudge).where(Nudge.person_id == person.id).order_by(col(Nudge.week).desc())
    ).all()
    return [
        {
            "week": n.week,
            "sent": language.full_date(n.sent_at.astimezone(zone(person.timezone))),
            "count": language.ngettext("%(num)s item", "%(num)s items", len(n.finding_ids))
            % {"num": language.number(len(n.finding_ids))},
        }
        for n in rows
    ]


def install(app: FastAPI, site: Site) -> None:
    """A person's own page: their findings, their nudges, "I disagree"."""
    DB = site.DB
    require = site.require
    csrf = site.csrf
    page = site.page

    def findings_of(
        session: Session, person: Person | None, language: Language
    ) -> list[OwnFinding]:
        if person is None or person.id is None:
            return []
        return own_findings(session, person.id, language, person.timezone)

    @app.get("/me", response_class=HTMLResponse, include_in_schema=False)
    def me(
        request: Request,
        session: DB,
        who: Annotated[Principal, require("own")],
        sent: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
        week: WeekFilter = None,
    ) -> Response:
        """Every finding of the person's, or one week's (the layout's week picker)."""
        person = person_of(session, who)
        language = language_of(person)
        chosen = site.week_in_span(session, week) if week else None
        items = findings_of(session, person, language)
        if chosen is not None:
            items = [f for f in items if f.week == str(chosen)]
        return page(
            request,
            "me.html",
            who,
            picked=chosen,
            week=str(chosen) if chosen else None,
            items=items,
            nudges=own_nudges(session, person, language) if person else [],
            sent=sent,
            motto=motto(language.code),
            **language.context(),
        )

    @app.post(
        "/me/findings/{finding_id}/disagree", include_in_schema=False, dependencies=[Depends(csrf)]
    )
    def disagree_form(
        request: Request,
        finding_id: FindingId,
        session: DB,
        who: Annotated[Principal, require("own")],
        text: Annotated[str, Form(min_length=1, max_length=NOTE_LENGTH, pattern=NO_NUL)],
        confirmed: Annotated[Literal["yes"] | None, Form()] = None,
    ) -> Response:
        if not visible_to_the_person(site.own_finding(session, who, finding_id)):
            raise HTTPException(404, "no such finding")
        if not text.strip():
            raise HTTPException(422, "Say in a few words why you disagree.")
        if confirmed != "yes":
            person = person_of(session, who)
            language = language_of(person)
            row = next(f for f in findings_of(session, person, language) if f.id == finding_id)
            return page(request, "me_confirm.html", who, item=row, text=text, **language.context())
        site.disagree(session, who, finding_id, text)
        return RedirectResponse(f"/me?sent={finding_id}#finding-{finding_id}", status_code=303)
