"""After sign-in (and a review decision) the app redirects only to a path on this site."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from socialaudit.web.security import safe_redirect
from tests.web.seed import PASSWORD, seed_web
from tests.web.test_app import client_for, login_token

HOSTILE = [
    "//evil.example",
    "/\\evil.example",  # browsers read the backslash as a slash
    "\\\\evil.example",
    "/\\/evil.example",
    "/\t/evil.example",  # browsers drop tabs and newlines
    "/\n/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/%2F/evil.example",  # decoded by a proxy or a second quote() round
    "/%2f%2fevil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "/%252F/evil.example",  # twice encoded
    "/%09/evil.example",
    "/\x00/evil.example",
    "",
]
SAFE = ["/", "/review", "/findings/12", "/review?status=open&page=2", "/me#notes"]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_fall_back_to_home(target: str) -> None:
    assert safe_redirect(target) == "/"
    assert safe_redirect(target, "/review") == "/review"


@pytest.mark.parametrize("target", SAFE)
def test_paths_on_this_site_are_kept(target: str) -> None:
    assert safe_redirect(target) == target


@pytest.mark.parametrize("target", ["/\\evil.example", "/%5Cevil.example", "//evil.example"])
def test_sign_in_never_redirects_off_site(engine: Engine, target: str) -> None:
    seed_web(engine)
    with client_for(engine) as client:
        form = client.get("/login", params={"next": target})
        assert 'name="next" value="/"' in form.text
        token = login_token(client)
        response = client.post(
            "/login",
            data={"name": "rita", "password": PASSWORD, "csrf_token": token, "next": target},
        )
    assert response.status_code == 303
    assert response.headers["location"] == "/"
