"""The one layout of every page (navigation by role, sign-out, week picker) and times in the
viewer's zone, through real HTTP requests to the app, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from socialaudit.models import AuditLog, Finding, Nudge, Person
from socialaudit.web.picker import span
from socialaudit.web.times import Clock, zone
from socialaudit.weeks import Week
from tests.factories import BASE_TIME
from tests.web.test_app import client, seeded, sign_in  # noqa: F401 (fixtures)

DATA_WEEK = str(Week.of(BASE_TIME, "Europe/London"))  # the seeded posts' and findings' week
NAV = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)


def nav_links(html: str) -> list[str]:
    match = NAV.search(html)
    assert match, "no navigation"
    return re.findall(r'<a href="([^"]+)"', match.group(1))


def picker(html: str) -> str:
    match = re.search(r'<form method="get" action="([^"]+)" aria-label="Choose a week">', html)
    assert match, "no week picker"
    return match.group(1)


def picked(html: str) -> str:
    match = re.search(r'<input type="week" name="week" value="([^"]*)"', html)
    assert match
    return match.group(1)


PAGES = {
    "rita": ["/review", "/reports/" + DATA_WEEK, "/dashboard", "/status", "/findings/{id}"],
    "max": ["/dashboard", "/status"],
    "ana": ["/me"],
    "ada": ["/admin/people", "/admin/audit", "/review", "/reports/" + DATA_WEEK, "/dashboard"],
}
NAVIGATION = {
    "rita": ["/review", "/reports", "/dashboard", "/status"],
    "max": ["/dashboard", "/status"],
    "ana": ["/me"],
    "ada": ["/review", "/reports", "/dashboard", "/status", "/admin/people", "/admin/audit"],
}


@pytest.mark.parametrize("user", sorted(PAGES))
def test_every_page_has_the_navigation_of_its_role_sign_out_and_a_week_picker(
    client: TestClient,  # noqa: F811
    seeded: Engine,  # noqa: F811
    user: str,
) -> None:
    sign_in(client, user)
    with Session(seeded) as session:
        finding_id = session.exec(select(Finding.id)).first()
    for path in PAGES[user]:
        page = client.get(path.format(id=finding_id))
        assert page.status_code == 200, (path, page.text[:300])
        assert nav_links(page.text) == NAVIGATION[user], path
        assert 'action="/logout"' in page.text and "Sign out" in page.text, path
        assert picker(page.text) in {"/reports", "/dashboard", "/review", "/me"}, path
        current = re.findall(r'<a href="([^"]+)" aria-current="page">', page.text)
        assert current == [href for href in NAVIGATION[user] if path.startswith(href)], path


def test_weekly_report_opens_the_latest_week_with_data_and_the_picker_any_week(
    client: TestClient,  # noqa: F811
    seeded: Engine,  # noqa: F811
) -> None:
    sign_in(client, "rita")
    latest = client.get("/reports")
    assert latest.status_code == 303 and latest.headers["location"] == f"/reports/{DATA_WEEK}"
    report = client.get(f"/reports/{DATA_WEEK}")
    assert picker(report.text) == "/reports" and picked(report.text) == DATA_WEEK
    assert "Ana Lima" in report.text and "Compliance" in report.text
    later = Week.parse(DATA_WEEK).next()
    assert f'<a href="/reports/{later}">Next week</a>' in report.text
    assert "Previous week" not in report.text  # nothing was monitored before the data week
    chosen = client.get("/reports", params={"week": str(later)})
    assert chosen.headers["location"] == f"/reports/{later}"
    page = client.get(f"/reports/{later}")
    assert page.status_code == 200 and picked(page.text) == str(later)
    assert f"Latest week with data ({DATA_WEEK})" in page.text


def test_dashboard_ends_at_the_picked_week(client: TestClient, seeded: Engine) -> None:  # noqa: F811
    sign_in(client, "max")
    board = client.get("/dashboard")
    assert picked(board.text) == DATA_WEEK and f"to {DATA_WEEK}" in board.text
    later = str(Week.parse(DATA_WEEK).next())
    moved = client.get("/dashboard", params={"week": later, "weeks": 4})
    assert moved.status_code == 200 and f"to {later}" in moved.text
    assert picked(moved.text) == later
    assert '<input type="hidden" name="weeks" value="4">' in moved.text  # kept by the picker


def test_the_queue_and_the_own_page_filter_by_the_picked_week(
    client: TestClient,  # noqa: F811
    seeded: Engine,  # noqa: F811
) -> None:
    sign_in(client, "ana")
    own = client.get("/me")
    assert picker(own.text) == "/me" and picked(own.text) == ""
    later = str(Week.parse(DATA_WEEK).next())
    empty = client.get("/me", params={"week": later})
    assert empty.status_code == 200 and f"Your findings · <bdi>{later}</bdi>" in empty.text
    assert "Nothing to report" in empty.text
    assert "Nothing to report" not in client.get("/me", params={"week": DATA_WEEK}).text
    client.cookies.clear()
    sign_in(client, "rita")
    queue = client.get("/review", params={"status": "open", "week": DATA_WEEK})
    assert picker(queue.text) == "/review" and picked(queue.text) == DATA_WEEK
    assert '<input type="hidden" name="status" value="open">' in queue.text


def test_the_span_runs_from_the_first_week_with_data_to_now(seeded: Engine) -> None:  # noqa: F811
    with Session(seeded) as session:
        weeks = span(session, "Europe/London", now=datetime(2026, 12, 2, tzinfo=UTC))
        assert (str(weeks.first), str(weeks.latest), str(weeks.current)) == (
            DATA_WEEK,
            DATA_WEEK,
            "2026-W49",
        )
        # Data stamped by a clock ahead of this one widens the span rather than vanishing.
        early = span(session, "Europe/London", now=datetime(2026, 11, 2, tzinfo=UTC))
        assert str(early.current) == DATA_WEEK


def test_an_empty_store_offers_the_current_week(engine: Engine) -> None:
    with Session(engine) as session:
        weeks = span(session, "Europe/London", now=datetime(2026, 12, 2, tzinfo=UTC))
    assert weeks.first == weeks.latest == weeks.current == Week.parse("2026-W49")


def test_times_are_in_the_viewers_zone_without_microseconds(
    client: TestClient,  # noqa: F811
    seeded: Engine,  # noqa: F811
) -> None:
    sent = datetime(2026, 7, 1, 12, 30, 45, 123456, tzinfo=UTC)
    with Session(seeded) as session:
        ana = session.exec(select(Person).where(Person.name == "Ana Lima")).one()
        ana.timezone = "Europe/Madrid"
        session.add(ana)
        # Late in the evening in UTC: already the next day in Madrid.
        late = datetime(2026, 7, 1, 23, 30, 45, 123456, tzinfo=UTC)
        session.add(Nudge(person_id=ana.id, week="2026-W27", sent_at=late, message_id="<m@x>"))
        session.add(AuditLog(at=sent, actor="ada", action="test", target="t"))
        session.commit()
    sign_in(client, "ana")
    own = client.get("/me").text
    shown = re.sub(r"<[^>]+>", "", own)  # the text a reader sees
    # The person's page gives the date in their language, in their own zone (Madrid).
    assert "sent July 2, 2026" in shown and "July 1, 2026" not in shown
    assert "23:30" not in shown and "123456" not in own
    client.cookies.clear()
    sign_in(client, "ada")
    log = client.get("/admin/audit").text
    assert "2026-07-01 13:30 BST" in log  # the organisation's zone for a user who is no person
    assert '<time datetime="2026-07-01T12:30:45Z">' in log
    assert ".123456" not in log and "+00:00" not in log


def test_clock_converts_with_the_zone_database() -> None:
    madrid = Clock(ZoneInfo("Europe/Madrid"))
    assert madrid.text(datetime(2026, 1, 15, 8, 0, tzinfo=UTC)) == "2026-01-15 09:00 CET"
    assert madrid.text("2026-03-29T01:30:00+00:00") == "2026-03-29 03:30 CEST"  # DST starts
    assert madrid.text(datetime(2026, 1, 15, 8, 0, 5, 999)) == "2026-01-15 09:00 CET"  # naive=UTC
    assert madrid.text(None) == "" and str(madrid(None)) == ""
    assert zone("Not/AZone", "Europe/London").key == "Europe/London"
    assert zone(None, "").key == "UTC"
