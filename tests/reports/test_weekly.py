"""The weekly report from the store: sections, order, escaping, CSV/JSON, reruns, empty weeks."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from reports import weekly
from reports.weekly import highlight
from socialaudit.cli import app
from socialaudit.config import load_settings
from socialaudit.db import session_scope
from socialaudit.models import (
    Account,
    CollectionRun,
    Finding,
    Person,
    Post,
    PostKind,
    ProfileSnapshot,
    ReferencedPost,
)
from socialaudit.weeks import Week
from tests.reports.seed import IMG, MONDAY, SCRIPT, WEEK, seed_week

W47 = Week.parse("2026-W47")


def settings():
    return load_settings(environ={})


def test_highlight_offsets_quotes_and_notes() -> None:
    segments, notes = highlight(
        "Vote for X now, internal only.",
        [{"start": 0, "end": 10}, {"match": "INTERNAL ONLY"}, {"keyword": "x", "score": 3}],
    )
    assert segments == [
        ("Vote for X", True),
        (" now, ", False),
        ("internal only", True),
        (".", False),
    ]
    assert notes == ["keyword: x; score: 3"]
    # Offsets that do not match their quoted text fall back to searching for the quote.
    segments, _ = highlight("abc def", [{"start": 0, "end": 3, "text": "def"}])
    assert segments == [("abc ", False), ("def", True)]


def test_report_contents_and_order(engine: Engine) -> None:
    with session_scope(engine) as session:
        ids = seed_week(session)
    report = weekly.build(engine, settings(), W47)
    # Most serious first: the two high findings, then medium, then review.
    assert [f["severity"] for f in report.findings] == ["high", "high", "medium", "review"]
    assert report.finding_count == 4
    figures = {f.label: f for f in report.figures}
    assert figures["Findings this week"].value == 4
    assert figures["Findings this week"].previous == 0
    assert figures["High severity"].value == 2
    assert figures["Posts collected"].value == 6
    assert figures["Posts deleted by their author"].value == 1
    assert figures["People audited"].value == 6
    # Ana has high findings and a profile that lost its disclaimer; Person 1's review finding
    # is still open: four of six people have nothing needing attention.
    assert figures["Compliance rate"].text == "66%"
    by_rule = {r["rule_code"]: r for r in report.by_rule}
    assert by_rule["NPT201"]["high"] == 1 and by_rule["PND402"]["review"] == 1
    # Profile compliance: Ana's latest profile lost the disclaimer; the others comply.
    ana = next(p for p in report.profiles if p["person_id"] == ids["person"])
    assert ana["lost"] and ana["disclaimer"] is False and ana["affiliation"] is True
    assert report.profiles[0]["person_id"] == ids["person"]  # worst first
    # Lifecycle: Ana deleted one post; the protected account's post is not a deletion.
    life = {r["person"]: r for r in report.lifecycle}
    ana_life = life[f"Ana {SCRIPT} Lima"]
    assert ana_life["deleted-without-correction"] == 1 and ana_life["corrected-by-edit"] == 0
    assert ana_life["hours:deleted-without-correction"] == 3  # the stored time to delete
    assert life["Person 3"]["deleted-without-correction"] == 0
    assert life["Person 3"]["unavailable"] == 1
    assert life["Person 1"]["corrected-by-edit"] == 1
    eng = report.engagement
    assert (eng.posts, eng.replies, eng.questions, eng.answered_in_48h, eng.copies) == (
        6,
        1,
        1,
        1,
        1,
    )
    assert [a["status"] for a in report.unavailable] == ["protected"]
    assert report.runs[0]["rate_limited"] == 2

    html = weekly.render_html(report)
    for heading in (
        "Headline figures",
        "Findings by rule and severity",
        "Profile compliance",
        "Deletions and corrections",
        "Engagement",
        "Data quality",
    ):
        assert f"<h2>{heading}</h2>" in html
    # Untrusted text is escaped, bidi overrides are shown, javascript: links are dropped.
    assert SCRIPT not in html and IMG not in html
    assert "&lt;script&gt;document.title=" in html
    assert "[U+202E]" in html and "\u202e" not in html
    assert 'href="javascript' not in html
    assert "link withheld (not a web address): <bdi>javascript:alert(1)</bdi>" in html
    assert "<mark>Vote for Example Party</mark>" in html
    assert "Remove the endorsement" in html  # suggested action
    assert "You may not advocate" in html  # policy clause quoted
    assert "<svg" in html and "<script" not in html.replace("&lt;script", "")


def test_csv_and_json_hold_the_same_findings(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        seed_week(session)
    paths = weekly.write(engine, settings(), W47, tmp_path)
    assert [p.name for p in paths] == [
        "report-2026-W47.html",
        "report-2026-W47.csv",
        "report-2026-W47.json",
    ]
    rows = list(csv.DictReader(io.StringIO(paths[1].read_text(encoding="utf-8"))))
    document = json.loads(paths[2].read_text(encoding="utf-8"))
    assert [r["id"] for r in rows] == [str(f["id"]) for f in document["findings"]]
    assert len(rows) == 4 and document["week"] == "2026-W47"
    first = document["findings"][0]
    assert first["rule_code"] in {"NPT201", "TRN103"} and first["severity"] == "high"
    endorsement = next(f for f in document["findings"] if f["rule_code"] == "NPT201")
    assert SCRIPT in endorsement["post_text"]  # data files keep the archived text verbatim
    assert endorsement["evidence"] == [{"end": 22, "start": 0, "text": "Vote for Example Party"}]
    assert endorsement["suggested_action"].startswith("Remove the endorsement")


def test_csv_cells_never_start_a_formula(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        seed_week(session)
    report = weekly.build(engine, settings(), W47)
    records = [weekly.finding_record(row) for row in report.findings]
    records[0]["post_text"] = "=HYPERLINK('http://evil.example','x')"
    rows = list(csv.DictReader(io.StringIO(weekly.render_files(report, records)[0])))
    assert rows[0]["post_text"].startswith("'=HYPERLINK")


def test_same_week_twice_is_byte_identical(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        seed_week(session)
    first = [p.read_bytes() for p in weekly.write(engine, settings(), W47, tmp_path / "a")]
    second = [p.read_bytes() for p in weekly.write(engine, settings(), W47, tmp_path / "b")]
    assert first == second
    assert b'id="finding-' in first[0] and first[1].count(b"\n") == 5


def test_empty_week_says_so(engine: Engine, tmp_path: Path) -> None:
    html_path, csv_path, json_path = weekly.write(
        engine, settings(), Week.parse("2026-W10"), tmp_path
    )
    html = html_path.read_text(encoding="utf-8")
    assert 'id="empty-week"' in html
    assert "Nobody was registered for auditing yet in 2026-W10" in html
    assert "No findings this week." in html
    assert "No collection round ran this week" in html
    assert csv_path.read_text(encoding="utf-8").count("\n") == 1  # the header only
    assert json.loads(json_path.read_text(encoding="utf-8"))["findings"] == []


def test_report_command(runner: CliRunner, cli_env: dict, engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        seed_week(session)
    result = runner.invoke(app, ["report", "--week", "2026-W47"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "data" / "reports"
    assert "report-2026-W47.html" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "report-2026-W47.csv",
        "report-2026-W47.html",
        "report-2026-W47.json",
    ]
    bad = runner.invoke(app, ["report", "--week", "2026-47"])
    assert bad.exit_code == 2
    assert "week: expected an ISO week such as 2026-W47, got '2026-47'" in bad.output


def _expected_figures(engine: Engine, week: Week) -> dict[str, object]:
    """The report's attention figures, counted here from the rows themselves."""
    end = week.bounds("Europe/London")[1]
    with Session(engine) as session:
        findings = session.exec(select(Finding)).all()
        accounts = session.exec(select(Account)).all()
        persons = {p.id: p for p in session.exec(select(Person)).all()}
        snapshots = session.exec(select(ProfileSnapshot)).all()
        posts = session.exec(select(Post)).all()

    def aware(moment):
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    audited = {
        a.person_id
        for a in accounts
        if a.active
        and persons[a.person_id].active
        and (
            aware(a.created_at) < end
            or any(s.account_id == a.id and aware(s.seen_at) < end for s in snapshots)
            or any(p.account_id == a.id and aware(p.created_at) < end for p in posts)
        )
    }
    outstanding = [
        f for f in findings if f.week <= str(week) and f.review_status in ("open", "acknowledged")
    ]
    flagged = {
        f.person_id
        for f in findings
        if f.week == str(week)
        and f.severity in ("high", "medium")
        and f.review_status != "false-positive"
    }
    failing = set()
    for account in accounts:
        seen = [s for s in snapshots if s.account_id == account.id and aware(s.seen_at) < end]
        if not seen:
            continue
        latest = max(seen, key=lambda s: (aware(s.seen_at), s.id)).id
        if any(
            f.account_id == account.id
            and f.rule_code in ("TRN101", "TRN102", "TRN103")
            and f.review_status != "false-positive"
            and (f.snapshot_id == latest or (f.rule_code == "TRN103" and f.week == str(week)))
            for f in findings
        ):
            failing.add((account.person_id, account.id))
    attention = (flagged | {f.person_id for f in outstanding} | {p for p, _ in failing}) & audited
    return {
        "open": len(outstanding),
        "unreviewed": sum(1 for f in outstanding if f.review_status == "open"),
        "failing": len(failing),
        "people": len(audited),
        "compliance": 1 - len(attention) / len(audited),
        "by_person": {
            persons[pid].name: sum(1 for f in outstanding if f.person_id == pid)
            for pid in {f.person_id for f in outstanding}
        },
    }


