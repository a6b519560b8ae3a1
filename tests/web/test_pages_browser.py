"""Every page of every role in real headless Chromium: the role's main task from sign-in to
sign-out, and each page at 1280 and 390 px wide checked in the page itself.

For each page and width: a full-page screenshot (`test-artifacts/pages/`), no horizontal
scroll (the document's scrollWidth within its clientWidth), no two visible text blocks whose
boxes overlap (measured from the text's own line boxes, so a block that merely touches
another is fine), and axe-core (from the npm registry at the version package-lock.json pins,
`make axe`) run in the page with no serious or critical violation. axe is injected as a
script tag, so these pages are opened with the Content-Security-Policy bypassed (the pages
themselves carry no script); the role flows run under the real policy. Under CI=true a
missing axe-core fails the run, as a missing Chromium does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from socialaudit.models import Account, Finding, FindingNote, Person
from socialaudit.weeks import Week
from tests.conftest import ARTIFACTS, IN_CI
from tests.factories import BASE_TIME
from tests.web.seed import PASSWORD
from tests.web.test_browser import live  # noqa: F401 (fixture)

AXE = Path(__file__).resolve().parents[2] / ".tools/npm/node_modules/axe-core/axe.min.js"
WIDTHS = (1280, 390)
DATA_WEEK = str(Week.of(BASE_TIME, "Europe/London"))
SHOTS = ARTIFACTS / "pages"

# Visible text nodes' line boxes, and the pairs of different nodes whose boxes overlap by more
# than 2 px both ways. Options of a closed <select> and off-screen skip links are no text
# anyone sees; text clipped by a scrolling container is cut to the container's box.
OVERLAPS = """() => {
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT,
  });
  let node, index = 0;
  while ((node = walker.nextNode())) {
    const el = node.parentElement;
    if (!el || el.closest("option, select, script, style, title, .skip")) continue;
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
    let clip = { left: -Infinity, top: -Infinity, right: Infinity, bottom: Infinity };
    for (let up = el; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX !== "visible" || style.overflowY !== "visible") {
        const r = up.getBoundingClientRect();
        clip = { left: Math.max(clip.left, r.left), top: Math.max(clip.top, r.top),
                 right: Math.min(clip.right, r.right), bottom: Math.min(clip.bottom, r.bottom) };
      }
    }
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      const left = Math.max(r.left, clip.left), right = Math.min(r.right, clip.right);
      const top = Math.max(r.top, clip.top), bottom = Math.min(r.bottom, clip.bottom);
      if (right - left < 1 || bottom - top < 1) continue;
      boxes.push({ index, left, right, top: top + scrollY, bottom: bottom + scrollY,
                   text: node.textContent.trim().slice(0, 40) });
    }
    index++;
  }
  boxes.sort((a, b) => a.top - b.top);
  const found = [];
  for (let a = 0; a < boxes.length; a++) {
    for (let b = a + 1; b < boxes.length && boxes[b].top < boxes[a].bottom - 2; b++) {
      const A = boxes[a], B = boxes[b];
      if (A.index === B.index) continue;
      const x = Math.min(A.right, B.right) - Math.max(A.left, B.left);
      const y = Math.min(A.bottom, B.bottom) - Math.max(A.top, B.top);
      if (x > 2 && y > 2) found.push(`${JSON.stringify(A.text)} / ${JSON.stringify(B.text)}`);
    }
  }
  return found.slice(0, 10);
}"""

SCROLL = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"

AXE_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => {
      const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ");
      return `${v.id} (${v.impact}): ${v.help} at ${where}`;
    });
}"""


