"""The page cache: built once per data change, and never showing a page older than the data.

The changes come as another process makes them (the CLI, the scheduler): straight into the
store, not through this app, so only the data version can tell the app about them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from reports import dashboard
from reports.review import review_finding
from socialaudit.config import load_settings
from socialaudit.models import CollectionRun, Finding, Person, ReviewStatus
from socialaudit.web.app import create_app
from socialaudit.web.cache import PageCache
from socialaudit.web.picker import span
from socialaudit.weeks import Week
from tests.web.seed import seed_web
from tests.web.test_app import sign_in

SETTINGS = load_settings(environ={})


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_web(engine)
    return engine


@pytest.fixture
def client(seeded: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(SETTINGS, seeded), follow_redirects=False) as c:
        yield c


def _cache(client: TestClient, version_ttl: float = 0.0) -> PageCache:
    """The app's cache, reading the data version for every request unless told otherwise."""
    cache = client.app.state.page_cache  # type: ignore[attr-defined]
    assert isinstance(cache, PageCache)
    cache.version_ttl = version_ttl
    return cache


def _body(html: str) -> str:
    """The dashboard itself, without the layout around it (the file's, or the app's with its
    viewer's navigation)."""
    return html[html.index("<h1>Social media audit") : html.index("</footer>")]


def _fresh_dashboard(engine: Engine) -> str:
    """Built anew up to the latest week with data, as the page is."""
    with Session(engine) as session:
        until = span(session, SETTINGS.organisation.timezone).latest
    return _body(dashboard.render_html(dashboard.build(engine, SETTINGS, 12, until)))


def _add_findings(engine: Engine, week: str, count: int, tag: str) -> list[int]:
    """What a check run does: new findings for Ana in `week`."""
    with Session(engine) as session:
        ana = session.exec(select(Person).where(Person.name == "Ana Lima")).one()
        rows = [
            Finding(
                fingerprint=f"{tag}-{n}",
                rule_code="NPT201",
                rule_name="political-endorsement",
                severity="high",
                subject_type="post",
                person_id=ana.id,
                week=week,
                message=f"finding {tag}-{n}",
            )
            for n in range(count)
        ]
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows if row.id is not None]


def test_dashboard_is_rebuilt_only_when_the_data_changes(
    client: TestClient, seeded: Engine
) -> None:
    with Session(seeded) as session:  # the dashboard shows groups of five people or more
        session.add_all(Person(name=f"Extra {n}", team="Campaigns") for n in range(4))
        session.commit()
    sign_in(client, "max")
    cache = _cache(client)
    week = str(Week.last_complete(SETTINGS.organisation.timezone))
    first = client.get("/dashboard")
    assert first.status_code == 200 and cache.builds == 1
    assert client.get("/dashboard").text == first.text and cache.builds == 1

    found = _add_findings(seeded, week, 3, "check")  # a check run in another process
    after_check = client.get("/dashboard").text
    assert cache.builds == 2 and after_check != first.text
    assert _body(after_check) == _fresh_dashboard(seeded)

    with Session(seeded) as session:  # `socialaudit review ... --as false-positive`
        review_finding(session, found[0], ReviewStatus.FALSE_POSITIVE, "someone")
        session.commit()
    after_review = client.get("/dashboard").text
    assert cache.builds == 3 and after_review != after_check
    assert _body(after_review) == _fresh_dashboard(seeded)

    with Session(seeded) as session:  # a collection round starts, then finishes
        run = CollectionRun(platform="x", started_at=datetime.now(UTC))
        session.add(run)
        session.commit()
        client.get("/dashboard")
        assert cache.builds == 4
        run.finished_at, run.status = datetime.now(UTC), "ok"
        session.add(run)
        session.commit()
    assert _body(client.get("/dashboard").text) == _fresh_dashboard(seeded) and cache.builds == 5
    assert client.get("/dashboard?weeks=4").status_code == 200 and cache.builds == 6