def test_attention_figures_hold_against_the_store(engine: Engine) -> None:
    with session_scope(engine) as session:
        ids = seed_week(session)
        person_2 = session.exec(select(Person).where(Person.name == "Person 2")).one()
        # Left open from an earlier week, acknowledged, resolved, a false positive, and one
        # of a later week: only the first two still need attention in W47.
        for n, (week, status) in enumerate(
            [
                ("2026-W45", "open"),
                ("2026-W46", "acknowledged"),
                ("2026-W46", "resolved"),
                ("2026-W46", "false-positive"),
                ("2026-W48", "open"),
            ]
        ):
            session.add(
                Finding(
                    fingerprint=f"extra-{n}",
                    rule_code="RSP501",
                    rule_name="hostile-reply",
                    severity="medium",
                    week=week,
                    subject_type="post",
                    person_id=person_2.id,
                    review_status=status,
                )
            )
        finding = session.get(Finding, ids["review"])
        finding.review_status = "acknowledged"
        session.add(finding)
    report = weekly.build(engine, settings(), W47)
    expected = _expected_figures(engine, W47)
    shown = {f.key: f.value for f in report.figures}
    assert shown["open"] == expected["open"] == 6  # 4 of W47 and 2 earlier
    assert shown["unreviewed"] == expected["unreviewed"] == 4
    assert shown["failing"] == expected["failing"] == 1
    assert shown["people"] == expected["people"] == 6
    assert shown["compliance"] == pytest.approx(expected["compliance"])
    assert shown["compliance"] == pytest.approx(3 / 6)
    assert {r["person"]: r["total"] for r in report.attention} == expected["by_person"]
    html = weekly.render_html(report)
    attention = html.split('<section id="attention">')[1].split("</section>")[0]
    assert "Person 2" in attention and "removed the views disclaimer" in attention
    assert '<div class="value">6</div><div class="label">Findings needing attention' in attention


