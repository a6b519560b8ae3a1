"""`forget` leaves nothing that names the person: not in any text column of any table (the
schema is reflected, so a table added later is searched too), not in any written file."""

from __future__ import annotations

import html
import json
import warnings
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select
from typer.testing import CliRunner

from socialaudit.cli import app
from socialaudit.db import make_engine
from socialaudit.models import (
    Account,
    AuditLog,
    CollectionRun,
    Finding,
    FindingNote,
    JobRun,
    Person,
    Post,
    ReferencedPost,
    User,
    unpack_payload,
)
from tests.factories import make_person_with_posts

NAME = "Ömer Şahin"
EMAIL = "omer.sahin@example.org"
HANDLE = "omer_sahin"
OLD_HANDLE = "omer_s_old"
POST_TEXT = "Ömer's own words on the ruling, which he later regretted."
REPLY_TEXT = "Ömer wrote a second thing that a colleague quoted in full."


def _seed(engine: sa.Engine) -> dict[str, int]:
    with Session(engine) as session:
        ben, _, ben_posts = make_person_with_posts(session, "Ben Okafor", posts=2)
        omer = Person(name=NAME, email=EMAIL, team="Press")
        session.add(omer)
        session.flush()
        account = Account(person_id=omer.id, platform="x", platform_id="77001234", handle=HANDLE)
        session.add(account)
        session.flush()
        from socialaudit.models import HandleChange

        session.add(HandleChange(account_id=account.id, old_handle=OLD_HANDLE, new_handle=HANDLE))
        post = Post(
            account_id=account.id,
            platform="x",
            platform_id="99001",
            created_at=datetime(2026, 11, 17, 9, tzinfo=UTC),
            text=POST_TEXT,
        )
        second = Post(
            account_id=account.id,
            platform="x",
            platform_id="99002",
            created_at=datetime(2026, 11, 17, 10, tzinfo=UTC),
            text=REPLY_TEXT,
        )
        session.add_all([post, second])
        session.flush()
        from socialaudit.models import PostVersion, ProfileSnapshot

        # The platform's JSON as kept: his own, and Ben's reply whose includes quote him.
        session.add(
            PostVersion(
                post_id=post.id,
                version_key="99001",
                text=POST_TEXT,
                raw={"tweet": {"id": "99001", "author_id": "77001234", "text": POST_TEXT}},
            )
        )
        session.add(
            ProfileSnapshot(
                account_id=account.id,
                handle=HANDLE,
                content_hash="omer",
                raw={"user": {"id": "77001234", "username": HANDLE, "name": NAME}},
            )
        )
        ben_version = session.exec(
            select(PostVersion)
            .where(PostVersion.post_id == ben_posts[0].id)
            .order_by(PostVersion.id)
        ).first()
        assert ben_version is not None
        ben_version.raw = {
            "tweet": {"id": ben_posts[0].platform_id, "text": "@omer_sahin yes &amp; no"},
            "includes": {
                "tweets": [{"id": "99001", "text": POST_TEXT.replace("'", "&#39;")}],
                "users": [{"id": "77001234", "username": HANDLE}],
            },
        }
        session.add(ben_version)
        session.add(User(name="omer", role="person", person_id=omer.id))
        session.add(
            Finding(
                fingerprint="omer-1",
                rule_code="RSP501",
                rule_name="disrespectful-language",
                severity="high",
                subject_type="post",
                person_id=omer.id,
                account_id=account.id,
                post_id=post.id,
                evidence=[{"text": POST_TEXT[:20]}],
                week="2026-W47",
            )
        )
        # Ben replied to Ömer's post: a copy of it is kept as Ben's context.
        session.add(
            ReferencedPost(
                platform="x",
                platform_id="99001",
                author_id="77001234",
                author_handle=f"@{HANDLE}",
                text=POST_TEXT,
            )
        )
        # ... and to another account's post that mentions nobody: it stays.
        session.add(
            ReferencedPost(platform="x", platform_id="55", author_handle="@critic", text="Why?")
        )
        ben_finding = session.exec(
            select(Finding).where(Finding.person_id == ben.id, Finding.post_id.is_not(None))
        ).first()
        assert ben_finding is not None
        ben_finding.review_note = f"Checked with ömer şahin ({EMAIL}) who saw it first."
        ben_finding.reviewed_by = "omer"
        ben_finding.evidence = [{"text": REPLY_TEXT, "where": "quoted"}, {"text": "Ben's"}]
        session.add(ben_finding)
        session.add(FindingNote(finding_id=ben_finding.id, author="reviewer", text=f"cc {NAME}"))
        session.add_all(
            [
                AuditLog(actor="admin", action="person:add", target=NAME),
                AuditLog(actor="admin", action="note", detail="ÖMER ŞAHIN asked for a call"),
                AuditLog(actor="omer", action="sign-in"),
                AuditLog(actor="admin", action="account:add", target=f"x:{HANDLE}"),
                AuditLog(actor="admin", action="person:add", target="Ben Okafor"),
            ]
        )
        session.add(JobRun(job="nudges", status="ok", summary=f"sent: Ben Okafor, {NAME}"))
        session.add(
            CollectionRun(
                platform="x", status="partial", errors=[{"account": HANDLE, "error": "timeout"}]
            )
        )
        session.commit()
        return {"ben": ben.id, "ben_posts": len(ben_posts)}


