"""What one nudge holds: each item once, deletions only when a correction is due, where
replies go and the link to the person's own page (dry run, on SQLite and PostgreSQL)."""

from __future__ import annotations

import email
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from reports.nudges import send_nudges
from socialaudit.config import load_settings
from socialaudit.errors import ConfigError
from socialaudit.models import (
    Account,
    DeletionCause,
    Finding,
    Person,
    Post,
    PostKind,
    ProfileSnapshot,
    ReferencedPost,
    ReviewStatus,
)
from tests.reports.nudge_data import MONDAY, NOW, WEEK, seed_week, settings_for


def _ana(session: Session) -> tuple[Person, Account]:
    person = session.exec(select(Person).where(Person.name == "Ana Lima")).one()
    account = session.exec(select(Account).where(Account.person_id == person.id)).one()
    return person, account


def _add(session: Session, person: Person, account: Account, code: str, severity: str, **kw):
    finding = Finding(
        fingerprint=f"extra-{code}-{kw.get('post_id') or kw.get('snapshot_id')}",
        rule_code=code,
        rule_name=code.lower(),
        severity=severity,
        subject_type="profile" if "snapshot_id" in kw else "post",
        person_id=person.id,
        account_id=account.id,
        week=str(WEEK),
        **kw,
    )
    session.add(finding)
    session.flush()
    return finding


def _deleted_post(session: Session, account: Account, key: str, text: str) -> Post:
    post = Post(
        account_id=account.id,
        platform="x",
        platform_id=key,
        created_at=MONDAY + timedelta(hours=50),
        text=text,
        deleted_at=MONDAY + timedelta(hours=52),
        deletion_cause=DeletionCause.DELETED,
    )
    session.add(post)
    session.flush()
    return post