@pytest.fixture(scope="session")
def axe_path() -> Path:
    if not AXE.is_file():
        reason = f"axe-core not installed at {AXE.relative_to(AXE.parents[4])}; run `make axe`"
        if IN_CI:
            pytest.fail(f"axe-core is required in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    return AXE


@pytest.fixture
def world(live: tuple[str, Engine]) -> tuple[str, Engine]:  # noqa: F811
    """The web tests' world, with enough people for the dashboard to show its figures
    (groups of five or more), an account for each, and Ana in Madrid's time zone."""
    base, engine = live
    with Session(engine) as session:
        for n in range(4):
            person = Person(name=f"Colleague {n}", team="Campaigns", timezone="Europe/Madrid")
            session.add(person)
            session.flush()
            session.add(Account(person_id=person.id, platform="mastodon", handle=f"c{n}@m.example"))
        ana = session.exec(select(Person).where(Person.name == "Ana Lima")).one()
        ana.timezone = "Europe/Madrid"
        session.add(ana)
        session.commit()
    return base, engine


@pytest.fixture
def browse(chromium: Any, world: tuple[str, Engine]) -> Iterator[Callable[..., Any]]:
    """New pages in contexts of this test: `browse(checked=True)` for the page checks (CSP
    bypassed for axe), `browse()` for a role's flow under the real policy."""
    base, _ = world
    contexts: list[Any] = []

    def open_page(checked: bool = False) -> Any:
        context = chromium.new_context(base_url=base, bypass_csp=checked)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        page.on("request", lambda r: r.url.startswith(base) or page.problems.append(r.url))
        return page

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page: Any, name: str) -> None:
    page.goto("/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def sign_out(page: Any) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert page.url.endswith("/login")
    page.goto("/")
    assert "/login" in page.url  # the session is over


def check_pages(
    page: Any, axe: Path, role: str, pages: dict[str, str | Callable[[Any], Any]]
) -> None:
    """Every page at both widths; all the problems found are reported together."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, target in pages.items():
            if callable(target):
                target(page)
            else:
                page.goto(target)
            page.wait_for_load_state()
            where = f"{role} {name} at {width} px"
            page.screenshot(path=str(SHOTS / f"{role}-{name}-{width}.png"), full_page=True)
            scroll, client = page.evaluate(SCROLL)
            if scroll > client:
                problems.append(f"{where}: scrolls sideways ({scroll} > {client} px)")
            problems += [f"{where}: overlapping text {pair}" for pair in page.evaluate(OVERLAPS)]
            page.add_script_tag(path=str(axe))
            problems += [f"{where}: axe {v}" for v in page.evaluate(AXE_RUN)]
    assert page.problems == []
    assert problems == [], "\n".join(problems)


def finding_id(engine: Engine, rule: str) -> int:
    with Session(engine) as session:
        found = session.exec(select(Finding.id).where(Finding.rule_code == rule)).first()
    assert found is not None
    return found


def test_signed_out_pages(browse: Callable[..., Any], axe_path: Path) -> None:
    page = browse(checked=True)

    def wrong_password(p: Any) -> None:
        p.goto("/login")
        p.get_by_label("Name").fill("rita")
        p.get_by_label("Password").fill("not the password")
        with p.expect_navigation():
            p.get_by_role("button", name="Sign in").click()
        assert p.get_by_role("alert").inner_text() == "Wrong name or password."

    check_pages(
        page,
        axe_path,
        "anonymous",
        {"sign-in": "/login", "sign-in-refused": wrong_password, "not-found": "/no/such/page"},
    )


def test_reviewer_decides_on_a_finding_and_every_page_passes(
    browse: Callable[..., Any], world: tuple[str, Engine], axe_path: Path
) -> None:
    _, engine = world
    target = finding_id(engine, "RSP501")
    page = browse()
    sign_in(page, "rita")
    assert page.url.endswith("/review")
    page.goto(f"/findings/{target}")
    page.get_by_label("Decision").select_option("acknowledged")
    page.get_by_label("Note").fill("Asked her to add the context")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert f"/findings/{target}" in page.url  # the finding, saying what was decided
    with Session(engine) as session:
        decided = session.get(Finding, target)
        assert decided is not None and decided.review_status == "acknowledged"
    page.get_by_role("link", name="Weekly report").click()
    assert page.url.endswith(f"/reports/{DATA_WEEK}")  # the latest week with data
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page.problems == []
    sign_out(page)

    checked = browse(checked=True)
    sign_in(checked, "rita")
    check_pages(
        checked,
        axe_path,
        "reviewer",
        {
            "queue": "/review",
            "finding": f"/findings/{target}",
            "report": "/reports",
            "dashboard": "/dashboard",
            "status": "/status",
            "not-found": "/findings/999999",
            "bad-week": "/reports/2099-W01",
        },
    )


def test_manager_picks_a_week_on_the_dashboard_and_every_page_passes(
    browse: Callable[..., Any], world: tuple[str, Engine], axe_path: Path
) -> None:
    _, engine = world
    page = browse()
    sign_in(page, "max")
    assert page.url.endswith("/dashboard")
    assert f"to {DATA_WEEK}" in page.locator("main").inner_text()
    later = str(Week.parse(DATA_WEEK).next())
    page.get_by_label("Week", exact=True).fill(later)
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert f"week={later}" in page.url and f"to {later}" in page.locator("main").inner_text()
    assert "Ana Lima" not in page.content()  # aggregates only
    with page.expect_navigation():
        page.get_by_role("link", name="Previous week").click()
    assert f"to {DATA_WEEK}" in page.locator("main").inner_text()
    assert page.problems == []
    sign_out(page)

    checked = browse(checked=True)
    sign_in(checked, "max")
    target = finding_id(engine, "RSP501")
    check_pages(
        checked,
        axe_path,
        "manager",
        {"dashboard": "/dashboard", "status": "/status", "refused": f"/findings/{target}"},
    )


def test_person_disagrees_with_a_finding_and_every_page_passes(
    browse: Callable[..., Any], world: tuple[str, Engine], axe_path: Path
) -> None:
    _, engine = world
    page = browse()
    sign_in(page, "ana")
    assert page.url.endswith("/me")
    disagree = page.locator("main form[action$='/disagree']").first
    disagree.get_by_role("textbox").fill("That was a quote from a troll, not my words")
    with page.expect_navigation():
        disagree.get_by_role("button", name="I disagree").click()
    # The confirmation step: nothing is stored until the person says yes.
    with Session(engine) as session:
        assert session.exec(select(FindingNote)).all() == []
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, send it").click()
    with Session(engine) as session:
        note = session.exec(select(FindingNote)).one()
        assert note.author == "ana" and "quote from a troll" in note.text
    assert page.problems == []
    sign_out(page)

    checked = browse(checked=True)
    sign_in(checked, "ana")
    check_pages(
        checked,
        axe_path,
        "person",
        {"own-page": "/me", "own-week": f"/me?week={DATA_WEEK}", "refused": "/review"},
    )


def test_admin_adds_a_person_and_an_account_and_every_page_passes(
    browse: Callable[..., Any], world: tuple[str, Engine], axe_path: Path
) -> None:
    _, engine = world
    page = browse()
    sign_in(page, "ada")
    page.get_by_role("link", name="People").click()
    person_form = page.locator("form[action='/admin/people']")
    person_form.get_by_label("Name").fill("Dana Reyes")
    person_form.get_by_label("E-mail").fill("dana@example.org")
    with page.expect_navigation():
        person_form.get_by_role("button", name="Add").click()
    account_form = page.locator("form[action='/admin/accounts']")
    account_form.get_by_label("Person").fill("Dana Reyes")
    account_form.get_by_label("Handle").fill("this_handle_is_far_too_long_for_x")
    with page.expect_navigation():
        account_form.get_by_role("button", name="Add").click()
    alert = page.locator("#refused-account")
    assert "Not saved: handle" in alert.inner_text()
    assert account_form.get_by_label("Person").input_value() == "Dana Reyes"  # kept
    account_form.get_by_label("Handle").fill("dana_reyes")
    with page.expect_navigation():
        account_form.get_by_role("button", name="Add").click()
    assert page.locator("#refused-account").count() == 0
    with Session(engine) as session:
        dana = session.exec(select(Person).where(Person.name == "Dana Reyes")).one()
        handles = session.exec(select(Account.handle).where(Account.person_id == dana.id)).all()
        assert handles == ["dana_reyes"]
    assert page.problems == []
    sign_out(page)

    def refused_form(p: Any) -> None:
        p.goto("/admin/people")
        form = p.locator("form[action='/admin/accounts']")
        form.get_by_label("Person").fill("Nobody Known")
        form.get_by_label("Handle").fill("nobody")
        with p.expect_navigation():
            form.get_by_role("button", name="Add").click()

    checked = browse(checked=True)
    sign_in(checked, "ada")
    check_pages(
        checked,
        axe_path,
        "admin",
        {
            "people": "/admin/people",
            "refused-form": refused_form,
            "audit": "/admin/audit",
            "queue": "/review",
            "report": "/reports",
        },
    )
