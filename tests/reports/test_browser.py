"""The report and the dashboard in real headless Chromium (Debian's, driven by Playwright).

Opened from file://: no console error, no request leaves the file, the XSS payloads stay
text, headings and tables are there. Screenshots go to test-artifacts/. Without Chromium the
tests skip with the reason; with CI=true they fail instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from reports import dashboard, weekly
from socialaudit.config import load_settings
from socialaudit.db import session_scope
from socialaudit.weeks import Week
from tests.conftest import IN_CI
from tests.reports.seed import seed_week

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str | None:
    return (
        os.environ.get("SOCIALAUDIT_TEST_CHROMIUM")
        or shutil.which("chromium")
        or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = _chromium()
    if path is None:
        if IN_CI:
            pytest.fail("Chromium is required in CI (.ci/run installs Debian's)", pytrace=False)
        pytest.skip(
            "Chromium not found; install Debian's chromium or set SOCIALAUDIT_TEST_CHROMIUM"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open(browser: Any, page_path: Path, shot: str) -> tuple[Any, list[str], list[str]]:
    """Load a file; return the page, console errors and every request URL."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_path.as_uri(), wait_until="load")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    return page, errors, requests


def _assert_sealed(page: Any, page_path: Path, errors: list[str], requests: list[str]) -> None:
    assert errors == []
    assert requests == [page_path.as_uri()]
    assert page.locator("script").count() == 0
    assert page.locator("img").count() == 0
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")]


def test_weekly_report_in_chromium(
    browser: Any, engine: Engine, tmp_path: Path, db_url: str
) -> None:
    with session_scope(engine) as session:
        seed_week(session)
    html, _, _ = weekly.write(engine, load_settings(environ={}), Week.parse("2026-W47"), tmp_path)
    backend = db_url.split(":", 1)[0].split("+")[0]
    page, errors, requests = _open(browser, html, f"weekly-report-{backend}.png")
    _assert_sealed(page, html, errors, requests)
    assert page.title().startswith("Social media compliance report 2026-W47")
    headings = page.locator("h2").all_inner_texts()
    assert headings == [
        "Needs attention",
        "Headline figures",
        "Findings by rule and severity",
        "Findings",
        "Profile compliance",
        "Deletions and corrections",
        "Engagement",
        "Data quality",
    ]
    assert page.locator("table").count() >= 6
    assert page.locator("section#by-rule svg").count() == 1
    # The payloads are visible as text, not executed or rendered as markup.
    text = page.locator("body").inner_text()
    assert "<script>document.title='pwned'</script>" in text
    assert "<img src=x onerror=" in text
    assert "[U+202E]evil.exe" in text
    assert page.locator("mark", has_text="Vote for Example Party").count() == 1
    first = page.locator("article.finding").first
    assert "high" in first.get_attribute("class")


def test_empty_report_in_chromium(browser: Any, engine: Engine, tmp_path: Path) -> None:
    html, _, _ = weekly.write(engine, load_settings(environ={}), Week.parse("2026-W10"), tmp_path)
    page, errors, requests = _open(browser, html, "weekly-report-empty.png")
    _assert_sealed(page, html, errors, requests)
    assert "Nobody was registered for auditing yet" in page.locator("#empty-week").inner_text()


def test_dashboard_in_chromium(browser: Any, engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        seed_week(session)
    # A minimum group of one, so that every chart is drawn (the seed has few people).
    settings = load_settings(environ={"SOCIALAUDIT_REPORTS_MIN_GROUP_SIZE": "1"})
    path = dashboard.write(engine, settings, 12, Week.parse("2026-W47"), tmp_path)
    page, errors, requests = _open(browser, path, "dashboard.png")
    _assert_sealed(page, path, errors, requests)
    assert page.locator("h2").all_inner_texts() == [
        "By team or section",
        "Compliance rate per week",
        "Findings per clause family",
        "Disclaimer coverage",
        "Deletions versus corrections",
    ]
    assert page.locator("svg").count() == 4 and page.locator("table").count() == 5
    text = page.locator("body").inner_text()
    assert "Campaigns" in text and "Ana" not in text and "Vote for" not in text


@pytest.mark.parametrize("width", [1280, 390])
def test_report_and_dashboard_have_no_horizontal_scroll(
    browser: Any, engine: Engine, tmp_path: Path, width: int
) -> None:
    with session_scope(engine) as session:
        seed_week(session)
    settings = load_settings(environ={"SOCIALAUDIT_REPORTS_MIN_GROUP_SIZE": "1"})
    report, _, _ = weekly.write(engine, settings, Week.parse("2026-W47"), tmp_path)
    board = dashboard.write(engine, settings, 12, Week.parse("2026-W47"), tmp_path)
    for path in (report, board):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(path.as_uri(), wait_until="load")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{path.stem}-{width}.png"), full_page=True)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, (path.name, scroll)
        # Charts span the content's width.
        for box in page.eval_on_selector_all(
            ".chart svg", "els => els.map(e => e.getBoundingClientRect().width)"
        ):
            content = page.evaluate("document.querySelector('section').clientWidth")
            assert box >= content - 2, (path.name, box, content)
        page.close()
