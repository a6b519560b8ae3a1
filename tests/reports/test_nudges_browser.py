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
from sqlmodel import Session

from reports.nudges import send_nudges
from socialaudit.models import Person
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
    seeded = seed_week(engine)
    with Session(engine) as session:  # Carmen reads Arabic: the page runs right to left
        carmen = session.get(Person, seeded.ids["Carmen Ruiz"])
        assert carmen is not None
        carmen.language = "ar"
        session.add(carmen)
        session.commit()
    settings = settings_for(tmp_path)
    summary = send_nudges(engine, settings, WEEK, dry_run=True, now=NOW)
    written = {o.person: Path(o.detail) for o in summary.outcomes if o.status == "written"}
    ARTIFACTS.mkdir(exist_ok=True)

    page = chromium.new_page(viewport={"width": 700, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_content(html_of(written["Ana Lima"]), wait_until="load")
    page.screenshot(path=str(ARTIFACTS / "nudge-en.png"), full_page=True)

    # CLDR puts thin spaces around the dash of a date range: compared with spaces folded.
    assert " ".join(page.title().split()).startswith("Your social media week, November 16 – 22")
    heading = " ".join(page.locator("h1").inner_text().split())
    assert heading == "Your social media week, November 16 – 22"
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

    page.set_content(html_of(written["Carmen Ruiz"]), wait_until="load")
    page.screenshot(path=str(ARTIFACTS / "nudge-ar.png"), full_page=True)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).direction") == "rtl"
    assert page.locator("h2").all_inner_texts() == ["يستحق نظرة"]
    # Right to left: the heading starts at the right edge of its cell, not the left.
    box = page.locator("h1").bounding_box()
    cell = page.locator(".nudge-item").first.bounding_box()
    assert box is not None and cell is not None
    assert abs((box["x"] + box["width"]) - (cell["x"] + cell["width"])) < 40
    page.close()
    assert (ARTIFACTS / "nudge-en.png").stat().st_size > 10_000