def test_review_queue_follows_decisions_made_elsewhere(client: TestClient, seeded: Engine) -> None:
    csrf = sign_in(client, "rita")
    cache = _cache(client)
    queue = client.get("/review").text
    builds = cache.builds
    assert client.get("/review").text == queue and cache.builds == builds
    with Session(seeded) as session:
        target = session.exec(select(Finding).where(Finding.rule_code == "RSP501")).first()
        assert target is not None and target.id is not None
        target_id = target.id
        assert f'href="/findings/{target_id}"' in queue
        review_finding(session, target_id, ReviewStatus.RESOLVED, "someone")  # via the CLI
        session.commit()
    queue = client.get("/review").text
    assert f'href="/findings/{target_id}"' not in queue and cache.builds == builds + 1

    (new,) = _add_findings(seeded, "2026-W47", 1, "new")
    assert f'href="/findings/{new}"' in client.get("/review").text

    # A decision through the app shows at once, and the page carries this session's token.
    assert f'value="{csrf}"' in client.get("/review").text
    decided = client.post(
        f"/findings/{new}/review", data={"status": "acknowledged", "csrf_token": csrf}
    )
    assert decided.status_code == 303
    assert f'href="/findings/{new}"' not in client.get("/review").text


def test_each_session_gets_its_own_csrf_token_in_a_cached_page(seeded: Engine) -> None:
    app = create_app(SETTINGS, seeded)
    with (
        TestClient(app, follow_redirects=False) as one,
        TestClient(app, follow_redirects=False) as two,
    ):
        first, second = sign_in(one, "rita"), sign_in(two, "rita")
        assert first != second
        page_one, page_two = one.get("/review").text, two.get("/review").text
    assert f'value="{first}"' in page_one and first not in page_two
    assert f'value="{second}"' in page_two and second not in page_one
    assert "csrf-" not in page_one.replace(first, "")


def test_an_entry_older_than_max_age_is_rebuilt(client: TestClient) -> None:
    sign_in(client, "max")
    cache = _cache(client)
    client.get("/dashboard")
    cache.max_age = 0.0  # a change the version cannot see shows within max_age
    client.get("/dashboard")
    assert cache.builds == 2


def test_changes_made_elsewhere_show_within_the_version_ttl(
    client: TestClient, seeded: Engine
) -> None:
    sign_in(client, "rita")
    cache = _cache(client, version_ttl=1.5)
    before = client.get("/review").text
    reads = cache.version_reads
    for _ in range(5):
        assert client.get("/review").text == before
    assert cache.version_reads == reads  # under load: one version query per second at most
    (new,) = _add_findings(seeded, "2026-W47", 1, "late")
    time.sleep(1.6)
    assert f'href="/findings/{new}"' in client.get("/review").text
    assert cache.version_reads == reads + 1


def _two_clients(seeded: Engine) -> tuple[TestClient, TestClient, PageCache]:
    """A reviewer and a manager on one app (one process, one cache), the manager's board
    showing groups (five people or more)."""
    with Session(seeded) as session:
        session.add_all(Person(name=f"Extra {n}", team="Campaigns") for n in range(4))
        session.commit()
    app = create_app(SETTINGS, seeded)
    reviewer = TestClient(app, follow_redirects=False)
    manager = TestClient(app, follow_redirects=False)
    cache = app.state.page_cache
    cache.version_ttl = 0.0
    return reviewer, manager, cache


def _queue_status(queue: str, finding_id: int) -> bool:
    return f'href="/findings/{finding_id}"' in queue


