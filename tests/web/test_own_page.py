"""The person's own page through the ASGI app, in each language, on SQLite and PostgreSQL:
their own post apart from the words it answered, review findings only once confirmed, and
"I disagree" in two steps."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from socialaudit.config import load_settings
from socialaudit.models import (
    Account,
    AccountStatus,
    Finding,
    FindingNote,
    Nudge,
    Person,
    Post,
    PostKind,
    ReferencedPost,
    ReviewStatus,
)
from socialaudit.users import add_user
from socialaudit.web.app import create_app
from tests.web.seed import PASSWORD, XSS

RLO = "\u202e"
POSTED = datetime(2026, 11, 17, 9, 30, tzinfo=UTC)
HOSTILE = "HOSTILE-WORDS you are a pathetic liar"
OWN_REPLY = "OWN-REPLY Here are the facts, with sources."
RUDE = "RUDE-POST what a clown this minister is"
LEGAL_OPEN = "LEGAL-OPEN he stole the money"
LEGAL_CONFIRMED = "LEGAL-CONFIRMED she lied under oath"


def seed(engine: Engine, language: str) -> dict[str, int]:
    """One person with a hasty reply, a rude post and two review findings (one confirmed),
    and another person whose findings she must never see."""
    ids: dict[str, int] = {}
    with Session(engine) as s:
        ana = Person(
            name="Ana Lima", email="ana@example.org", language=language, timezone="Europe/Paris"
        )
        ben = Person(name="Ben Okafor", email="ben@example.org")
        s.add_all([ana, ben])
        s.flush()
        accounts = {}
        for person, slug in ((ana, "ana"), (ben, "ben")):
            account = Account(
                person_id=person.id,
                platform="x",
                platform_id=f"{slug}-id",
                handle=slug,
                status=AccountStatus.OK,
            )
            s.add(account)
            s.flush()
            accounts[slug] = account
        s.add(
            ReferencedPost(
                platform="x",
                platform_id="troll-1",
                author_handle="@troll",
                url="https://x.com/troll/status/troll-1",
                text=HOSTILE,
                created_at=POSTED - timedelta(minutes=2),
            )
        )

        def post(slug: str, key: str, text: str, **extra: object) -> Post:
            row = Post(
                account_id=accounts[slug].id,
                platform="x",
                platform_id=key,
                url=f"https://x.com/{slug}/status/{key}",
                created_at=POSTED,
                text=text,
                **extra,
            )
            s.add(row)
            s.flush()
            return row

        def finding(
            key: str,
            slug: str,
            row: Post,
            code: str,
            name: str,
            severity: str,
            evidence: list[dict[str, object]],
            status: str = ReviewStatus.OPEN,
        ) -> None:
            person = ana if slug == "ana" else ben
            row_finding = Finding(
                fingerprint=key,
                rule_code=code,
                rule_name=name,
                severity=severity,
                subject_type="post",
                person_id=person.id,
                account_id=accounts[slug].id,
                post_id=row.id,
                week="2026-W47",
                message=f"internal message {key}",
                evidence=evidence,
                review_status=status,
            )
            s.add(row_finding)
            s.flush()
            ids[key] = int(row_finding.id or 0)

        reply = post("ana", "ana-reply", OWN_REPLY, kind=PostKind.REPLY, reply_to_id="troll-1")
        finding(
            "hasty",
            "ana",
            reply,
            "RSP502",
            "hasty-reply",
            "review",
            [{"field": "reply_to_text", "start": 0, "end": 13, "text": "HOSTILE-WORDS"}],
            status=ReviewStatus.ACKNOWLEDGED,
        )
        rude = post("ana", "ana-rude", f"{RUDE} {XSS} {RLO}gnp.exe")
        finding(
            "rude",
            "ana",
            rude,
            "RSP501",
            "disrespectful-language",
            "medium",
            [{"field": "text", "start": 0, "end": 9, "text": "RUDE-POST"}],
        )
        legal = post("ana", "ana-legal-open", LEGAL_OPEN)
        finding("legal-open", "ana", legal, "LAW601", "possible-defamation", "review", [])
        confirmed = post("ana", "ana-legal-confirmed", LEGAL_CONFIRMED)
        finding(
            "legal-confirmed",
            "ana",
            confirmed,
            "LAW601",
            "possible-defamation",
            "review",
            [],
            status=ReviewStatus.ACKNOWLEDGED,
        )
        bens = post("ben", "ben-1", "BEN-POST")
        finding("ben", "ben", bens, "RSP501", "disrespectful-language", "medium", [])
        s.add(
            Nudge(
                person_id=ana.id,
                week="2026-W47",
                message_id="<n1@example.org>",
                finding_ids=[ids["rude"], ids["hasty"]],
                sent_at=POSTED + timedelta(days=6),
            )
        )
        add_user(s, "ana", "person", PASSWORD, person="Ana Lima")
        s.commit()
    return ids


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    monkeypatch.setattr(
        "socialaudit.users._HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def signed_in(engine: Engine) -> Iterator[tuple[TestClient, str]]:
    with TestClient(create_app(load_settings(environ={}), engine), follow_redirects=False) as c:
        login = c.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)  # type: ignore[union-attr]
        answer = c.post(
            "/login", data={"name": "ana", "password": PASSWORD, "csrf_token": token, "next": "/me"}
        )
        assert answer.status_code == 303
        page = c.get("/me")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        yield c, csrf


# The words each language's page must show, from its catalogue, and its date for 17 November;
# then the nudge line (two items, plural by locale).
EXPECTED = {
    "en": ("Your findings", "I disagree", "(their words, not yours)", "Nov 17, 2026", "ltr"),
    "fr": (
        "Vos constats",
        "Je ne suis pas d'accord",
        "(ses mots, pas les vôtres)",
        "17 nov. 2026",
        "ltr",
    ),
    "es": (
        "Tus hallazgos",
        "No estoy de acuerdo",
        "(sus palabras, no las tuyas)",
        "17 nov 2026",
        "ltr",
    ),
    "ar": ("ملاحظات التدقيق الخاصة بك", "لا أوافق", "(كلامه هو، لا كلامك)", "نوفمبر", "rtl"),
}


NUDGE_LINE = {
    "en": "Week <bdi>2026-W47</bdi>: 2 items, sent November 23, 2026",
    "fr": "Semaine <bdi>2026-W47</bdi> : 2 points, envoyée le 23 novembre 2026",
    "es": "Semana <bdi>2026-W47</bdi>: 2 puntos, enviada el 23 de noviembre de 2026",
    "ar": "الأسبوع <bdi>2026-W47</bdi>: بندان، أُرسلت في 23 نوفمبر 2026",
}


def blocks(html: str) -> tuple[str, str]:
    """The hasty reply's card: the block of the other person's words and the person's own."""
    cards = [c[: c.find("</article>")] for c in html.split("<article")[1:]]
    card = next(c for c in cards if 'class="theirs"' in c)
    theirs = card[card.index('class="theirs"') : card.index('class="mine"')]
    mine = card[card.index('class="mine"') :]
    return theirs, mine


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_the_page_in_each_language(engine: Engine, language: str) -> None:
    seed(engine, language)
    heading, button, theirs_label, day, direction = EXPECTED[language]
    for client, _ in signed_in(engine):
        html = client.get("/me").text
        assert f'lang="{language}" dir="{direction}"' in html
        assert heading in html and button in html
        # The hasty reply: the other account's words labelled as theirs, never as hers.
        theirs, mine = blocks(html)
        assert HOSTILE in theirs and theirs_label in theirs and "@troll" in theirs
        assert HOSTILE not in mine and OWN_REPLY in mine
        assert OWN_REPLY not in theirs
        # Her own post: text, date in her zone and locale, platform, link to it.
        assert day in mine and "10:30" in mine  # 09:30 UTC in Paris
        assert 'href="https://x.com/ana/status/ana-reply"' in html
        assert "https://x.com/troll/status/troll-1" in theirs
        # What the rule saw in her own words is marked; untrusted text stays text.
        assert "<mark><bdi>RUDE-POST</bdi></mark>" in html
        assert "<script>window.__xss" not in html and "&lt;script&gt;" in html
        # The English internals of a finding are not what she reads.
        assert "internal message" not in html
        # Nobody else's findings.
        assert "BEN-POST" not in html
        # Her nudges, the count in her language's plural.
        assert NUDGE_LINE[language] in html
        # A right-to-left override in her post stays inside its own isolate.
        assert RLO in html and RLO not in re.sub(r"<bdi>.*?</bdi>", "", html, flags=re.S)


