"""Right-to-left overrides in names and texts stay inside their own isolate: `<bdi>` in the
web pages, U+2068…U+2069 in chart labels, so they cannot reorder the text around them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from reports import charts
from socialaudit.models import Account, Finding, Person
from socialaudit.users import add_user, audit
from tests.web.seed import seed_web
from tests.web.test_app import client_for, sign_in

RLO = "\u202e"
NAME = f"Ana {RLO}amiL"  # shows as "Ana Lima" but reorders whatever follows it
_BDI = re.compile(r"<bdi>.*?</bdi>", re.DOTALL)
_ISOLATE = re.compile("\u2068[^\u2068\u2069]*\u2069")


def outside(pattern: re.Pattern[str], text: str) -> str:
    return pattern.sub("", text)


@pytest.fixture
def hostile(engine: Engine) -> tuple[Engine, int]:
    seed_web(engine)  # its first post's text already holds an override
    with Session(engine) as session:
        ana = session.exec(select(Person).where(Person.name == "Ana Lima")).one()
        ana.name, ana.team, ana.email = NAME, f"Cam{RLO}paigns", f"ana{RLO}@example.org"
        session.add(ana)
        account = session.exec(select(Account).where(Account.person_id == ana.id)).one()
        account.handle = f"ana{RLO}lima"
        session.add(account)
        finding = session.exec(select(Finding).where(Finding.person_id == ana.id)).first()
        assert finding is not None
        finding.reviewed_by = f"rev{RLO}iewer"
        session.add(finding)
        add_user(session, f"mal{RLO}lory", "reviewer", "correct horse battery")
        audit(session, f"ad{RLO}a", "person:add", NAME, f"detail {RLO}")
        session.commit()
        return engine, finding.id  # type: ignore[return-value]


def test_every_override_on_the_web_pages_is_inside_a_bdi(hostile: tuple[Engine, int]) -> None:
    engine, finding = hostile
    with client_for(engine) as client:
        sign_in(client, "ada")
        pages = {
            path: client.get(path).text
            for path in ("/review?status=", f"/findings/{finding}", "/admin/people", "/admin/audit")
        }
    for path, html in pages.items():
        assert RLO in html, path  # shown as it is, but isolated
        assert RLO not in outside(_BDI, html), path
    assert f"<bdi>{NAME}</bdi>" in pages["/review?status="]
    assert f"<bdi>{NAME}</bdi>" in pages["/admin/people"]
    assert f"<bdi>ana{RLO}lima</bdi>" in pages[f"/findings/{finding}"]


def test_chart_labels_are_isolated() -> None:
    weeks = ["2026-W46", "2026-W47"]
    team = f"Cam{RLO}paigns"
    drawn = [
        charts.lines(weeks, {team: [1, 2], "Press": [2, 3]}, "compliance"),
        charts.stacked_area(weeks, {team: [1, 2], "Press": [2, 3]}, "families"),
        charts.hbar([team, "Press"], [3, 1], "by rule"),
    ]
    for svg in drawn:
        assert f"\u2068{team}\u2069" in svg
        assert RLO not in outside(_ISOLATE, svg)