def test_a_rate_is_never_100_percent_while_anything_is_open(engine: Engine) -> None:
    with session_scope(engine) as session:
        seed_week(session, people=12)
    report = weekly.build(engine, settings(), Week.parse("2026-W48"))
    rate = report.figure("compliance")
    # W48 has no finding of its own, but W47's are open and Ana's profile still falls short.
    assert report.figure("findings").value == 0
    assert rate.value is not None and rate.value < 1 and rate.text != "100%"
    assert weekly.Figure("rate", 0.996, None, percent=True).text == "99%"
    assert weekly.Figure("rate", 1.0, None, percent=True).text == "100%"


def test_an_empty_week_says_why(engine: Engine) -> None:
    with session_scope(engine) as session:
        seed_week(session)
    week = Week.parse("2026-W49")
    html = weekly.render_html(weekly.build(engine, settings(), week))
    assert "No collection round ran in 2026-W49, so nothing was collected" in html
    start, _ = week.bounds("Europe/London")
    with session_scope(engine) as session:
        session.add(CollectionRun(platform="x", started_at=start, status="ok"))
    html = weekly.render_html(weekly.build(engine, settings(), week))
    assert "1 collection round ran in 2026-W49 and found no post from anyone audited" in html
    assert "No collection round ran" not in html


