"""The review queue from the keyboard alone, in real headless Chromium: Tab reaches the
search, the sortable headings and each decision with a visible focus ring; Enter decides;
the page says what was decided with Undo focused, and Enter undoes it.

Screenshots land in `test-artifacts/web-review-keyboard-*.png`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from socialaudit.models import Finding, ReviewDecision
from tests.web.test_browser import live, page, shot, sign_in  # noqa: F401  (fixtures)

MAX_TABS = 120


def _focused(view: Any) -> dict[str, str]:
    return view.evaluate(
        """() => {
            const e = document.activeElement;
            const s = getComputedStyle(e);
            return {tag: e.tagName, text: (e.innerText || e.value || '').trim(),
                    label: e.getAttribute('aria-label') || '', name: e.getAttribute('name') || '',
                    href: e.getAttribute('href') || '',
                    outline: s.outlineStyle, width: s.outlineWidth};
        }"""
    )


def _tab_to(view: Any, wanted: Any) -> list[dict[str, str]]:
    """Press Tab until `wanted(focused)` holds; returns every element focused on the way."""
    seen = []
    for _ in range(MAX_TABS):
        view.keyboard.press("Tab")
        focused = _focused(view)
        seen.append(focused)
        if wanted(focused):
            return seen
    raise AssertionError(f"never reached by Tab; focus went through {seen}")


def test_the_queue_works_from_the_keyboard(page: Any, live: tuple[str, Engine]) -> None:  # noqa: F811
    _, engine = live
    sign_in(page, "rita")
    page.goto("/review")
    # The search box comes first, before the table: type a filter and press Enter.
    first = _tab_to(page, lambda f: f["name"] == "q")
    assert first[-1]["outline"] == "solid"
    page.keyboard.type("ANA")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=ANA" in page.url
    with Session(engine) as session:
        target = session.exec(
            select(Finding).where(Finding.rule_code == "RSP501").order_by(Finding.id)  # type: ignore[arg-type]
        ).first()
    assert target is not None
    # A heading sorts: reached by Tab, followed with Enter.
    _tab_to(page, lambda f: f["tag"] == "A" and "sort=person" in f["href"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "sort=person" in page.url and "q=ANA" in page.url
    path = _tab_to(page, lambda f: f["label"].startswith(f"False positive: finding {target.id},"))
    # Every control on the way shows where the focus is.
    assert all(f["outline"] == "solid" and f["width"] != "0px" for f in path), [
        (f["name"], f["outline"], f["width"])
        for f in path
        if f["outline"] != "solid" or f["width"] == "0px"
    ]
    shot(page, "review-keyboard-focus")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    notice = page.locator("#decided")
    assert "marked false positive" in notice.inner_text().replace("\n", " ")
    assert _focused(page)["text"] == "Undo"  # the one thing to do next, already focused
    shot(page, "review-keyboard-decided")
    with Session(engine) as session:
        assert session.get(Finding, target.id).review_status == "false-positive"  # type: ignore[union-attr]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Undone" in page.locator("#decided").inner_text()
    assert page.locator(f"td a[href='/findings/{target.id}']").count() == 1
    with Session(engine) as session:
        assert session.get(Finding, target.id).review_status == "open"  # type: ignore[union-attr]
        decision = session.exec(select(ReviewDecision)).one()
        assert decision.undone_by == "rita"
    assert page.problems == []  # type: ignore[attr-defined]
