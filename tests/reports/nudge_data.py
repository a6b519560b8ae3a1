"""A week of findings for the nudge tests, made directly in the store (invented people)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from socialaudit.config import Settings, load_settings
from socialaudit.models import (
    Account,
    AccountStatus,
    DeletionCause,
    Finding,
    Person,
    Post,
    PostKind,
    PostOutcome,
    PostVersion,
    ProfileSnapshot,
    ReviewStatus,
)
from socialaudit.weeks import Week

WEEK = Week.parse("2026-W47")  # Monday 16 to Sunday 22 November 2026 (Europe/London)
MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # the Monday after
SCRIPT_POST = "Vote for <script>window.__pwned = 1</script> the Example Party on Sunday!"


@dataclass
class Seeded:
    ids: dict[str, int]  # person name -> id
    finding_ids: dict[str, int]  # label -> id


def settings_for(tmp_path: Path, **sections: dict) -> Settings:
    """Settings from a TOML file in tmp_path: SMTP on 127.0.0.1, outbox under tmp_path."""
    smtp = {"host": "127.0.0.1", "port": 2525, "security": "none", "timeout_seconds": 5.0}
    smtp.update(sections.pop("smtp", {}))
    nudges = {"outbox": str(tmp_path / "outbox")}
    nudges.update(sections.pop("nudges", {}))
    environ = sections.pop("environ", {})
    lines = []
    for name, values in {"smtp": smtp, "nudges": nudges, **sections}.items():
        lines.append(f"[{name}]")
        for key, value in values.items():
            lines.append(f"{key} = {_toml(value)}")
    lines.append('[organisation]\nname = "Example Rights"\ntimezone = "Europe/London"')
    path = tmp_path / "nudges.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_settings(path, environ=environ)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _person(session: Session, name: str, **fields: object) -> tuple[Person, Account]:
    slug = name.split()[0].lower()
    values: dict = {"email": f"{slug}@example.org", "language": "en"}
    values.update(fields)
    person = Person(name=name, **values)
    session.add(person)
    session.flush()
    account = Account(
        person_id=person.id,
        platform="x",
        platform_id=f"{slug}-id",
        handle=slug,
        status=AccountStatus.OK,
    )
    session.add(account)
    session.flush()
    return person, account


def _post(
    session: Session, account: Account, key: str, text: str, hours: int = 0, **fields: object
) -> Post:
    post = Post(
        account_id=account.id,
        platform="x",
        platform_id=key,
        url=f"https://x.com/{account.handle}/status/{key}",
        created_at=MONDAY + timedelta(hours=hours),
        text=text,
        **fields,
    )
    session.add(post)
    session.flush()
    return post


def _outcome(session: Session, person: Person, post: Post, outcome: str, at: datetime) -> None:
    """The outcome `socialaudit.pipeline.lifecycle.update_outcomes` keeps for a changed post."""
    session.add(
        PostOutcome(
            post_id=post.id,
            person_id=person.id,
            outcome=outcome,
            event_at=at,
            week=str(Week.of(at, "Europe/London")),
        )
    )


def _finding(
    session: Session,
    person: Person,
    account: Account,
    code: str,
    name: str,
    severity: str,
    *,
    post: Post | None = None,
    snapshot: ProfileSnapshot | None = None,
    week: str = str(WEEK),
    **fields: object,
) -> Finding:
    finding = Finding(
        fingerprint=f"{person.name}-{code}-{post.platform_id if post else 'profile'}-{week}",
        rule_code=code,
        rule_name=name,
        severity=severity,
        subject_type="post" if post else "profile",
        person_id=person.id,
        account_id=account.id,
        post_id=post.id if post else None,
        snapshot_id=snapshot.id if snapshot else None,
        week=week,
        **fields,
    )
    session.add(finding)
    session.flush()
    return finding


def seed_week(engine: Engine) -> Seeded:
    """Six people: three to nudge (en, fr, es), one opted out, one without e-mail, one removed.

    Ana also has findings that must not reach her: a review-level one, an info one, one
    marked false-positive, one from another week, and one on a post she deleted herself.
    """
    ids: dict[str, int] = {}
    found: dict[str, int] = {}
    with Session(engine, expire_on_commit=False) as s:
        ana, ana_x = _person(s, "Ana Lima")
        script = _post(s, ana_x, "ana-1", SCRIPT_POST, hours=2)
        found["ana-high"] = _finding(
            s,
            ana,
            ana_x,
            "NPT201",
            "political-endorsement",
            "high",
            post=script,
            evidence=[{"text": "Vote for"}],
        ).id
        snap = ProfileSnapshot(
            account_id=ana_x.id,
            handle="ana",
            bio="Campaigner. Cats & coffee.",
            content_hash="ana-1",
            seen_at=MONDAY,
        )
        s.add(snap)
        s.flush()
        found["ana-profile"] = _finding(
            s, ana, ana_x, "TRN101", "missing-views-disclaimer", "medium", snapshot=snap
        ).id
        hasty = _post(s, ana_x, "ana-2", "Quick answer to a troll: REVIEW-ONLY TEXT", 3)
        _finding(s, ana, ana_x, "RSP502", "hasty-reply", "review", post=hasty)
        info = _post(s, ana_x, "ana-3", "INFO-ONLY TEXT", 4)
        _finding(s, ana, ana_x, "CPY701", "media-consent-check", "info", post=info)
        wrong = _post(s, ana_x, "ana-4", "FALSE-POSITIVE TEXT damn good report", 5)
        _finding(
            s,
            ana,
            ana_x,
            "RSP501",
            "disrespectful-language",
            "medium",
            post=wrong,
            review_status=ReviewStatus.FALSE_POSITIVE,
        )
        old = _post(s, ana_x, "ana-5", "OTHER-WEEK TEXT", -200)
        _finding(
            s,
            ana,
            ana_x,
            "RSP501",
            "disrespectful-language",
            "medium",
            post=old,
            week=str(WEEK.previous()),
        )
        gone = _post(
            s,
            ana_x,
            "ana-6",
            "TAKEN-DOWN TEXT: internal budget 4% cut",
            6,
            deleted_at=MONDAY + timedelta(hours=8),
            deletion_cause=DeletionCause.DELETED,
        )
        _finding(s, ana, ana_x, "CNF303", "financial-information", "high", post=gone)
        _outcome(s, ana, gone, "deleted-after-flag", at=MONDAY + timedelta(hours=8))
        # What went well: two replies and one post corrected in the open.
        for i in range(2):
            _post(s, ana_x, f"ana-r{i}", f"Thanks for asking! ({i})", 10 + i, kind=PostKind.REPLY)
        edited = _post(s, ana_x, "ana-e", "The report is out Tuesday (corrected: Wednesday)", 12)
        s.add(PostVersion(post_id=edited.id, version_key="e0", position=0, text="Tuesday"))
        s.add(
            PostVersion(
                post_id=edited.id,
                version_key="e1",
                position=1,
                text=edited.text,
                created_at=MONDAY + timedelta(hours=13),
            )
        )
        _outcome(s, ana, edited, "corrected-by-edit", at=edited.created_at)

        bruno, bruno_x = _person(s, "Bruno Caron", language="fr-FR")
        rude = _post(s, bruno_x, "bruno-1", "BRUNO-TEXT quelle bande d'idiots", 20)
        found["bruno"] = _finding(
            s, bruno, bruno_x, "RSP501", "disrespectful-language", "medium", post=rude
        ).id

        carmen, carmen_x = _person(s, "Carmen Ruiz", language="es")
        leak = _post(s, carmen_x, "carmen-1", "CARMEN-TEXT see intranet.example/memo", 30)
        found["carmen"] = _finding(
            s, carmen, carmen_x, "CNF302", "internal-link", "high", post=leak
        ).id

        for name, fields in {
            "Dana Okafor": {"nudges": False},
            "Eve Novak": {"email": None},
            "Finn Berg": {"active": False},
        }.items():
            someone, acct = _person(s, name, **fields)
            post = _post(s, acct, f"{name}-1", f"{name.upper()}-TEXT", 40)
            _finding(s, someone, acct, "RSP501", "disrespectful-language", "medium", post=post)
            ids[name] = someone.id  # type: ignore[assignment]
        for person in (ana, bruno, carmen):
            ids[person.name] = person.id  # type: ignore[assignment]
        s.commit()
    return Seeded(ids, found)
