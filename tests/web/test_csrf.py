"""Cross-site request forgery: every write needs its token and must come from the app's origin,
with password sign-in and with the trusted proxy header alike, on both databases."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from socialaudit.config import ConfigError, load_settings
from socialaudit.models import Finding, User
from tests.web.seed import PASSWORD, seed_web
from tests.web.test_app import client_for, login_token, sign_in

EVIL = "https://evil.example"
PROXY = {"trusted_user_header": "X-Remote-User", "trusted_proxies": ["testclient"]}


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_web(engine)
    return engine


def _a_finding(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(Finding.id)).first()  # type: ignore[return-value]


def _new_admin(token: str | None) -> dict[str, str]:
    data = {"name": "mallory", "role": "admin", "password": "long enough password"}
    if token is not None:
        data["csrf_token"] = token
    return data


def _users(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.exec(select(User.name)).all())


def test_every_write_route_checks_the_token() -> None:
    """No state-changing route can be added without the CSRF dependency (sign-in has its own)."""
    from socialaudit.db import make_engine
    from socialaudit.web.app import create_app

    app = create_app(load_settings(environ={}), make_engine("sqlite://"))
    writes = [
        r for r in app.routes if isinstance(r, APIRoute) and r.methods - {"GET", "HEAD", "OPTIONS"}
    ]
    assert len(writes) >= 8
    for route in writes:
        names = {d.call.__name__ for d in route.dependant.dependencies if d.call}
        assert "same_site" in names, route.path
        if route.path != "/login":
            assert "csrf" in names, route.path


def test_cross_site_form_post_with_the_proxy_header_is_refused(seeded: Engine) -> None:
    """The forged page's post reaches the app through the proxy, header and all."""
    with client_for(seeded, **PROXY) as client:
        as_ada = {"X-Remote-User": "ada"}
        forged = client.post(
            "/admin/users", data=_new_admin(None), headers={**as_ada, "Origin": EVIL}
        )
        assert forged.status_code == 403
        assert forged.headers["content-type"].startswith("text/html")
        assert "another site" in forged.text
        assert forged.headers["X-Frame-Options"] == "DENY"
        # Without the double-submit token, even from no origin at all.
        assert client.post("/admin/users", data=_new_admin(None), headers=as_ada).status_code == 403
        assert "mallory" not in _users(seeded)

        page = client.get("/admin/people", headers=as_ada)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        assert client.cookies.get("sa_csrf") == token  # set by this page or the error page before
        # The right token from another site is still refused.
        with_token = client.post(
            "/admin/users", data=_new_admin(token), headers={**as_ada, "Origin": EVIL}
        )
        assert with_token.status_code == 403
        assert "mallory" not in _users(seeded)
        same_site = client.post(
            "/admin/users",
            data=_new_admin(token),
            headers={**as_ada, "Origin": "http://testserver"},
        )
        assert same_site.status_code == 303
        assert "mallory" in _users(seeded)
        # The cookie stays: the next page carries the same token.
        again = client.get("/review", headers=as_ada)
        assert f'value="{token}"' in again.text and "sa_csrf" not in again.cookies


def test_api_review_with_the_proxy_header_needs_the_token(seeded: Engine) -> None:
    finding = _a_finding(seeded)
    url = f"/api/findings/{finding}/review"
    body = {"status": "acknowledged"}
    with client_for(seeded, **PROXY) as client:
        as_rita = {"X-Remote-User": "rita"}
        assert client.post(url, json=body, headers=as_rita).status_code == 403
        assert (
            client.post(url, json=body, headers={**as_rita, "X-CSRF-Token": "forged" * 8})
        ).status_code == 403
        token = client.get("/api/csrf", headers=as_rita).json()["csrf_token"]
        evil = {**as_rita, "X-CSRF-Token": token, "Origin": EVIL}
        assert client.post(url, json=body, headers=evil).status_code == 403
        with Session(seeded) as session:
            assert session.get(Finding, finding).review_status == "open"  # type: ignore[union-attr]
        ok = client.post(url, json=body, headers={**as_rita, "X-CSRF-Token": token})
        assert ok.status_code == 200 and ok.json()["status"] == "acknowledged"


def test_password_sign_in_refuses_writes_from_another_origin(seeded: Engine) -> None:
    finding = _a_finding(seeded)
    with client_for(seeded) as client:
        csrf = sign_in(client, "rita")
        form = {"status": "acknowledged", "csrf_token": csrf}
        for header, value in (
            ("Origin", EVIL),
            ("Origin", "null"),
            ("Origin", "http://testserver.evil.example"),
            ("Origin", "https://testserver"),  # another scheme is another origin
            ("Referer", f"{EVIL}/page"),
        ):
            refused = client.post(f"/findings/{finding}/review", data=form, headers={header: value})
            assert refused.status_code == 403, (header, value)
            assert refused.headers["content-type"].startswith("text/html")
            api = client.post(
                f"/api/findings/{finding}/review",
                json={"status": "acknowledged"},
                headers={"X-CSRF-Token": csrf, header: value},
            )
            assert api.status_code == 403 and "another site" in api.json()["detail"]
        with Session(seeded) as session:
            assert session.get(Finding, finding).review_status == "open"  # type: ignore[union-attr]
        assert (
            client.post(
                f"/api/findings/{finding}/review", json={"status": "acknowledged"}
            ).status_code
            == 403
        )
        ok = client.post(
            f"/findings/{finding}/review",
            data=form,
            headers={"Origin": "http://testserver", "Referer": "http://testserver/review"},
        )
        assert ok.status_code == 303


def test_sign_in_from_another_site_is_refused(seeded: Engine) -> None:
    with client_for(seeded) as client:
        token = login_token(client)
        data = {"name": "rita", "password": PASSWORD, "csrf_token": token}
        assert client.post("/login", data=data, headers={"Origin": EVIL}).status_code == 403
        assert (
            client.post("/login", data=data, headers={"Origin": "http://testserver"}).status_code
            == 303
        )


def test_public_url_is_the_origin_writes_must_come_from(seeded: Engine) -> None:
    with client_for(seeded, public_url="https://audit.example.org") as client:
        token = login_token(client)
        data = {"name": "rita", "password": PASSWORD, "csrf_token": token}
        # The request's own Host no longer counts: the proxy in front may rewrite it.
        here = client.post("/login", data=data, headers={"Origin": "http://testserver"})
        assert here.status_code == 403
        there = client.post("/login", data=data, headers={"Origin": "https://audit.example.org"})
        assert there.status_code == 303


@pytest.mark.parametrize(
    "value",
    [
        "not a url",
        "ftp://audit.example.org",
        "https://",
        "https://audit.example.org/app",
        "https://user@audit.example.org",
        "https://audit.example.org:port",
    ],
)
def test_public_url_must_be_an_origin(value: str) -> None:
    with pytest.raises(ConfigError, match="public_url"):
        load_settings(environ={"SOCIALAUDIT_WEB_PUBLIC_URL": value})


def test_public_url_keeps_scheme_host_and_port() -> None:
    settings = load_settings(
        environ={"SOCIALAUDIT_WEB_PUBLIC_URL": "https://Audit.Example.org:8443/"}
    )
    assert settings.web.public_url == "https://audit.example.org:8443"
