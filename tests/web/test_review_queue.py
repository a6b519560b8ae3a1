"""The review queue and the finding page as a reviewer uses them, on SQLite and PostgreSQL:
no preselected decision, one-click decisions with Undo, notes in the history, filters that
ignore case and accents, search, sorting, disputed rows, and marking a missed post."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from socialaudit.models import (
    AuditLog,
    Finding,
    FindingNote,
    MissedPost,
    Person,
    Post,
    ReviewDecision,
)
from socialaudit.search import index_missing
from tests.factories import make_person_with_posts
from tests.web.seed import seed_web
from tests.web.test_app import client_for, sign_in


@pytest.fixture
def world(engine: Engine) -> Engine:
    seed_web(engine)
    with Session(engine) as session:
        _, _, posts = make_person_with_posts(session, "José García", posts=2, platform="mastodon")
        posts[0].text = "Mi opinión: VOTAD por el partido, sin más"
        session.add(posts[0])
        _, _, theirs = make_person_with_posts(session, "Kemi Adeyemi", posts=1)
        finding = session.exec(select(Finding).where(Finding.post_id == theirs[0].id)).one()
        finding.rule_code, finding.rule_name, finding.severity = "RSP502", "hasty-reply", "review"
        session.add(finding)
        session.commit()
        index_missing(session)
        session.commit()
    return engine


@pytest.fixture
def client(world: Engine) -> Iterator[TestClient]:
    with client_for(world) as c:
        yield c


def _finding(engine: Engine, person: str, rule: str = "RSP501") -> Finding:
    with Session(engine) as session:
        found = session.exec(
            select(Finding)
            .join(Person, Person.id == Finding.person_id)  # type: ignore[arg-type]
            .where(Person.name == person, Finding.rule_code == rule)
            .order_by(Finding.id)  # type: ignore[arg-type]
        ).first()
        assert found is not None
        return found


def _rows(html: str) -> list[str]:
    """The finding links of the queue's rows, in order."""
    return re.findall(r'<td><a href="/findings/(\d+)">', html)


def test_the_finding_page_preselects_no_decision(client: TestClient, world: Engine) -> None:
    csrf = sign_in(client, "rita")
    target = _finding(world, "Ana Lima")
    page = client.get(f"/findings/{target.id}").text
    select_html = re.search(r'<select name="status" required>(.*?)</select>', page, re.S)
    assert select_html is not None
    options = re.findall(r"<option[^>]*>", select_html.group(1))
    assert [o for o in options if "selected" in o] == ['<option value="" selected disabled>']
    # Sent without a choice: the app's own page with a 422, nothing recorded.
    response = client.post(f"/findings/{target.id}/review", data={"status": "", "csrf_token": csrf})
    assert response.status_code == 422
    assert "Choose a decision" in response.text and "<html" in response.text
    with Session(world) as session:
        assert session.get(Finding, target.id).review_status == "open"  # type: ignore[union-attr]


def test_one_click_false_positive_says_what_was_decided_and_undo_restores_it(
    client: TestClient, world: Engine
) -> None:
    csrf = sign_in(client, "rita")
    target = _finding(world, "Ana Lima")
    queue = client.get("/review?person=ana").text
    back = re.search(r'name="back" value="([^"]+)"', queue).group(1)  # type: ignore[union-attr]
    assert back == "/review?person=ana&amp;status=open&amp;sort=severity"
    response = client.post(
        f"/findings/{target.id}/review",
        data={"status": "false-positive", "csrf_token": csrf, "back": "/review?person=ana"},
    )
    assert response.status_code == 303
    landing = response.headers["location"]
    assert landing.startswith("/review?person=ana&decided=")
    page = client.get(landing).text
    assert f'Finding <a href="/findings/{target.id}">{target.id}</a> (RSP501) marked' in page
    assert "<strong>false positive</strong>" in page
    assert f'/findings/{target.id}"' in page  # in the notice, though gone from the rows
    assert f"{target.id}" not in _rows(page)
    undo = re.search(r'action="(/review/decisions/(\d+)/undo)"', page)
    assert undo is not None
    # Undo is a write like any other: without the CSRF token it is refused.
    assert client.post(undo.group(1), data={"back": "/review"}).status_code == 403
    response = client.post(undo.group(1), data={"csrf_token": csrf, "back": "/review?person=ana"})
    assert response.status_code == 303
    after = client.get(response.headers["location"]).text
    assert "Undone: finding" in after and "(open)" in after
    assert str(target.id) in _rows(after)
    with Session(world) as session:
        row = session.get(Finding, target.id)
        assert row is not None
        assert (row.review_status, row.reviewed_by, row.reviewed_at) == ("open", None, None)
        actions = [a.action for a in session.exec(select(AuditLog).order_by(AuditLog.id)).all()]  # type: ignore[arg-type]
        assert actions[-2:] == ["review:false-positive", "review:undo"]
    # Once is enough: a second undo is refused in a page, never a traceback.
    again = client.post(undo.group(1), data={"csrf_token": csrf, "back": "/review"})
    assert again.status_code == 400 and "already undone" in again.text
    history = client.get(f"/findings/{target.id}").text
    assert "marked false positive" in history and "undone by <bdi>rita</bdi>" in history


