"""A rendered nudge, opened in real headless Chromium: it reads right and runs no script.

Screenshots land in `test-artifacts/` (git-ignored); the `chromium` fixture (tests/conftest.py)
skips without Debian's chromium, except with CI=true where it fails.
"""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from reports.nudges import send_nudges
from tests.conftest import ARTIFACTS
from tests.reports.nudge_data import NOW, WEEK, seed_week, settings_for


def html_of(path: Path) -> str:
    message = email.message_from_bytes(path.read_bytes(), policy=default)
    assert isinstance(message, EmailMessage)
    part = message.get_body(("html",))
    assert part is not None
    return part.get_content()


@pytest.mark.browser
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_nudge_in_chromium(chromium, engine: Engine, tmp_path: Path) -> None:
    seed_week(engine)
    settings = settings_for(tmp_path)
    summary = send_nudges(engine, settings, WEEK, dry_run=True, now=NOW)
    written = {o.person: Path(o.detail) for o in summary.outcomes if o.status == "written"}
    ARTIFACTS.mkdir(exist_ok=True)

    page = chromium.new_page(viewport={"width": 700, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_content(html_of(written["Ana Lima"]), wait_until="load")
    page.screenshot(path=str(ARTIFACTS / "nudge-en.png"), full_page=True)

    assert page.title().startswith("Your social media week, November 16 – 22")
    assert page.locator("h1").inner_text() == "Your social media week, November 16 – 22"
    assert page.locator("h2").all_inner_texts() == ["What went well", "Worth a look"]
    assert page.locator(".nudge-item").count() == 2
    # The post's <script> is shown as text, never run.
    first = page.locator("blockquote.excerpt").first.inner_text()
    assert "<script>window.__pwned = 1</script>" in first
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    assert page.evaluate("typeof window.__pwned") == "undefined" and dialogs == []
    assert page.get_by_text("If in doubt, don't post.").is_visible()
    assert page.locator("a", has_text="See it on X").first.get_attribute("href") == (
        "https://x.com/ana/status/ana-1"
    )

    page.set_content(html_of(written["Bruno Caron"]), wait_until="load")
    page.screenshot(path=str(ARTIFACTS / "nudge-fr.png"), full_page=True)
    assert page.locator("h2").all_inner_texts() == ["À regarder"]
    assert page.evaluate("document.documentElement.lang") == "fr"
    page.close()
    assert (ARTIFACTS / "nudge-en.png").stat().st_size > 10_000
