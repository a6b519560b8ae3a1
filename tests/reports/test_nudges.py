"""A week of nudges through a real SMTP server (aiosmtpd), on SQLite and PostgreSQL."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from reports.nudges import send_nudges
from socialaudit.errors import NotFoundError, UsageError
from socialaudit.models import Nudge, Person
from tests.reports.nudge_data import NOW, SCRIPT_POST, WEEK, seed_week, settings_for
from tests.smtp_server import Behaviour, SmtpServer

NUDGED = {"ana@example.org", "bruno@example.org", "carmen@example.org"}


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def by_recipient(server: SmtpServer) -> dict[str, EmailMessage]:
    return {r.rcpt_tos[0]: r.message for r in server.received}


def nudges(engine: Engine) -> list[Nudge]:
    with Session(engine) as session:
        return list(session.exec(select(Nudge).order_by(Nudge.person_id)).all())


def test_a_week_of_nudges(engine: Engine, tmp_path: Path) -> None:
    seeded = seed_week(engine)
    with SmtpServer() as server:
        settings = settings_for(tmp_path, smtp={"port": server.port})
        summary = send_nudges(engine, settings, WEEK, now=NOW)

    assert summary.ok and summary.count("sent") == 3
    skipped = {o.person: o.detail for o in summary.outcomes if o.status == "skipped"}
    assert skipped == {
        "Dana Okafor": "opted out of nudges",
        "Eve Novak": "no e-mail address",
        "Finn Berg": "removed from the registry",
    }
    # One envelope per person, to that person alone: no copy to anyone.
    assert sorted(r.rcpt_tos[0] for r in server.received) == sorted(NUDGED)
    assert all(len(r.rcpt_tos) == 1 for r in server.received)
    mails = by_recipient(server)
    for message in mails.values():
        assert message["From"] == "Social media audit <socialaudit@localhost>"
        assert message["Date"] and message["Auto-Submitted"] == "auto-generated"
        assert message["Message-ID"].strip().startswith("<")
        assert message.get_content_type() == "multipart/alternative"
        assert "Cc" not in message and "Bcc" not in message
        text, html = parts(message)
        assert "Reply and say so" in text or "Répondez" in text or "Responde" in text

    ana = mails["ana@example.org"]
    assert ana["To"] == "Ana Lima <ana@example.org>"
    assert ana["Subject"].strip() == "Your social media week, November 16 – 22: 2 things to look at"
    assert ana["Content-Language"] == "en"
    text, html = parts(ana)
    # The excerpt is escaped in HTML and literal in plain text.
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    assert SCRIPT_POST in text
    # Each item: what was seen, the clause in one sentence, one suggestion; plus the motto.
    assert "https://x.com/ana/status/ana-1" in text and "https://x.com/ana" in html
    assert "Don't advocate for a political party or candidate" in text
    assert "Remove the endorsement; talk about human rights issues, not parties." in text
    assert "Campaigner. Cats &amp; coffee." in html
    assert 'Add "Views are my own"' in text
    assert "If in doubt, don't post." in text and "If in doubt, don&#39;t post." in html
    assert "don't be put off" in text
    # What went well that week.
    assert "You posted 2 replies" in text and "You corrected 1 post in the open" in text
    assert "You took down 1 post that needed it" in text
    # Not nudged: review, info, false-positive, another week, a post she took down herself.
    for absent in ("REVIEW-ONLY", "INFO-ONLY", "FALSE-POSITIVE", "OTHER-WEEK", "TAKEN-DOWN"):
        assert absent not in text and absent not in html
    # Nothing of anyone else's.
    for other in ("BRUNO-TEXT", "CARMEN-TEXT", "DANA", "EVE", "FINN"):
        assert other not in text and other not in html

    bruno_text, bruno_html = parts(mails["bruno@example.org"])
    assert mails["bruno@example.org"]["Subject"].strip().startswith("Votre semaine sur les réseaux")
    assert "Dans le doute, ne publiez pas." in bruno_text
    assert "Reformulez sans insultes" in bruno_text and "BRUNO-TEXT" in bruno_html
    assert "ANA" not in bruno_text.upper().replace("ANALY", "")
    carmen_text, _ = parts(mails["carmen@example.org"])
    assert mails["carmen@example.org"]["Subject"].strip().startswith("Tu semana en redes sociales")
    assert "Si tienes dudas, no lo publiques." in carmen_text
    assert "Retira el enlace al sistema interno." in carmen_text

    rows = nudges(engine)
    assert [r.person_id for r in rows] == sorted(
        seeded.ids[n] for n in ("Ana Lima", "Bruno Caron", "Carmen Ruiz")
    )
    ana_row = next(r for r in rows if r.person_id == seeded.ids["Ana Lima"])
    assert ana_row.message_id == ana["Message-ID"].strip() and ana_row.week == str(WEEK)
    assert sorted(ana_row.finding_ids) == sorted(
        [seeded.finding_ids["ana-high"], seeded.finding_ids["ana-profile"]]
    )


def test_a_second_run_sends_nothing(engine: Engine, tmp_path: Path) -> None:
    seed_week(engine)
    with SmtpServer() as server:
        settings = settings_for(tmp_path, smtp={"port": server.port})
        send_nudges(engine, settings, WEEK, now=NOW)
        again = send_nudges(engine, settings, WEEK, now=NOW)
    assert len(server.received) == 3
    assert again.ok and again.count("sent") == 0 and again.count("already-sent") == 3
    assert len(nudges(engine)) == 3


def test_refused_recipient_is_retried_next_run_without_duplicates(
    engine: Engine, tmp_path: Path
) -> None:
    seed_week(engine)
    with SmtpServer(Behaviour(refuse={"bruno@example.org"})) as server:
        settings = settings_for(tmp_path, smtp={"port": server.port})
        first = send_nudges(engine, settings, WEEK, now=NOW)
    assert not first.ok
    failed = [o for o in first.outcomes if o.status == "failed"]
    assert [o.person for o in failed] == ["Bruno Caron"] and "550" in failed[0].detail
    assert {r.rcpt_tos[0] for r in server.received} == NUDGED - {"bruno@example.org"}
    assert len(nudges(engine)) == 2

    with SmtpServer() as healthy:
        settings = settings_for(tmp_path, smtp={"port": healthy.port})
        second = send_nudges(engine, settings, WEEK, now=NOW)
    assert second.ok
    assert [r.rcpt_tos for r in healthy.received] == [["bruno@example.org"]]
    assert len(nudges(engine)) == 3


@pytest.mark.parametrize(
    "behaviour", [Behaviour(fail_after=1), Behaviour(drop_after=1)], ids=["421", "hang-up"]
)
def test_server_failing_mid_run_leaves_the_rest_to_the_next_run(
    engine: Engine, tmp_path: Path, behaviour: Behaviour
) -> None:
    seed_week(engine)
    with SmtpServer(behaviour) as server:
        settings = settings_for(tmp_path, smtp={"port": server.port})
        first = send_nudges(engine, settings, WEEK, now=NOW)
    assert first.error and not first.ok
    assert len(server.received) == 1 and first.count("sent") == 1
    assert first.count("deferred") == 2
    assert len(nudges(engine)) == 1

    with SmtpServer() as healthy:
        settings = settings_for(tmp_path, smtp={"port": healthy.port})
        second = send_nudges(engine, settings, WEEK, now=NOW)
    assert second.ok and second.count("sent") == 2
    everyone = [r.rcpt_tos[0] for r in server.received + healthy.received]
    assert sorted(everyone) == sorted(NUDGED)  # each exactly once
    assert len(nudges(engine)) == 3


def test_unreachable_server_sends_nothing_and_records_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    seed_week(engine)
    with SmtpServer() as server:
        port = server.port  # closed once the block ends
    settings = settings_for(tmp_path, smtp={"port": port})
    summary = send_nudges(engine, settings, WEEK, now=NOW)
    assert summary.error and f"127.0.0.1:{port}" in summary.error
    assert summary.count("deferred") == 3 and nudges(engine) == []


def test_dry_run_writes_eml_files_and_records_nothing(engine: Engine, tmp_path: Path) -> None:
    seed_week(engine)
    with SmtpServer() as server:
        port = server.port
    settings = settings_for(tmp_path, smtp={"port": port})  # nothing listens: never used
    summary = send_nudges(engine, settings, WEEK, dry_run=True, now=NOW)
    again = send_nudges(engine, settings, WEEK, dry_run=True, now=NOW)
    assert summary.ok and summary.count("written") == 3 and again.count("written") == 3
    files = sorted((tmp_path / "outbox" / str(WEEK)).glob("*.eml"))
    assert [f.name for f in files] == [
        f"{slug}.eml"
        for slug in sorted(
            o.detail.rsplit("/", 1)[-1].removesuffix(".eml")
            for o in summary.outcomes
            if o.status == "written"
        )
    ]
    assert len(files) == 3
    import email
    from email.policy import default

    ana = next(f for f in files if f.name.startswith("ana-lima-"))
    message = email.message_from_bytes(ana.read_bytes(), policy=default)
    assert message["To"] == "Ana Lima <ana@example.org>"
    assert "&lt;script&gt;" in parts(message)[1]  # type: ignore[arg-type]
    assert nudges(engine) == []


def test_weekly_cap_defers_a_second_nudge_in_the_same_calendar_week(
    engine: Engine, tmp_path: Path
) -> None:
    seed_week(engine)
    with SmtpServer() as server:
        settings = settings_for(tmp_path, smtp={"port": server.port})
        # The previous week's backlog went out today ...
        send_nudges(engine, settings, WEEK.previous(), now=NOW)
        assert [r.rcpt_tos[0] for r in server.received] == ["ana@example.org"]
        # ... so Ana's W47 nudge waits for next week; the others go out.
        summary = send_nudges(engine, settings, WEEK, now=NOW)
        deferred = [o.person for o in summary.outcomes if o.status == "deferred"]
        assert deferred == ["Ana Lima"] and summary.ok
        assert len(server.received) == 3
        # With a cap of two, it goes.
        roomy = settings_for(tmp_path, smtp={"port": server.port}, nudges={"max_per_week": 2})
        assert send_nudges(engine, roomy, WEEK, now=NOW).count("sent") == 1
    assert len(server.received) == 4


def test_min_severity_and_max_items(engine: Engine, tmp_path: Path) -> None:
    seed_week(engine)
    with SmtpServer() as server:
        settings = settings_for(
            tmp_path,
            smtp={"port": server.port},
            nudges={"min_severity": "review", "max_items": 2},
        )
        send_nudges(engine, settings, WEEK, person="Ana Lima", now=NOW)
    assert [r.rcpt_tos[0] for r in server.received] == ["ana@example.org"]
    text, _ = parts(server.received[0].message)
    # Three findings at review or above; the high one first, one mentioned as "more".
    assert "Vote for" in text and "Campaigner." in text and "REVIEW-ONLY" not in text
    assert "There is one more along the same lines" in text


def test_list_unsubscribe_and_person_filter(engine: Engine, tmp_path: Path) -> None:
    seed_week(engine)
    with SmtpServer() as server:
        settings = settings_for(
            tmp_path,
            smtp={"port": server.port},
            nudges={"list_unsubscribe": "mailto:comms@example.org?subject=stop"},
        )
        summary = send_nudges(engine, settings, WEEK, person="carmen@example.org", now=NOW)
        opted_out = send_nudges(engine, settings, WEEK, person="Dana Okafor", now=NOW)
    assert [o.status for o in summary.outcomes] == ["sent"]
    assert [(o.status, o.detail) for o in opted_out.outcomes] == [
        ("skipped", "opted out of nudges")
    ]
    message = server.received[0].message
    assert message["List-Unsubscribe"] == "<mailto:comms@example.org?subject=stop>"
    assert "Darse de baja" in parts(message)[1]


def test_bad_requests_are_clear(engine: Engine, tmp_path: Path) -> None:
    seed_week(engine)
    settings = settings_for(tmp_path)
    with pytest.raises(NotFoundError, match="no registered person called 'Nobody'"):
        send_nudges(engine, settings, WEEK, person="Nobody", now=NOW)
    with pytest.raises(UsageError, match="has not ended yet"):
        send_nudges(engine, settings, WEEK.next(), now=NOW)
    off = settings_for(tmp_path, nudges={"enabled": False})
    assert send_nudges(engine, off, WEEK, now=NOW).disabled
    assert nudges(engine) == []


def test_a_concurrent_run_waits_then_skips_instead_of_sending_twice(
    engine: Engine, tmp_path: Path
) -> None:
    """Another run holds Ana's (person, week) claim, uncommitted, while this run starts."""
    import threading
    import time

    seeded = seed_week(engine)
    other = engine.connect()
    claim = other.begin()
    other.execute(
        Nudge.__table__.insert().values(  # type: ignore[attr-defined]
            person_id=seeded.ids["Ana Lima"],
            week=str(WEEK),
            sent_at=NOW,
            message_id="<other-run@example>",
            finding_ids=[],
        )
    )
    results: list = []
    with SmtpServer() as server:
        settings = settings_for(tmp_path, smtp={"port": server.port})
        run = threading.Thread(
            target=lambda: results.append(send_nudges(engine, settings, WEEK, now=NOW))
        )
        run.start()
        time.sleep(1.5)
        assert run.is_alive(), "the run should wait on the claimed (person, week)"
        assert server.received == []
        claim.commit()  # the other run's message was accepted
        other.close()
        run.join(timeout=30)
    [summary] = results
    ana = next(o for o in summary.outcomes if o.person == "Ana Lima")
    assert (ana.status, ana.detail) == ("already-sent", "by another run")
    assert sorted(r.rcpt_tos[0] for r in server.received) == sorted(NUDGED - {"ana@example.org"})
    assert len(nudges(engine)) == 3