def test_undo_is_refused_once_the_finding_was_decided_again(
    client: TestClient, world: Engine
) -> None:
    csrf = sign_in(client, "rita")
    target = _finding(world, "Ben Okafor")
    first = client.post(
        f"/findings/{target.id}/review", data={"status": "acknowledged", "csrf_token": csrf}
    ).headers["location"]
    decision = first.rsplit("=", 1)[1]
    client.post(f"/findings/{target.id}/review", data={"status": "resolved", "csrf_token": csrf})
    refused = client.post(
        f"/review/decisions/{decision}/undo", data={"csrf_token": csrf, "back": "/review"}
    )
    assert refused.status_code == 400 and "decided again" in refused.text
    with Session(world) as session:
        assert session.get(Finding, target.id).review_status == "resolved"  # type: ignore[union-attr]


def test_a_typed_note_is_shown_in_the_findings_history(client: TestClient, world: Engine) -> None:
    csrf = sign_in(client, "rita")
    target = _finding(world, "Ben Okafor")
    client.post(
        f"/findings/{target.id}/review",
        data={
            "status": "acknowledged",
            "note": "Spoke to Ben; he will edit",
            "csrf_token": csrf,
            "back": f"/findings/{target.id}",
        },
    )
    page = client.get(f"/findings/{target.id}").text
    history = page.split("<h2>Review history</h2>", 1)[1].split("<h2>Decide</h2>", 1)[0]
    assert "Spoke to Ben; he will edit" in history and "marked acknowledged" in history
    assert "<bdi>rita</bdi>" in history


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ("person=kemi", {"Kemi Adeyemi"}),
        ("person=Garcia", {"José García"}),
        ("person=GARCÍA", {"José García"}),
        ("person=okaf", {"Ben Okafor"}),
        ("rule=rsp502", {"Kemi Adeyemi"}),
        ("rule=rsp", {"Ana Lima", "Ben Okafor", "José García", "Kemi Adeyemi"}),
        ("q=opinion", {"José García"}),  # post text, accent-insensitive
        ("q=votad+OPINIÓN", {"José García"}),  # every word must be found
        ("q=%40kemi", {"Kemi Adeyemi"}),  # a handle
        ("q=garcia", {"José García"}),  # a name
        ("q=100%25", set()),  # LIKE wildcards are literal
        ("person=nobody", set()),
    ],
)
def test_filters_ignore_case_and_accents_and_match_parts(
    client: TestClient, world: Engine, query: str, who: set[str]
) -> None:
    sign_in(client, "rita")
    page = client.get(f"/review?{query}")
    assert page.status_code == 200
    ids = {int(i) for i in _rows(page.text)}
    with Session(world) as session:
        names = {
            session.get(Person, session.get(Finding, i).person_id).name  # type: ignore[union-attr]
            for i in ids
        }
    assert names == who


def test_rows_show_the_post_its_date_platform_and_disputes(
    client: TestClient, world: Engine
) -> None:
    sign_in(client, "ana")
    mine = _finding(world, "Ana Lima")
    csrf = sign_in(client, "ana")
    client.post(
        f"/me/findings/{mine.id}/disagree",
        data={"text": "Not mine", "csrf_token": csrf, "confirmed": "yes"},
    )
    client.cookies.clear()
    sign_in(client, "rita")
    page = client.get("/review?person=garcia").text
    assert "Mi opinión: VOTAD por el partido, sin más" in page
    assert "mastodon" in page and '<time datetime="2026-11-16T09:00:00+00:00">' in page
    assert "2026-11-16 09:00 UTC" in page
    assert "disputed" not in page.split("<table", 1)[1]
    disputed = client.get("/review?disputed=true").text
    assert _rows(disputed) == [str(mine.id)]
    assert '<span class="disputed"' in disputed


def test_sorting_by_a_column_in_both_directions(client: TestClient, world: Engine) -> None:
    sign_in(client, "rita")
    with Session(world) as session:
        by_id = {f.id: session.get(Person, f.person_id).name for f in session.exec(select(Finding))}  # type: ignore[union-attr]
    for direction in ("asc", "desc"):
        page = client.get(f"/review?sort=person&dir={direction}").text
        names = [by_id[int(i)] for i in _rows(page)]
        assert names == sorted(names, reverse=direction == "desc") and len(set(names)) == 4
        assert f'aria-sort="{"ascending" if direction == "asc" else "descending"}"' in page
    posted = [int(i) for i in _rows(client.get("/review?sort=posted&dir=desc").text)]
    with Session(world) as session:
        dates = [session.get(Finding, i).post_id for i in posted]  # type: ignore[union-attr]
    assert dates[-1] is None  # profile findings (no post) last
    assert client.get("/review?sort=evil").status_code == 422