def test_review_findings_wait_for_a_reviewer(engine: Engine) -> None:
    ids = seed(engine, "en")
    for client, csrf in signed_in(engine):
        html = client.get("/me").text
        assert LEGAL_CONFIRMED in html and "Confirmed by the comms team" in html
        assert LEGAL_OPEN not in html and f'id="finding-{ids["legal-open"]}"' not in html
        api = client.get("/api/me/findings").json()
        shown = {row["id"] for row in api}
        assert ids["legal-open"] not in shown and ids["legal-confirmed"] in shown
        assert ids["rude"] in shown and ids["ben"] not in shown
        # Not shown, so not something to disagree with either (page or API).
        hidden = client.post(
            f"/me/findings/{ids['legal-open']}/disagree", data={"text": "why?", "csrf_token": csrf}
        )
        assert hidden.status_code == 404
        via_api = client.post(
            f"/api/me/findings/{ids['legal-open']}/disagree",
            json={"text": "why?"},
            headers={"X-CSRF-Token": csrf},
        )
        assert via_api.status_code == 404
        # Once a reviewer confirms it, it appears.
        with Session(engine) as s:
            row = s.get(Finding, ids["legal-open"])
            assert row is not None
            row.review_status = ReviewStatus.ACKNOWLEDGED
            s.add(row)
            s.commit()
        assert LEGAL_OPEN in client.get("/me").text