def _ana_message(engine: Engine, tmp_path: Path, **nudges: object) -> tuple[EmailMessage, str]:
    settings = settings_for(tmp_path, nudges=nudges)
    summary = send_nudges(engine, settings, WEEK, dry_run=True, now=NOW, person="Ana Lima")
    assert [o.status for o in summary.outcomes] == ["written"], summary.outcomes
    (path,) = (tmp_path / "outbox" / str(WEEK)).glob("ana-lima-*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=default)
    body = message.get_body(("plain",))
    assert body is not None
    return message, body.get_content()


def test_findings_on_one_post_or_bio_make_one_item(engine: Engine, tmp_path: Path) -> None:
    seeded = seed_week(engine)
    with Session(engine, expire_on_commit=False) as session:
        ana, account = _ana(session)
        endorsement = session.get(Finding, seeded.finding_ids["ana-high"])
        profile = session.get(Finding, seeded.finding_ids["ana-profile"])
        snapshot = session.get(ProfileSnapshot, profile.snapshot_id)
        # The same bio also lost its disclaimer (same clause), the same post also carries a
        # confidentiality marker (another clause).
        lost = _add(session, ana, account, "TRN103", "high", snapshot_id=snapshot.id)
        marker = _add(session, ana, account, "CNF301", "medium", post_id=endorsement.post_id)
        session.commit()
        ids = {lost.id, marker.id, endorsement.id, profile.id}
    message, text = _ana_message(engine, tmp_path)
    assert text.count("Campaigner. Cats & coffee.") == 1  # the bio once
    assert text.count("Your profile on X") == 1 and text.count("Your post on X") == 1
    # One instruction per clause: the lost disclaimer's, not a second "Add ...".
    assert text.count("Say in your profile that you work for the organisation") == 1
    assert 'Put the "views are my own" disclaimer back' in text
    assert 'Add "Views are my own"' not in text
    # Two clauses on the post: each said once, with its own suggestion.
    assert "Don't advocate for a political party" in text
    assert "Don't share internal communications" in text
    assert text.count("Remove the endorsement") == 1
    assert "2 things to look at" in message["Subject"]
    # The nudge stands for all four findings (the web app and the report link them to it).
    settings = settings_for(tmp_path)
    with Session(engine) as session:
        from reports.nudges import _Candidate, compose  # the same path the run takes

        found = session.exec(select(Finding).where(Finding.id.in_(ids))).all()
        found = sorted(found, key=lambda f: (f.severity != "high", f.id))
        _, finding_ids = compose(
            session,
            settings,
            _Candidate(ana.id, ana.name, "ana@example.org", "en", found),
            WEEK,
            NOW,
        )
    assert set(finding_ids) == ids


def test_a_deletion_is_nudged_only_when_a_correction_is_due(engine: Engine, tmp_path: Path) -> None:
    seed_week(engine)
    with Session(engine) as session:
        ana, account = _ana(session)
        plain = _deleted_post(session, account, "ana-gone-1", "UNREVIEWED-DELETION We are hiring")
        _add(session, ana, account, "MST801", "medium", post_id=plain.id)
        wrong = _deleted_post(session, account, "ana-gone-2", "CONFIRMED-MISTAKE 3,000% rise")
        _add(
            session,
            ana,
            account,
            "MST801",
            "medium",
            post_id=wrong.id,
            review_status=ReviewStatus.ACKNOWLEDGED,
        )
        flagged = _deleted_post(session, account, "ana-gone-3", "FLAGGED-THEN-DELETED memo")
        _add(session, ana, account, "CNF301", "medium", post_id=flagged.id)
        _add(
            session,
            ana,
            account,
            "MST801",
            "medium",
            post_id=flagged.id,
            review_status=ReviewStatus.ACKNOWLEDGED,
        )
        session.commit()
    _, text = _ana_message(engine, tmp_path)
    # A reviewer confirmed this deleted post was a mistake: a correction is due.
    assert "CONFIRMED-MISTAKE" in text and "(since deleted)" in text
    # A deletion nobody judged a mistake, and taking down a flagged post: never scolded.
    assert "UNREVIEWED-DELETION" not in text
    assert "FLAGGED-THEN-DELETED" not in text


def test_replies_go_to_the_configured_address_and_the_page_is_linked(
    engine: Engine, tmp_path: Path
) -> None:
    seed_week(engine)
    message, text = _ana_message(
        engine, tmp_path, reply_to="comms@example.org", page_url="https://audit.example.org/me"
    )
    assert message["Reply-To"] == "comms@example.org"
    assert message["From"] == "Social media audit <socialaudit@localhost>"
    assert "Your own page, with every finding and a way to say you disagree: " in text
    assert "https://audit.example.org/me" in text
    html = message.get_body(("html",)).get_content()
    assert '<a href="https://audit.example.org/me"' in html
    # Unset: no Reply-To header and no link.
    (tmp_path / "unset").mkdir()
    plain, plain_text = _ana_message(engine, tmp_path / "unset")
    assert "Reply-To" not in plain and "Your own page" not in plain_text


@pytest.mark.parametrize(
    ("key", "value"),
    [("reply_to", "comms at example"), ("page_url", "javascript:alert(1)")],
)
def test_bad_reply_to_and_page_url_are_config_errors(tmp_path: Path, key: str, value: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(f'[nudges]\n{key} = "{value}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=key):
        load_settings(path, environ={})


def test_a_repost_is_shown_in_the_original_words(engine: Engine, tmp_path: Path) -> None:
    seed_week(engine)
    with Session(engine) as session:
        ana, account = _ana(session)
        repost = Post(
            account_id=account.id,
            platform="x",
            platform_id="ana-rp",
            created_at=MONDAY + timedelta(hours=60),
            text="",
            kind=PostKind.REPOST,
            repost_of_id="party-9",
        )
        session.add(repost)
        session.add(
            ReferencedPost(
                platform="x",
                platform_id="party-9",
                author_handle="ExampleParty",
                text="REPOSTED-WORDS Vote Example Party",
            )
        )
        session.flush()
        _add(session, ana, account, "NPT202", "medium", post_id=repost.id)
        session.commit()
    _, text = _ana_message(engine, tmp_path)
    assert "“REPOSTED-WORDS Vote Example Party”" in text