def _identifying() -> list[str]:
    return [NAME, EMAIL, HANDLE, OLD_HANDLE, "77001234", POST_TEXT, REPLY_TEXT]


def _every_text_value(engine: sa.Engine) -> list[tuple[str, str, str]]:
    """(table, column, text) of every non-null value of every text-like column, reflected."""
    meta = sa.MetaData()
    with warnings.catch_warnings():  # SQLite's reflection skips the expression indexes
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        meta.reflect(engine)
    out = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            for column in table.columns:
                if column.name == "id" or isinstance(
                    column.type, sa.Integer | sa.Boolean | sa.DateTime | sa.Float
                ):
                    continue
                if isinstance(column.type, sa.LargeBinary):  # a kept platform payload
                    for (value,) in conn.execute(sa.select(column)):
                        if value is not None:
                            decoded = json.dumps(unpack_payload(value), ensure_ascii=False)
                            out.append((table.name, column.name, html.unescape(decoded)))
                    continue
                for (value,) in conn.execute(sa.select(sa.cast(column, sa.Text))):
                    if value is not None:
                        try:
                            decoded = json.dumps(json.loads(value), ensure_ascii=False)
                        except (ValueError, TypeError):
                            decoded = value
                        out.append((table.name, column.name, f"{value} {decoded}"))
    return out


def _naming(values: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    folded = [s.casefold() for s in _identifying()]
    return [(t, c, v) for t, c, v in values if any(s in v.casefold() for s in folded)]


def test_forget_leaves_no_identifying_string_in_any_table_or_file(
    runner: CliRunner, cli_env: dict, tmp_path: Path
) -> None:
    engine = make_engine(cli_env["SOCIALAUDIT_DATABASE_URL"])
    seeded = _seed(engine)
    reports_dir, outbox = tmp_path / "data" / "reports", tmp_path / "data" / "outbox"
    written = runner.invoke(app, ["report", "--week", "2026-W47"])
    assert written.exit_code == 0, written.output
    named = [p.name for p in reports_dir.glob("report-2026-W47.*") if NAME in p.read_text()]
    assert named, "the weekly report names him before forget"
    (reports_dir / "dashboard-2026-W47.html").write_text(f"<td>{NAME}</td>", encoding="utf-8")
    (reports_dir / "notes.txt").write_text("nobody named here\n", encoding="utf-8")
    (outbox / "2026-W47").mkdir(parents=True)
    (outbox / "2026-W47" / "omer-sahin-2.eml").write_text(
        f"To: =?utf-8?q?=C3=96mer?= <{EMAIL}>\n\n{POST_TEXT}\n", encoding="utf-8"
    )
    (outbox / "2026-W47" / "ben-okafor-1.eml").write_text("To: Ben <ben@example.org>\n")
    assert _naming(_every_text_value(engine))  # the seed does name him, everywhere

    result = runner.invoke(app, ["forget", "ömer şahin", "--yes"])
    assert result.exit_code == 0, (result.output, result.exception)

    left = _naming(_every_text_value(engine))
    assert left == [], left
    for path in [*reports_dir.rglob("*"), *outbox.rglob("*")]:
        if path.is_file():
            text = path.read_text(encoding="utf-8").casefold()
            assert not any(s.casefold() in text for s in _identifying()), path
    assert not (reports_dir / "dashboard-2026-W47.html").exists()
    assert not (outbox / "2026-W47" / "omer-sahin-2.eml").exists()
    assert (reports_dir / "report-2026-W47.html").exists()  # written again, without him
    assert (reports_dir / "notes.txt").exists() and (outbox / "2026-W47" / "ben-okafor-1.eml")
    # Everyone else's rows stay, and what was done stays on record.
    with Session(engine) as session:
        assert session.get(Person, seeded["ben"]) is not None
        assert len(session.exec(select(Post)).all()) == seeded["ben_posts"]
        assert [r.text for r in session.exec(select(ReferencedPost)).all()] == ["Why?"]
        logs = session.exec(select(AuditLog).order_by(AuditLog.id)).all()
        assert len(logs) == 5 and logs[4].target == "Ben Okafor"
        assert logs[1].detail == "[forgotten person] asked for a call"
        note = session.exec(select(Finding).where(Finding.review_note.is_not(None))).one()
        assert (
            note.review_note
            == "Checked with [forgotten person] ([forgotten person]) who saw it first."
        )
        assert note.evidence[1] == {"text": "Ben's"}
        # Ben's payload that quoted him is dropped whole; his other payloads stay.
        from socialaudit.models import PostVersion

        kept = [v.raw for v in session.exec(select(PostVersion).order_by(PostVersion.id))]
        assert kept[0] is None and len(kept) == seeded["ben_posts"]
        assert all(raw is not None for raw in kept[1:])
    engine.dispose()