@pytest.mark.parametrize(
    ("language", "confirm_words", "thanks"),
    [
        ("en", "Yes, send it", "Your disagreement with item"),
        ("es", "Sí, enviarlo", "Tu desacuerdo con el punto"),
        ("ar", "نعم، أرسله", "أُرسل اعتراضك على البند"),
    ],
)
def test_disagreeing_asks_to_confirm_then_says_it_was_sent(
    engine: Engine, language: str, confirm_words: str, thanks: str
) -> None:
    ids = seed(engine, language)
    rude = ids["rude"]
    reason = f"It was irony <b>{language}</b>"
    for client, csrf in signed_in(engine):
        first = client.post(
            f"/me/findings/{rude}/disagree", data={"text": reason, "csrf_token": csrf}
        )
        # The confirmation step: what will be sent, nothing stored yet.
        assert first.status_code == 200
        assert confirm_words in first.text and 'name="confirmed" value="yes"' in first.text
        assert f"It was irony &lt;b&gt;{language}&lt;/b&gt;" in first.text
        with Session(engine) as s:
            assert s.exec(select(FindingNote)).all() == []
        sent = client.post(
            f"/me/findings/{rude}/disagree",
            data={"text": reason, "csrf_token": csrf, "confirmed": "yes"},
        )
        assert sent.status_code == 303
        assert sent.headers["location"] == f"/me?sent={rude}#finding-{rude}"
        page = client.get(sent.headers["location"])
        assert 'role="status"' in page.text and thanks in page.text
        # Her note is shown back to her on the card, once.
        assert page.text.count(f"It was irony &lt;b&gt;{language}&lt;/b&gt;") == 1
        with Session(engine) as s:
            notes = s.exec(select(FindingNote)).all()
        assert [(n.finding_id, n.author, n.text) for n in notes] == [(rude, "ana", reason)]


def test_bad_disagreements_are_refused_with_a_page(engine: Engine) -> None:
    ids = seed(engine, "en")
    for client, csrf in signed_in(engine):
        blank = client.post(
            f"/me/findings/{ids['rude']}/disagree", data={"text": "", "csrf_token": csrf}
        )
        assert blank.status_code == 422 and "<html" in blank.text
        odd = client.post(
            f"/me/findings/{ids['rude']}/disagree",
            data={"text": "x", "csrf_token": csrf, "confirmed": "maybe"},
        )
        assert odd.status_code == 422
        others = client.post(
            f"/me/findings/{ids['ben']}/disagree",
            data={"text": "x", "csrf_token": csrf, "confirmed": "yes"},
        )
        assert others.status_code == 403
        with Session(engine) as s:
            assert s.exec(select(FindingNote)).all() == []