HOSTILE_NAMES = {
    "ana@example.org": "Lima, Ána",
    "bruno@example.org": "Bruno <attacker@evil.example>",
    "carmen@example.org": 'Carmen (Press) "Ruiz", team; lead',
}


def test_hostile_names_stay_display_names_and_the_mime_structure_holds(
    engine: Engine, tmp_path: Path
) -> None:
    seed_week(engine)
    with Session(engine) as session:
        for person in session.exec(select(Person)).all():
            if person.email in HOSTILE_NAMES:
                person.name = HOSTILE_NAMES[person.email]
                session.add(person)
        session.commit()
    with SmtpServer() as server:
        settings = settings_for(tmp_path, smtp={"port": server.port})
        summary = send_nudges(engine, settings, WEEK, now=NOW)
    assert summary.count("sent") == 3
    for received in server.received:
        # Parsed again from the bytes sent, as a mail client would.
        message = email.message_from_bytes(bytes(received.message), policy=email.policy.default)
        (recipient,) = received.rcpt_tos
        to = message["To"]
        assert len(to.addresses) == 1, str(to)
        assert to.addresses[0].addr_spec == recipient
        assert to.addresses[0].display_name == HOSTILE_NAMES[recipient]
        assert "evil.example" not in {a.domain for a in to.addresses}
        assert message.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in message.iter_parts()] == [
            "text/plain",
            "text/html",
        ]