def test_a_reviewer_marks_a_missed_post_and_takes_it_back(
    client: TestClient, world: Engine
) -> None:
    csrf = sign_in(client, "rita")
    found = client.get("/posts?q=votad&person=jose").text
    post_id = re.search(r'href="/posts/(\d+)"', found).group(1)  # type: ignore[union-attr]
    page = client.get(f"/posts/{post_id}").text
    assert "Mi opinión" in page and "Choose a rule" in page
    response = client.post(
        f"/posts/{post_id}/missed",
        data={"rule": "npt201", "note": "endorses a party", "csrf_token": csrf},
    )
    assert response.status_code == 303
    marked = client.get(response.headers["location"]).text
    assert "marked as a miss of NPT201" in marked and "endorses a party" in marked
    # Marking it again changes nothing; an unknown rule or post is a 4xx page.
    client.post(f"/posts/{post_id}/missed", data={"rule": "NPT201", "csrf_token": csrf})
    bad = client.post(f"/posts/{post_id}/missed", data={"rule": "TRN101", "csrf_token": csrf})
    assert bad.status_code == 400 and "expected a post rule" in bad.text
    assert client.get("/posts/999999").status_code == 404
    with Session(world) as session:
        rows = session.exec(select(MissedPost)).all()
        assert [(r.post_id, r.rule_code, r.marked_by) for r in rows] == [
            (int(post_id), "NPT201", "rita")
        ]
    client.post(f"/posts/{post_id}/missed/remove", data={"rule": "NPT201", "csrf_token": csrf})
    with Session(world) as session:
        assert session.exec(select(MissedPost)).all() == []
        assert session.exec(select(FindingNote)).all() == []
        assert session.get(Post, int(post_id)) is not None


def test_undo_of_a_false_positive_restores_every_finding_it_covered(world: Engine) -> None:
    """A false positive also decides the rule's other findings on the same post: Undo puts
    each back as it was, its own earlier decision and note included."""
    from reports.review import parse_decision, review_finding, undo_decision

    target = _finding(world, "Ben Okafor")
    with Session(world) as session:
        twin = Finding(
            fingerprint="ben-twin",
            rule_code=target.rule_code,
            rule_name=target.rule_name,
            severity=target.severity,
            subject_type="post",
            person_id=target.person_id,
            account_id=target.account_id,
            post_id=target.post_id,
            week="2026-W48",
        )
        session.add(twin)
        session.commit()
        review_finding(session, twin.id, parse_decision("acknowledged"), "ben", "talked")  # type: ignore[arg-type]
        session.commit()
        review_finding(session, target.id, parse_decision("false-positive"), "rita")  # type: ignore[arg-type]
        session.commit()
        states = {
            f.id: f.review_status
            for f in session.exec(select(Finding).where(Finding.post_id == target.post_id))
        }
        assert set(states.values()) == {"false-positive"} and len(states) == 2
        decision = session.exec(
            select(ReviewDecision).where(ReviewDecision.finding_id == target.id)
        ).one()
        undo_decision(session, decision.id, "rita")  # type: ignore[arg-type]
        session.commit()
        back = session.get(Finding, twin.id)
        assert back is not None
        assert (back.review_status, back.reviewed_by, back.review_note) == (
            "acknowledged",
            "ben",
            "talked",
        )
        assert session.get(Finding, target.id).review_status == "open"  # type: ignore[union-attr]


def test_sorting_by_post_date_pages_through_every_finding_once(
    client: TestClient, world: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Posts by date, then the profile findings: page after page, none twice, none lost."""
    monkeypatch.setattr("socialaudit.web.routes.review.REVIEW_PAGE", 3)
    sign_in(client, "rita")
    seen: list[int] = []
    for number in range(1, 6):
        seen += [int(i) for i in _rows(client.get(f"/review?sort=posted&page={number}").text)]
    with Session(world) as session:
        findings = session.exec(select(Finding)).all()
        posted = {
            f.id: session.get(Post, f.post_id).created_at  # type: ignore[union-attr]
            for f in findings
            if f.post_id is not None
        }
        profiles = sorted(f.id for f in findings if f.post_id is None)  # type: ignore[type-var]
    assert len(seen) == len(findings) == len(set(seen))
    on_posts = seen[: len(posted)]
    assert [posted[i] for i in on_posts] == sorted(posted.values())
    assert seen[len(posted) :] == profiles
