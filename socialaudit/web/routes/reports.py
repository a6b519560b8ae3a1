"""Reports and aggregates: the weekly report, the dashboard, the collection status.

The report and the dashboard are the same pages as their HTML files, drawn inside the app's
layout (navigation, sign-out, the week picker). "Weekly report" opens the latest week with
data; the picker (`?week=`) opens any week the app can show, and a week outside them is a
404 page that names the weeks that can be chosen.
"""

import threading
from collections import OrderedDict
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reports import dashboard, weekly
from socialaudit.web import queries
from socialaudit.web.forms import WeekFilter
from socialaudit.web.security import Principal
from socialaudit.web.site import Site
from socialaudit.weeks import Week

IN_APP = "web/report.html"
DRAWN = 256  # dashboard pages kept drawn, per viewer and weeks


def install(app: FastAPI, site: Site) -> None:
    """Reports and aggregates: the weekly report, the dashboard, the collection status."""
    DB = site.DB
    require = site.require
    page = site.page
    cache = site.cache
    settings = site.settings
    engine = site.engine

    def in_app(
        request: Request, who: Principal, week: Week, csrf: str | None = None
    ) -> dict[str, object]:
        token = site.csrf_of(request, who) if csrf is None else csrf
        return {"layout": IN_APP, **site.frame(request, who, token, week)}

    # The dashboard as each viewer saw it, for the figures it was drawn from: drawing it
    # (6 ms of CPU) would otherwise be the most of a cached dashboard request. The CSRF
    # token goes in per request, as on the review queue.
    drawn: OrderedDict[tuple[Any, ...], tuple[object, str]] = OrderedDict()
    drawn_lock = threading.Lock()

    @app.get("/reports", include_in_schema=False)
    def latest_report(
        session: DB, who: Annotated[Principal, require("findings")], week: WeekFilter = None
    ) -> Response:
        """The picker's week (`?week=`), else the latest week with data."""
        chosen = site.week_in_span(session, week) if week else site.span(session).latest
        return RedirectResponse(f"/reports/{chosen}", status_code=303)

    @app.get("/reports/{week}", response_class=HTMLResponse, include_in_schema=False)
    def weekly_report(
        request: Request, week: str, session: DB, who: Annotated[Principal, require("findings")]
    ) -> Response:
        """The same page as the weekly HTML file, built for any week on demand."""
        chosen = site.week_in_span(session, week)
        html = weekly.render_html(
            weekly.build(engine, settings, chosen), **in_app(request, who, chosen)
        )
        return site.with_csrf_cookie(request, HTMLResponse(html))

    @app.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
    def dashboard_page(
        request: Request,
        session: DB,
        who: Annotated[Principal, require("dashboard")],
        weeks: Annotated[int, Query(ge=1, le=104)] = 12,
        week: WeekFilter = None,
    ) -> Response:
        """`weeks` weeks up to the picker's week (else the latest with data). The figures are
        built once per data version and weeks (they read every finding of their weeks); the
        page around them is drawn for its viewer."""
        until = site.week_in_span(session, week) if week else site.span(session).latest
        board = cache.get(
            ("dashboard", weeks, str(until)),
            cache.version(session, "dashboard"),
            lambda: dashboard.build(engine, settings, weeks, until),
        )
        key = (who.user.name, who.user.role, str(request.query_params), str(until))
        with drawn_lock:
            seen = drawn.get(key)
        if seen is not None and seen[0] is board:
            html = seen[1]
        else:
            html = dashboard.render_html(board, **in_app(request, who, until, site.csrf_slot))
            with drawn_lock:
                drawn[key] = (board, html)
                drawn.move_to_end(key)
                while len(drawn) > DRAWN:
                    drawn.popitem(last=False)
        html = html.replace(site.csrf_slot, site.csrf_of(request, who))
        return site.with_csrf_cookie(request, HTMLResponse(html))

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