@pytest.mark.parametrize(
    "address", ["ana(x)@example.org", "a,b@example.org", "Ana <ana@example.org>", "ana@@x.org"]
)
def test_addresses_that_would_break_a_header_are_refused_at_registration(address: str) -> None:
    from socialaudit.registry import PersonInput

    with pytest.raises(UsageError, match="email: expected an e-mail address"):
        PersonInput("Ana Lima", email=address)


def test_a_stored_address_that_does_not_validate_is_skipped_not_sent(
    engine: Engine, tmp_path: Path
) -> None:
    seed_week(engine)
    with Session(engine) as session:
        ana = session.exec(select(Person).where(Person.email == "ana@example.org")).one()
        ana.email = "ana(x)@example.org"  # stored before addresses were validated
        session.add(ana)
        session.commit()
    with SmtpServer() as server:
        settings = settings_for(tmp_path, smtp={"port": server.port})
        summary = send_nudges(engine, settings, WEEK, now=NOW)
    assert summary.count("sent") == 2
    assert all("ana" not in r.rcpt_tos[0] for r in server.received)
    skipped = {o.person: o.detail for o in summary.outcomes if o.status == "skipped"}
    assert skipped["Ana Lima"].startswith("e-mail address not valid")


def test_bidi_controls_in_a_name_or_post_are_isolated_in_the_nudge(
    engine: Engine, tmp_path: Path
) -> None:
    from socialaudit.display import FSI, PDI

    seed_week(engine)
    name = "Ana \u202eamiL"
    with Session(engine) as session:
        ana = session.exec(select(Person).where(Person.email == "ana@example.org")).one()
        ana.name = name
        session.add(ana)
        session.commit()
    with SmtpServer() as server:
        settings = settings_for(tmp_path, smtp={"port": server.port})
        send_nudges(engine, settings, WEEK, now=NOW, person=name)
    (received,) = server.received
    message = email.message_from_bytes(bytes(received.message), policy=email.policy.default)
    assert message["To"].addresses[0].display_name == "Ana amiL"  # no override in a header
    text, html = parts(message)
    assert f"{FSI}{name}{PDI}" in text and f"{FSI}{name}{PDI}" in html
    # Every override in the body ends at its isolate, before the line's own text resumes.
    for body in (text, html):
        for line in body.splitlines():
            start = line.find("\u202e")
            if start >= 0:
                assert PDI in line[start:] and line.rfind(FSI, 0, start) >= 0, repr(line)