def _seed_cards(session) -> dict[str, int]:
    """A repost of a party account, a hasty reply to a hostile message, an embargo breach."""
    ids = seed_week(session)
    person = session.exec(select(Person).where(Person.name == "Person 2")).one()
    account = session.exec(select(Account).where(Account.person_id == person.id)).one()
    repost = Post(
        account_id=account.id,
        platform="x",
        platform_id="p-repost",
        url="https://x.example/person2/status/9",
        created_at=MONDAY + timedelta(hours=50),
        text="",
        kind=PostKind.REPOST,
        repost_of_id="party-1",
        repost_of_account_id="party",
    )
    reply = Post(
        account_id=account.id,
        platform="x",
        platform_id="p-hasty",
        created_at=MONDAY + timedelta(hours=51),
        text="That is simply not true.",
        kind=PostKind.REPLY,
        reply_to_id="hostile-1",
    )
    sneak = Post(
        account_id=account.id,
        platform="x",
        platform_id="p-embargo",
        created_at=MONDAY + timedelta(hours=52),
        text="Sneak peek: https://amnesty.example/report-2027 is out soon",
    )
    quote = Post(
        account_id=account.id,
        platform="x",
        platform_id="p-quote",
        created_at=MONDAY + timedelta(hours=53),
        text="Read this and vote for them!",
        kind=PostKind.QUOTE,
        quote_of_id="party-2",
    )
    session.add_all([repost, reply, sneak, quote])
    session.add_all(
        [
            ReferencedPost(
                platform="x",
                platform_id="party-1",
                author_handle="ExampleParty",
                text="Our manifesto launches today. Join us!",
            ),
            ReferencedPost(
                platform="x",
                platform_id="party-2",
                author_handle="ExampleParty",
                text="Our candidate speaks tonight.",
            ),
            ReferencedPost(
                platform="x",
                platform_id="hostile-1",
                author_handle="loud_critic",
                text="You people are liars, shut up.",
            ),
        ]
    )
    session.flush()
    common = {"subject_type": "post", "person_id": person.id, "account_id": account.id}
    for n, (code, name, severity, post, message, evidence) in enumerate(
        [
            (
                "NPT202",
                "amplifies-political-account",
                "review",
                repost,
                "The post reposts ExampleParty, a political party or candidate account.",
                [{"field": "reposted_from", "start": 0, "end": 12, "text": "ExampleParty"}],
            ),
            (
                "RSP502",
                "hasty-reply",
                "review",
                reply,
                'The post replies within 3 min to a hostile message ("shut up").',
                [{"field": "reply_to_text", "start": 22, "end": 29, "text": "shut up"}],
            ),
            (
                "NPT201",
                "political-endorsement",
                "high",
                quote,
                '"vote for them" reads as a political endorsement.',
                [{"field": "text", "start": 14, "end": 27, "text": "vote for them"}],
            ),
            (
                "EMB401",
                "embargoed-content",
                "high",
                sneak,
                "The report is under embargo. Wait until the embargo lifts before posting "
                "about it.",
                [
                    {
                        "field": "links[0]",
                        "start": 0,
                        "end": 35,
                        "text": "https://amnesty.example/report-2027",
                    }
                ],
            ),
        ]
    ):
        finding = Finding(
            fingerprint=f"card-{n}",
            rule_code=code,
            rule_name=name,
            severity=severity,
            week=WEEK,
            post_id=post.id,
            message=message,
            evidence=evidence,
            **common,
        )
        session.add(finding)
        session.flush()
        ids[code] = finding.id
    return ids


def _card_html(html: str, finding_id: int) -> str:
    return html.split(f'id="finding-{finding_id}"')[1].split("</article>")[0]


def test_cards_speak_in_words(engine: Engine) -> None:
    with session_scope(engine) as session:
        ids = _seed_cards(session)
    html = weekly.render_html(weekly.build(engine, settings(), W47))
    assert "field:" not in html and "start:" not in html and "Evidence:" not in html
    # A repost shows the original's words, and whose they are.
    repost = _card_html(html, ids["NPT202"])
    assert "No archived text" not in repost
    assert "A repost of <bdi>ExampleParty</bdi>" in repost
    assert "Our manifesto launches today. Join us!" in repost
    # A hasty reply shows the message replied to, as someone else's words, evidence marked.
    hasty = _card_html(html, ids["RSP502"])
    assert "In reply to <bdi>loud_critic</bdi>: someone else's words" in hasty
    assert "You people are liars, <mark>shut up</mark>." in hasty
    assert hasty.index("loud_critic") < hasty.index("That is simply not true.")
    # The embargo card cites the embargo, links are marked in the text, the action is said once.
    embargo = _card_html(html, ids["EMB401"])
    assert "OK to post" not in embargo and "non-embargoed" in embargo
    assert "<mark>https://amnesty.example/report-2027</mark>" in embargo
    assert embargo.count("Wait until the embargo lifts before posting about it.") == 1
    # Links: to the post, and to the account on its platform, never to the bio's website.
    assert 'href="https://x.example/person2/status/9"' in repost
    assert 'href="https://x.com/person2"' in repost
    lost = _card_html(html, ids["lost"])
    assert 'href="https://x.com/ana%E2%80%AEevil.exe"' in lost
    assert "profile link" not in lost and "javascript" not in lost  # the bio's website
    # A quote shows the person's words, then the quoted post as someone else's.
    quoted = _card_html(html, ids["NPT201"])
    assert "Read this and <mark>vote for them</mark>!" in quoted
    assert "Quoting <bdi>ExampleParty</bdi>: someone else's words" in quoted
    assert quoted.index("vote for them") < quoted.index("Our candidate speaks tonight.")
    # Evidence without a place in the text is said in words.
    review = _card_html(html, ids["review"])
    assert "Noted in the post: “detainees”" in review
