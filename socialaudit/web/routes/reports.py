"""Reports and aggregates: the weekly report, the dashboard, the collection status."""

from typing import Annotated

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reports import dashboard, weekly
from socialaudit.web import queries
from socialaudit.web.security import Principal
from socialaudit.web.site import Site
from socialaudit.weeks import Week


def install(app: FastAPI, site: Site) -> None:
    """Reports and aggregates: the weekly report, the dashboard, the collection status."""
    DB = site.DB
    require = site.require
    page = site.page
    cache = site.cache
    settings = site.settings
    engine = site.engine

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
