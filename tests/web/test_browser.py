"""Each role walks its main path in real headless Chromium against a live server.

Screenshots land in `test-artifacts/web-*.png`.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from socialaudit.config import load_settings
from socialaudit.models import Finding, FindingNote
from socialaudit.web.app import create_app
from tests.conftest import ARTIFACTS
from tests.web.seed import PASSWORD, seed_web


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live(sqlite_engine: Engine) -> Iterator[tuple[str, Engine]]:
    seed_web(sqlite_engine)
    port = _free_port()
    app = create_app(load_settings(environ={}), sqlite_engine)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the web server did not start"
    yield f"http://127.0.0.1:{port}", sqlite_engine
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(chromium: Any, live: tuple[str, Engine]) -> Iterator[Any]:
    base, _ = live
    context = chromium.new_context(base_url=base)
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("request", lambda r: r.url.startswith(base) or page.problems.append(r.url))
    yield page
    context.close()


def sign_in(page: Any, name: str) -> None:
    page.goto("/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[action='/login'] button")
    page.wait_for_load_state()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def test_unauthenticated_is_redirected_to_sign_in(page: Any) -> None:
    page.goto("/review")
    assert page.url.endswith("/login?next=/review")
    assert page.locator("h1").inner_text() == "Sign in"


def test_reviewer_marks_a_false_positive(page: Any, live: tuple[str, Engine]) -> None:
    _, engine = live
    sign_in(page, "rita")
    assert page.url.endswith("/review")
    rows_before = page.locator("table[aria-label=findings] tr").count()
    shot(page, "review-queue")
    with Session(engine) as session:
        target = session.exec(select(Finding).where(Finding.rule_code == "RSP501")).first()
    assert target is not None
    page.click(f"[aria-label^='False positive: finding {target.id},']")
    assert page.locator("table[aria-label=findings] tr").count() == rows_before - 1
    assert page.locator(f"table[aria-label=findings] a[href='/findings/{target.id}']").count() == 0
    assert "marked false positive" in page.locator("#decided").inner_text()  # with Undo
    assert page.evaluate("window.__xss") is None  # the payload in a post never ran
    page.goto(f"/findings/{target.id}")
    shot(page, "finding")
    assert page.problems == []  # type: ignore[attr-defined]


def test_manager_cannot_open_a_finding_or_see_a_name(page: Any, live: tuple[str, Engine]) -> None:
    _, engine = live
    sign_in(page, "max")
    assert page.url.endswith("/dashboard")
    assert "Ana Lima" not in page.content()
    with Session(engine) as session:
        finding_id = session.exec(select(Finding.id)).first()
    response = page.goto(f"/findings/{finding_id}")
    assert response is not None and response.status == 403
    assert "Not allowed" in page.content() and "Ana Lima" not in page.content()
    shot(page, "manager-refused")


def test_person_sees_only_their_own_and_disagrees(page: Any, live: tuple[str, Engine]) -> None:
    _, engine = live
    sign_in(page, "ana")
    assert page.url.endswith("/me")
    content = page.content()
    assert "Ben Okafor" not in content
    first = page.locator("article.finding textarea[name=text]").first
    first.fill("That was a quote from a troll, not my words")
    page.locator("article.finding button").first.click()
    # The confirmation step: nothing is stored until she confirms.
    page.get_by_role("button", name="Yes, send it").click()
    assert "/me?sent=" in page.url
    assert page.get_by_role("status").is_visible()
    shot(page, "own-page")
    with Session(engine) as session:
        note = session.exec(select(FindingNote)).one()
        assert note.author == "ana" and "quote from a troll" in note.text
    assert page.evaluate("window.__xss") is None
    assert page.problems == []  # type: ignore[attr-defined]
