"""Admins: people, accounts and users, and the audit log.

A refused form (a misspelt e-mail, an X handle too long, a password too short) comes back as
this page with the message beside the form it belongs to and the values sent filled in again
(the password excepted), status 422: nothing was stored.
"""

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from socialaudit import platforms
from socialaudit.errors import SocialAuditError
from socialaudit.models import Account, AuditLog, Person, User
from socialaudit.registry import PersonInput, add_account, find_person, upsert_person
from socialaudit.users import add_user, audit
from socialaudit.web.forms import Line, Name
from socialaudit.web.messages import for_browser
from socialaudit.web.security import Principal
from socialaudit.web.site import Site

# The admin forms by the path they post to: a refused one is shown again beside its message.
FORMS = {"/admin/people": "person", "/admin/accounts": "account", "/admin/users": "user"}
NEVER_SHOWN_AGAIN = {"password", "csrf_token"}


def registry(session: Session) -> dict[str, Any]:
    people = session.exec(select(Person).order_by(Person.name)).all()
    accounts = session.exec(select(Account).order_by(Account.platform)).all()
    by_person: dict[int, list[Account]] = {}
    for account in accounts:
        by_person.setdefault(account.person_id, []).append(account)
    users = session.exec(select(User).order_by(User.name)).all()
    return {
        "people": people,
        "accounts": by_person,
        "users": users,
        "platforms": platforms.names(),
    }


def form_page(
    site: Site,
    request: Request,
    who: Principal,
    form: str,
    message: str,
    sent: Mapping[str, Any],
    status: int = 422,
) -> HTMLResponse:
    """The admin page with `form` refused: its message, and what was sent filled in again."""
    again = {
        str(key): str(value)
        for key, value in sent.items()
        if key not in NEVER_SHOWN_AGAIN and isinstance(value, str)
    }
    with Session(site.engine) as session:
        return site.page(
            request,
            "admin.html",
            who,
            status,
            failed={"form": form, "message": message, "sent": again},
            **registry(session),
        )


def install(app: FastAPI, site: Site) -> None:
    """Admins: people, accounts and users, and the audit log."""
    DB = site.DB
    require = site.require
    csrf = site.csrf
    page = site.page
    cache = site.cache

    def refused(
        request: Request, session: Session, who: Principal, exc: SocialAuditError, **sent: str
    ) -> HTMLResponse:
        session.rollback()
        form = FORMS[request.url.path]
        return form_page(site, request, who, form, for_browser(str(exc)), sent)

    @app.get("/admin", include_in_schema=False)
    def admin_home(who: Annotated[Principal, require("admin")]) -> Response:
        return RedirectResponse("/admin/people", status_code=303)

    @app.get("/admin/people", response_class=HTMLResponse, include_in_schema=False)
    def admin_people(
        request: Request, session: DB, who: Annotated[Principal, require("admin")]
    ) -> Response:
        return page(request, "admin.html", who, failed=None, **registry(session))

    @app.post("/admin/people", include_in_schema=False, dependencies=[Depends(csrf)])
    def admin_add_person(
        request: Request,
        session: DB,
        who: Annotated[Principal, require("admin")],
        name: Name,
        email: Line = "",
        team: Name = "",
        role: Line = "spokesperson",
    ) -> Response:
        # An existing person keeps what the form left empty (nudges, time zone and language
        # are not on the form at all), as `people add` does.
        given = {"role"} | {key for key, value in (("email", email), ("team", team)) if value}
        try:
            upsert_person(session, PersonInput(name, email or None, team or None, role), given)
        except SocialAuditError as exc:
            return refused(request, session, who, exc, name=name, email=email, team=team, role=role)
        audit(session, who.user.name, "person:add", name)
        session.commit()
        cache.clear()
        return RedirectResponse("/admin/people", status_code=303)

    @app.post("/admin/accounts", include_in_schema=False, dependencies=[Depends(csrf)])
    def admin_add_account(
        request: Request,
        session: DB,
        who: Annotated[Principal, require("admin")],
        person: Name,
        platform: Line,
        handle: Line,
    ) -> Response:
        try:
            owner = find_person(session, person)
            add_account(session, owner, platform, handle)
        except SocialAuditError as exc:
            return refused(
                request, session, who, exc, person=person, platform=platform, handle=handle
            )
        audit(session, who.user.name, "account:add", f"{platform}:{handle}", owner.name)
        session.commit()
        cache.clear()
        return RedirectResponse("/admin/people", status_code=303)

    @app.post("/admin/users", include_in_schema=False, dependencies=[Depends(csrf)])
    def admin_add_user(
        request: Request,
        session: DB,
        who: Annotated[Principal, require("admin")],
        name: Name,
        role: Line,
        password: Annotated[str, Form(max_length=1024)],
        person: Name = "",
    ) -> Response:
        try:
            add_user(session, name, role, password, person or None)
        except SocialAuditError as exc:
            return refused(request, session, who, exc, name=name, role=role, person=person)
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
