"""The web app through real HTTP requests to the ASGI app: roles, sessions, CSRF, escaping."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from socialaudit.config import load_settings
from socialaudit.models import AuditLog, Finding, FindingNote, JobRun, Person, WebSession
from socialaudit.web.app import create_app
from socialaudit.web.security import SESSION_COOKIE
from tests.web.seed import PASSWORD, XSS, seed_web


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_web(engine)
    return engine


def client_for(engine: Engine, **web: object) -> TestClient:
    settings = load_settings(environ={})
    for key, value in web.items():
        setattr(settings.web, key, value)
    return TestClient(create_app(settings, engine), follow_redirects=False)


@pytest.fixture
def client(seeded: Engine) -> Iterator[TestClient]:
    with client_for(seeded) as c:
        yield c


def login_token(client: TestClient) -> str:
    page = client.get("/login")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    token = login_token(client)
    response = client.post(
        "/login", data={"name": name, "password": password, "csrf_token": token, "next": "/"}
    )
    assert response.status_code == 303, response.text
    landing = client.get("/").headers["location"]
    page = client.get("/status" if landing == "/dashboard" else landing)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match
    return match.group(1)


def test_unauthenticated_requests_are_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/review")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/review"
    assert client.get("/api/findings").status_code == 401


def test_reviewer_marks_false_positive_and_it_leaves_the_queue(
    client: TestClient, seeded: Engine
) -> None:
    csrf = sign_in(client, "rita")
    queue = client.get("/review")
    assert queue.status_code == 200
    assert "Ana Lima" in queue.text and "Ben Okafor" in queue.text
    with Session(seeded) as session:
        target = session.exec(select(Finding).where(Finding.rule_code == "RSP501")).first()
        assert target is not None
    response = client.post(
        f"/findings/{target.id}/review",
        data={"status": "false-positive", "note": "quote of a troll", "csrf_token": csrf},
    )
    assert response.status_code == 303
    queue = client.get("/review")
    assert f'/findings/{target.id}"' not in queue.text
    with Session(seeded) as session:
        row = session.get(Finding, target.id)
        assert row is not None and row.review_status == "false-positive"
        assert row.reviewed_by == "rita" and row.review_note == "quote of a troll"
        log = session.exec(select(AuditLog).where(AuditLog.action == "review:false-positive")).one()
        assert log.actor == "rita" and log.target == f"finding {target.id}"


def test_manager_sees_no_finding_and_no_name(client: TestClient, seeded: Engine) -> None:
    sign_in(client, "max")
    with Session(seeded) as session:
        finding_id = session.exec(select(Finding.id)).first()
    assert client.get(f"/findings/{finding_id}").status_code == 403
    assert client.get("/review").status_code == 403
    assert client.get("/api/findings").status_code == 403
    assert client.get(f"/api/findings/{finding_id}").status_code == 403
    assert client.get("/admin/people").status_code == 403
    status = client.get("/status")
    assert status.status_code == 200
    assert "Ana Lima" not in status.text and "Ben Okafor" not in status.text


def test_person_sees_only_their_own_and_can_disagree(client: TestClient, seeded: Engine) -> None:
    csrf = sign_in(client, "ana")
    page = client.get("/me")
    assert page.status_code == 200
    assert "post 1 by Ana Lima" in page.text  # her own post, shown with its finding
    assert "post 0 by Ben Okafor" not in page.text  # never anyone else's
    own = client.get("/api/me/findings").json()
    assert own and {f["person"] for f in own} == {"Ana Lima"}
    with Session(seeded) as session:
        ben = session.exec(select(Person).where(Person.name == "Ben Okafor")).one()
        bens = session.exec(select(Finding).where(Finding.person_id == ben.id)).first()
    assert bens is not None
    assert client.get("/review").status_code == 403
    assert (
        client.post(
            f"/api/me/findings/{bens.id}/disagree",
            json={"text": "not me"},
            headers={"X-CSRF-Token": csrf},
        ).status_code
        == 403
    )
    mine = own[0]["id"]
    response = client.post(
        f"/me/findings/{mine}/disagree",
        data={"text": "This was a quote, not my words", "csrf_token": csrf, "confirmed": "yes"},
    )
    assert response.status_code == 303
    with Session(seeded) as session:
        note = session.exec(select(FindingNote)).one()
        assert (note.finding_id, note.author) == (mine, "ana")
    # Reviewers see it on the finding's page.
    client.cookies.clear()
    sign_in(client, "rita")
    assert "This was a quote, not my words" in client.get(f"/findings/{mine}").text


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_csrf_missing_or_wrong_is_refused(
    client: TestClient, seeded: Engine, token: str | None
) -> None:
    sign_in(client, "rita")
    with Session(seeded) as session:
        finding_id = session.exec(select(Finding.id)).first()
    data = {"status": "resolved"}
    if token is not None:
        data["csrf_token"] = token
    assert client.post(f"/findings/{finding_id}/review", data=data).status_code == 403
    headers = {} if token is None else {"X-CSRF-Token": token}
    assert (
        client.post(
            f"/api/findings/{finding_id}/review", json={"status": "resolved"}, headers=headers
        ).status_code
        == 403
    )
    with Session(seeded) as session:
        assert session.get(Finding, finding_id).review_status == "open"  # type: ignore[union-attr]


def test_login_form_needs_its_csrf_cookie(client: TestClient) -> None:
    response = client.post(
        "/login", data={"name": "rita", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 403


def test_session_is_renewed_at_sign_in_and_cookie_flags(client: TestClient, seeded: Engine) -> None:
    client.cookies.set(SESSION_COOKIE, "attacker-chosen-token")
    token = login_token(client)
    response = client.post(
        "/login", data={"name": "rita", "password": PASSWORD, "csrf_token": token}
    )
    cookie = response.headers["set-cookie"]
    issued = re.search(rf"{SESSION_COOKIE}=([^;]+)", cookie).group(1)  # type: ignore[union-attr]
    assert issued != "attacker-chosen-token"
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http test client, secure_cookies = auto
    with Session(seeded) as session:
        stored = session.exec(select(WebSession.token_hash)).all()
        assert issued not in stored  # only the hash is stored


def test_secure_cookie_over_https(seeded: Engine) -> None:
    with TestClient(
        create_app(load_settings(environ={}), seeded),
        base_url="https://audit",
        follow_redirects=False,
    ) as client:
        token = login_token(client)
        response = client.post(
            "/login", data={"name": "rita", "password": PASSWORD, "csrf_token": token}
        )
        assert "Secure" in response.headers["set-cookie"]


def test_logout_ends_the_session(client: TestClient) -> None:
    csrf = sign_in(client, "rita")
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
    assert client.get("/review").status_code == 303


def test_wrong_passwords_lock_the_account(client: TestClient) -> None:
    for _ in range(5):
        token = login_token(client)
        bad = client.post(
            "/login", data={"name": "rita", "password": "wrong password!", "csrf_token": token}
        )
        assert bad.status_code == 401
    token = login_token(client)
    locked = client.post("/login", data={"name": "rita", "password": PASSWORD, "csrf_token": token})
    assert locked.status_code == 401  # right password, but locked for lockout_minutes


def test_xss_payloads_are_inert(client: TestClient, seeded: Engine) -> None:
    sign_in(client, "rita")
    with Session(seeded) as session:
        finding = session.exec(select(Finding).where(Finding.message.contains("script"))).one()
    for url in ("/review", f"/findings/{finding.id}"):
        html = client.get(url).text
        assert XSS not in html and "<script>" not in html
        assert "<img src=x onerror" not in html
        assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    response = client.get("/review")
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_proxy_header_only_from_trusted_proxies(seeded: Engine) -> None:
    with client_for(
        seeded, trusted_user_header="X-Remote-User", trusted_proxies=["testclient"]
    ) as trusted:
        assert trusted.get("/review", headers={"X-Remote-User": "rita"}).status_code == 200
        assert trusted.get("/review", headers={"X-Remote-User": "nobody"}).status_code == 303
    with client_for(seeded, trusted_user_header="X-Remote-User") as untrusted:
        assert untrusted.get("/review", headers={"X-Remote-User": "rita"}).status_code == 303


def test_admin_adds_a_person_and_it_is_audited(client: TestClient, seeded: Engine) -> None:
    csrf = sign_in(client, "ada")
    response = client.post(
        "/admin/people",
        data={
            "name": "Chloé Martin",
            "email": "",
            "team": "Press",
            "role": "staff",
            "csrf_token": csrf,
        },
    )
    assert response.status_code == 303
    assert "Chloé Martin" in client.get("/admin/people").text
    audit_page = client.get("/admin/audit").text
    assert "person:add" in audit_page and "Chloé Martin" in audit_page


def test_admin_adding_an_existing_person_changes_only_what_the_form_gave(
    client: TestClient, seeded: Engine
) -> None:
    with Session(seeded) as session:
        person = session.exec(select(Person).where(Person.name == "Ana Lima")).one()
        person.nudges, person.timezone, person.language = False, "Europe/Madrid", "es"
        before_email = person.email
        session.add(person)
        session.commit()
    csrf = sign_in(client, "ada")
    form = {"name": "Ana Lima", "email": "", "team": "Campaigns", "role": "spokesperson"}
    response = client.post("/admin/people", data={**form, "csrf_token": csrf})
    assert response.status_code == 303
    with Session(seeded) as session:
        person = session.exec(select(Person).where(Person.name == "Ana Lima")).one()
        assert person.team == "Campaigns"
        assert (person.email, person.nudges) == (before_email, False)
        assert (person.timezone, person.language) == ("Europe/Madrid", "es")


def test_reports_and_dashboard_pages_follow_roles(client: TestClient) -> None:
    sign_in(client, "rita")
    report = client.get("/reports/2026-W47")
    assert report.status_code == 200 and "Ana Lima" in report.text
    assert client.get("/reports").headers["location"].startswith("/reports/")
    assert client.get("/reports/2026-47").status_code == 400
    client.cookies.clear()
    sign_in(client, "max")
    board = client.get("/dashboard")
    assert board.status_code == 200
    assert "Ana Lima" not in board.text and "Ben Okafor" not in board.text
    assert client.get("/reports/2026-W47").status_code == 403
    client.cookies.clear()
    sign_in(client, "ana")
    assert client.get("/dashboard").status_code == 403
    assert client.get("/reports/2026-W47").status_code == 403


def test_review_queue_pages_keep_filters_and_severity_order(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("socialaudit.web.routes.review.REVIEW_PAGE", 2)
    sign_in(client, "rita")
    first = client.get("/review?status=open")
    assert first.status_code == 200
    ids = re.findall(r'<a href="/findings/(\d+)">', first.text)
    assert len(ids) == 2
    assert 'rel="next"' in first.text and 'rel="prev"' not in first.text
    link = re.search(r'<a href="([^"]+)" rel="next">', first.text).group(1)  # type: ignore[union-attr]
    assert "status=open" in link and "page=2" in link
    second = client.get(link.replace("&amp;", "&"))
    more = re.findall(r'<a href="/findings/(\d+)">', second.text)
    assert more and not set(more) & set(ids)
    assert 'rel="prev"' in second.text


def test_jobs_running_show_on_status_queue_and_api(client: TestClient, seeded: Engine) -> None:
    started = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    with Session(seeded) as session:
        session.add(JobRun(job="collect-x", started_at=started, host="node-a"))
        session.add(
            JobRun(
                job="report",
                started_at=started,
                finished_at=started + timedelta(minutes=1),
                status="ok",
                host="node-a",
            )
        )
        session.commit()
    sign_in(client, "rita")
    for path in ("/status", "/review"):
        table = client.get(path).text.split('aria-label="jobs running"')[1].split("</table>")[0]
        assert "collect-x" in table and "node-a" in table and "2026-11-30T06:00" in table
        assert "report" not in table
    assert [j["job"] for j in client.get("/api/jobs/running").json()] == ["collect-x"]
    with Session(seeded) as session:
        running = session.exec(select(JobRun).where(JobRun.job == "collect-x")).one()
        running.finished_at, running.status = started + timedelta(minutes=5), "ok"
        session.add(running)
        session.commit()
    assert "No job running." in client.get("/status").text
    assert client.get("/api/jobs/running").json() == []


def test_every_answer_carries_the_security_headers(client: TestClient) -> None:
    for response in (client.get("/login"), client.get("/review"), client.get("/api/status")):
        assert response.status_code in (200, 303, 401)
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"


def test_each_serve_worker_builds_its_app_from_the_environment(
    seeded: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`serve --workers N`: every process loads the configuration `serve` was given."""
    from socialaudit.web.app import from_environment

    for name in [n for n in os.environ if n.startswith("SOCIALAUDIT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("SOCIALAUDIT_DATABASE_URL", db_url)
    with TestClient(from_environment(), follow_redirects=False) as worker:
        sign_in(worker, "rita")  # the users seeded in this test's database
        assert worker.get("/review").status_code == 200


def test_invalid_filters_get_a_page_on_the_web_and_json_on_the_api(client: TestClient) -> None:
    sign_in(client, "rita")
    page = client.get("/review", params={"week": "47", "severity": "bad"})
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert "Not a valid value for: severity, week." in page.text
    api = client.get("/api/findings", params={"week": "47"})
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["query", "week"]