def test_a_decision_refreshes_the_queue_and_keeps_the_dashboard(seeded: Engine) -> None:
    reviewer, manager, cache = _two_clients(seeded)
    with reviewer, manager:
        csrf = sign_in(reviewer, "rita")
        sign_in(manager, "max")
        board = manager.get("/dashboard").text
        queue = reviewer.get("/review").text
        builds = cache.builds
        with Session(seeded) as session:
            target = session.exec(
                select(Finding).where(Finding.review_status == ReviewStatus.OPEN)
            ).first()
            assert target is not None and target.id is not None
            target_id = target.id
        assert _queue_status(queue, target_id)
        for status in ("acknowledged", "resolved"):  # in the app, form and API
            decided = reviewer.post(
                f"/findings/{target_id}/review", data={"status": status, "csrf_token": csrf}
            )
            assert decided.status_code == 303
        api = reviewer.post(
            f"/api/findings/{target_id}/review",
            json={"status": "open"},
            headers={"X-CSRF-Token": csrf},
        )
        assert api.status_code == 200
        # Neither changes a figure of the dashboard: it is served as built, not rebuilt.
        assert manager.get("/dashboard").text == board and cache.builds == builds
        assert _body(board) == _fresh_dashboard(seeded)
        # The queue is rebuilt, showing the finding open again after the last decision.
        queue = reviewer.get("/review").text
        assert cache.builds == builds + 1 and _queue_status(queue, target_id)
        reviewer.post(
            f"/findings/{target_id}/review", data={"status": "acknowledged", "csrf_token": csrf}
        )
        assert not _queue_status(reviewer.get("/review").text, target_id)
        assert manager.get("/dashboard").text == board and cache.builds == builds + 2

        # A false positive leaves the dashboard's counts: it is rebuilt, right away.
        fp = reviewer.post(
            f"/findings/{target_id}/review", data={"status": "false-positive", "csrf_token": csrf}
        )
        assert fp.status_code == 303
        after = manager.get("/dashboard").text
        assert cache.builds == builds + 3 and _body(after) == _fresh_dashboard(seeded) != _body(
            board
        )
        # And back from false positive to open: counted again, rebuilt again.
        reviewer.post(f"/findings/{target_id}/review", data={"status": "open", "csrf_token": csrf})
        assert manager.get("/dashboard").text == board and cache.builds == builds + 4


def test_decisions_made_elsewhere_rebuild_the_dashboard_only_for_false_positives(
    seeded: Engine,
) -> None:
    reviewer, manager, cache = _two_clients(seeded)
    with reviewer, manager:
        sign_in(reviewer, "rita")
        sign_in(manager, "max")
        board = manager.get("/dashboard").text
        queue = reviewer.get("/review").text
        builds = cache.builds
        with Session(seeded) as session:  # `socialaudit review ...` in another process
            open_ids = session.exec(
                select(Finding.id).where(Finding.review_status == ReviewStatus.OPEN)
            ).all()
            first = open_ids[0]
            assert first is not None
            review_finding(session, first, ReviewStatus.ACKNOWLEDGED, "someone")
            session.commit()
        assert manager.get("/dashboard").text == board and cache.builds == builds
        assert reviewer.get("/review").text != queue and cache.builds == builds + 1

        with Session(seeded) as session:
            review_finding(session, first, ReviewStatus.FALSE_POSITIVE, "someone")
            session.commit()
        assert _body(manager.get("/dashboard").text) == _fresh_dashboard(seeded) != _body(board)
        assert cache.builds == builds + 2
        with Session(seeded) as session:  # out of the false positives again
            review_finding(session, first, ReviewStatus.RESOLVED, "someone")
            session.commit()
        assert manager.get("/dashboard").text == board and cache.builds == builds + 3


def test_a_decision_shows_at_once_to_its_reviewer_and_within_the_ttl_to_others(
    seeded: Engine,
) -> None:
    app = create_app(SETTINGS, seeded)
    cache = app.state.page_cache
    cache.version_ttl = 60.0  # no version read during the test unless a write asks for one
    with (
        TestClient(app, follow_redirects=False) as rita,
        TestClient(app, follow_redirects=False) as ada,
    ):
        csrf = sign_in(rita, "rita")
        sign_in(ada, "ada")
        with Session(seeded) as session:
            target = session.exec(
                select(Finding).where(Finding.review_status == ReviewStatus.OPEN)
            ).first()
            assert target is not None and target.id is not None
            target_id = target.id
        assert _queue_status(rita.get("/review").text, target_id)
        other = ada.get("/review").text
        assert _queue_status(other, target_id)
        builds, reads = cache.builds, cache.version_reads
        decided = rita.post(
            f"/findings/{target_id}/review", data={"status": "resolved", "csrf_token": csrf}
        )
        assert decided.status_code == 303
        # The reviewer's own queue is rebuilt at once, without the finding.
        assert not _queue_status(rita.get("/review").text, target_id)
        assert cache.builds == builds + 1
        # Another reviewer's stays as built until the version is next read ...
        assert ada.get("/review").text == other and cache.builds == builds + 1
        assert cache.version_reads == reads
        cache.version_ttl = 0.0  # ... which is within the second
        assert not _queue_status(ada.get("/review").text, target_id)
        assert cache.builds == builds + 2
