"""Admins: people, accounts and users, and the audit log."""

from typing import Annotated

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import col, select

from socialaudit import platforms
from socialaudit.models import Account, AuditLog, Person, User
from socialaudit.registry import PersonInput, add_account, find_person, upsert_person
from socialaudit.users import add_user, audit
from socialaudit.web.forms import Line, Name
from socialaudit.web.security import Principal
from socialaudit.web.site import Site


def install(app: FastAPI, site: Site) -> None:
    """Admins: people, accounts and users, and the audit log."""
    DB = site.DB
    require = site.require
    csrf = site.csrf
    page = site.page
    cache = site.cache

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
        return page(
            request,
            "admin.html",
            who,
            people=people,
            accounts=by_person,
            users=users,
            platforms=platforms.names(),
        )

    @app.post("/admin/people", include_in_schema=False, dependencies=[Depends(csrf)])
    def admin_add_person(
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
        upsert_person(session, PersonInput(name, email or None, team or None, role), given)
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