def test_an_arabic_nudge_over_smtp_reads_right_to_left(engine: Engine, tmp_path: Path) -> None:
    """The same message template, the Arabic catalogue: words, dates and direction."""
    seeded = seed_week(engine)
    with Session(engine) as session:
        carmen = session.get(Person, seeded.ids["Carmen Ruiz"])
        assert carmen is not None
        carmen.language = "ar"
        session.add(carmen)
        session.commit()
    with SmtpServer() as server:
        settings = settings_for(
            tmp_path, smtp={"port": server.port}, nudges={"page_url": "https://audit.example/me"}
        )
        summary = send_nudges(engine, settings, WEEK, person="Carmen Ruiz", now=NOW)
    assert [o.status for o in summary.outcomes] == ["sent"]
    message = server.received[0].message
    assert message["Content-Language"] == "ar"
    assert message["Subject"].strip() == (
        "أسبوعك على وسائل التواصل الاجتماعي، 16–22 نوفمبر: أمر واحد يستحق المراجعة"
    )
    text, html = parts(message)
    assert '<html lang="ar" dir="rtl">' in html
    assert "مرحبًا Carmen Ruiz،" in text
    # CNF302's clause and advice from the catalogue; the post's own words untouched.
    assert "لا تشارك المراسلات الداخلية ولا روابط الأنظمة الداخلية." in text
    assert "احذف الرابط المؤدي إلى النظام الداخلي." in text
    assert "«CARMEN-TEXT see intranet.example/memo»" in text
    assert (
        "صفحتك الخاصة، وفيها كل ملاحظة وطريقة لتقول إنك لا توافق: https://audit.example/me" in text
    )
    assert "إن كنت في شك، فلا تنشر." in html
    assert not any(english in text for english in ("Worth a look", "The policy:", "Hi "))
