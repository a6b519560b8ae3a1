"""Bad input and missing pages: a browser gets the app's own page with a 4xx (or the 500
page), in the layout, in words it can act on; the JSON API keeps JSON errors."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from socialaudit.config import load_settings
from socialaudit.models import Account, Person, User
from socialaudit.web.app import create_app
from tests.web.test_app import client, seeded, sign_in  # noqa: F401 (fixtures)


def is_page(response: object, status: int, *words: str) -> str:
    """The app's own HTML page with `status`, the layout around it and `words` in it."""
    assert response.status_code == status, response.text[:400]  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]
    text: str = response.text  # type: ignore[attr-defined]
    assert '<header class="bar">' in text and "<main" in text
    assert "Traceback" not in text and '"detail"' not in text
    main = re.sub(r"<[^>]+>", " ", text[text.index("<main") :])
    assert not re.search(r"socialaudit [a-z]+|(^|\s)--[a-z]", main), main  # no CLI to type
    for word in words:
        assert word in text, word
    return text


def test_unknown_addresses_are_pages_for_a_browser_and_json_for_the_api(
    client: TestClient,  # noqa: F811
) -> None:
    is_page(client.get("/no/such/page"), 404, "Not found", 'href="/login"')
    sign_in(client, "rita")
    text = is_page(client.get("/admin/nothing-here"), 404, "There is no page at this address")
    assert 'aria-label="Main"' in text and "Sign out" in text  # the signed-in user's layout
    assert client.get("/admin").status_code == 403  # /admin exists: for admins
    api = client.get("/api/no-such-thing")
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}


def test_admin_home_leads_to_people(client: TestClient) -> None:  # noqa: F811
    assert client.get("/admin").headers["location"] == "/login?next=/admin"
    sign_in(client, "ada")
    assert client.get("/admin").headers["location"] == "/admin/people"


def test_a_week_out_of_range_or_malformed_is_a_page(client: TestClient) -> None:  # noqa: F811
    sign_in(client, "rita")
    text = is_page(client.get("/reports/2099-W01"), 404, "nothing to show for 2099-W01")
    assert "weeks from 2026-W47 to" in text and 'type="week"' in text
    is_page(client.get("/reports/2001-W05"), 404, "2001-W05")
    is_page(client.get("/reports/2026-W60"), 400, "2026 has no week 60")
    is_page(client.get("/reports/next-week"), 400, "expected an ISO week")
    is_page(client.get("/reports", params={"week": "2099-W01"}), 404)
    is_page(client.get("/dashboard", params={"week": "1999-W01"}), 404)
    is_page(client.get("/dashboard", params={"week": "1999"}), 422, "week")
    is_page(client.get("/dashboard", params={"weeks": "0"}), 422, "weeks")
    client.cookies.clear()
    sign_in(client, "ana")
    is_page(client.get("/me", params={"week": "2099-W01"}), 404)


def test_an_unknown_id_is_a_404_page(client: TestClient) -> None:  # noqa: F811
    sign_in(client, "rita")
    is_page(client.get("/findings/999999"), 404, "There is no finding with this number")
    is_page(client.get("/findings/abc"), 422, "finding_id")
    is_page(client.get(f"/findings/{2**40}"), 422)
    api = client.get("/api/findings/999999")
    assert api.status_code == 404 and api.json() == {"detail": "no such finding"}


def test_a_malformed_form_field_is_a_page(client: TestClient) -> None:  # noqa: F811
    csrf = sign_in(client, "rita")
    posted = client.post(
        "/findings/1/review", data={"csrf_token": csrf, "status": "maybe", "note": ""}
    )
    is_page(posted, 422, "status")
    posted = client.post("/findings/1/review", data={"csrf_token": csrf, "note": "x\x00y"})
    is_page(posted, 422, "Not a valid value for: ", "note")
    stale = client.post("/findings/1/review", data={"csrf_token": "old", "status": "open"})
    is_page(stale, 403, "Reload the page and send the form again")


def test_methods_not_allowed_are_a_page(client: TestClient) -> None:  # noqa: F811
    sign_in(client, "rita")
    is_page(client.get("/logout"), 405, "form&#39;s submission")
    assert client.get("/api/findings/1/review").status_code == 405
    assert client.get("/api/findings/1/review").json() == {"detail": "Method Not Allowed"}


def test_a_refused_admin_form_is_the_admin_page_with_the_form_and_the_message(
    client: TestClient,  # noqa: F811
    seeded: Engine,  # noqa: F811
) -> None:
    csrf = sign_in(client, "ada")
    bad_handle = {"csrf_token": csrf, "person": "Ana Lima", "platform": "x", "handle": "a" * 40}
    text = is_page(client.post("/admin/accounts", data=bad_handle), 422, "Not saved: <bdi>handle")
    assert 'id="refused-account"' in text and 'id="refused-person"' not in text
    assert f'value="{"a" * 40}"' in text and "<option selected>x</option>" in text
    assert "Add an account" in text and "People and accounts" in text
    nobody = {"csrf_token": csrf, "person": "Nobody Here", "platform": "x", "handle": "nobody"}
    text = is_page(client.post("/admin/accounts", data=nobody), 422, "no registered person")
    assert "people list" not in text  # the CLI's hint is not for a browser
    weak = {"csrf_token": csrf, "name": "newbie", "role": "reviewer", "password": "short"}
    text = is_page(client.post("/admin/users", data=weak), 422, "password: at least")
    assert 'value="newbie"' in text and "short" not in re.findall(r'value="([^"]*)"', text)
    assert "<option selected>reviewer</option>" in text
    orphan = {"csrf_token": csrf, "name": "p1", "role": "person", "password": "x" * 14}
    text = is_page(client.post("/admin/users", data=orphan), 422, "person: a &#39;person&#39;")
    assert "--person" not in text
    mail = {"csrf_token": csrf, "name": "Cleo", "email": "not-an-address", "role": "staff"}
    text = is_page(client.post("/admin/people", data=mail), 422, "Not saved: <bdi>email")
    assert 'value="not-an-address"' in text and "<option selected>staff</option>" in text
    too_long = {"csrf_token": csrf, "name": "n" * 300, "role": "staff"}
    is_page(client.post("/admin/people", data=too_long), 422, "Not a valid value for: name.")
    with Session(seeded) as session:  # nothing of it was stored
        assert session.exec(select(Person).where(Person.name == "Cleo")).first() is None
        assert session.exec(select(User).where(User.name.in_(["newbie", "p1"]))).all() == []  # type: ignore[attr-defined]
        assert session.exec(select(Account).where(Account.handle == "nobody")).first() is None


def test_a_fault_of_the_app_is_the_500_page_and_exposes_nothing(
    seeded: Engine,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_: object) -> list[object]:
        raise RuntimeError("password=hunter2 in a query")

    app = create_app(load_settings(environ={}), seeded)
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as c:
        sign_in(c, "rita")
        monkeypatch.setattr("socialaudit.web.queries.collection_state", broken)
        page = c.get("/status")
        assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
        assert "Something went wrong" in page.text and "hunter2" not in page.text
        assert "RuntimeError" not in page.text and "Traceback" not in page.text
        assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert page.headers["X-Frame-Options"] == "DENY"
        api = c.get("/api/status")
        assert api.status_code == 500 and api.json() == {"detail": "internal error"}
