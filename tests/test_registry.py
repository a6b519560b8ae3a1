"""The registry of people and accounts, CSV import and `forget`, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, func, select

from socialaudit.errors import NotFoundError, UsageError
from socialaudit.models import Account, HandleChange, Person
from socialaudit.registry import (
    PersonInput,
    add_account,
    find_person,
    forget_person,
    import_people_csv,
    normalise_handle,
    record_handle_change,
    upsert_person,
)
from tests.factories import make_person_with_posts

CSV = """name,email,team,role,nudges,timezone,language,x,bluesky,mastodon
Ana Lima,ana@example.org,Campaigns,spokesperson,yes,Europe/Lisbon,pt,analima,ana.bsky.social,
Ben Okafor,ben@example.org,Research,staff,no,Africa/Lagos,en,,,ben@social.example
Chloé Martin,chloe@example.org,Press,spokesperson,,Europe/Paris,fr,chloe_m,,chloe@mastodon.example
"""


def _counts(session: Session) -> dict[str, int]:
    return {
        name: session.execute(sa.select(func.count()).select_from(table)).scalar_one()
        for name, table in SQLModel.metadata.tables.items()
    }


def test_csv_import_is_idempotent(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(CSV, encoding="utf-8")
    with Session(engine) as session:
        first = import_people_csv(session, path)
        session.commit()
        before = _counts(session)
    assert (first.created, first.updated, first.unchanged, first.accounts_added) == (3, 0, 0, 5)
    with Session(engine) as session:
        second = import_people_csv(session, path)
        session.commit()
        after = _counts(session)
        ben = find_person(session, "Ben Okafor")
        assert ben.nudges is False and ben.role == "staff" and ben.timezone == "Africa/Lagos"
        mastodon = session.exec(select(Account).where(Account.platform == "mastodon")).all()
        assert sorted(a.instance for a in mastodon) == ["mastodon.example", "social.example"]
    assert (second.created, second.updated, second.unchanged, second.accounts_added) == (0, 0, 3, 0)
    assert before == after


def test_csv_import_updates_changed_rows(engine: Engine) -> None:
    with Session(engine) as session:
        import_people_csv(session, CSV)
        result = import_people_csv(session, CSV.replace("Research,staff", "Research,spokesperson"))
        assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
        assert find_person(session, "ben okafor").role == "spokesperson"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,email\nAna,not-an-email\n", r"CSV line 2: email: expected an e-mail address"),
        ("name,role\nAna,spokesperson\nBen,boss\n", r"CSV line 3: role: expected 'spokesperson'"),
        ("name,timezone\nAna,Moon/Crater\n", r"CSV line 2: timezone: expected an IANA"),
        ("name,nudges\nAna,perhaps\n", r"CSV line 2: nudges: expected yes or no"),
        ("name,x\nAna,not valid!\n", r"CSV line 2: handle: an X handle"),
        ("name,mastodon\nAna,ana\n", r"CSV line 2: handle: a Mastodon handle is user@instance"),
        ("name\nAna\nAna\n", r"CSV line 3: name: 'Ana' appears twice"),
        ("email\nana@example.org\n", r"a header with at least a 'name' column"),
        ("name,phone\nAna,123\n", r"unknown column 'phone'"),
    ],
)
def test_bad_csv_names_the_line_and_imports_nothing(
    engine: Engine, text: str, message: str
) -> None:
    with Session(engine) as session:
        with pytest.raises(UsageError, match=message):
            import_people_csv(session, text)
        session.rollback()
        assert session.exec(select(func.count()).select_from(Person)).one() == 0


def test_person_validation() -> None:
    with pytest.raises(UsageError, match="name: a person needs a name"):
        PersonInput("   ")
    assert PersonInput("  Ana   Lima ").name == "Ana Lima"


def test_same_email_for_two_people_is_refused(engine: Engine) -> None:
    with Session(engine) as session:
        upsert_person(session, PersonInput("Ana", email="a@example.org"))
        with pytest.raises(UsageError, match="already belongs to 'Ana'"):
            upsert_person(session, PersonInput("Bea", email="a@example.org"))


@pytest.mark.parametrize(
    ("platform", "handle", "expected"),
    [
        ("x", "@AnaLima", ("AnaLima", None)),
        ("bluesky", "@Ana.BSKY.social", ("ana.bsky.social", None)),
        ("bluesky", "did:plc:abc123", ("did:plc:abc123", None)),
        ("mastodon", "@ana@Social.Example", ("ana@social.example", "social.example")),
    ],
)
def test_handles_are_normalised(platform: str, handle: str, expected: tuple) -> None:
    assert normalise_handle(platform, handle) == expected


def test_unknown_platform_is_refused() -> None:
    with pytest.raises(UsageError, match="platform: expected one of x, bluesky, mastodon"):
        normalise_handle("myspace", "tom")


def test_account_belongs_to_one_person(engine: Engine) -> None:
    with Session(engine) as session:
        ana, _ = upsert_person(session, PersonInput("Ana"))
        ben, _ = upsert_person(session, PersonInput("Ben"))
        account, added = add_account(session, ana, "x", "@shared")
        assert added
        again, added_again = add_account(session, ana, "x", "shared")
        assert again.id == account.id and not added_again
        with pytest.raises(UsageError, match="already registered to 'Ana'"):
            add_account(session, ben, "x", "shared")


def test_handle_change_is_recorded(engine: Engine) -> None:
    with Session(engine) as session:
        ana, _ = upsert_person(session, PersonInput("Ana"))
        account, _ = add_account(session, ana, "bluesky", "ana.bsky.social", "did:plc:ana")
        assert record_handle_change(session, account, "ana-lima.bsky.social")
        assert not record_handle_change(session, account, "ana-lima.bsky.social")
        session.commit()
        history = session.exec(select(HandleChange)).all()
        assert [(h.old_handle, h.new_handle) for h in history] == [
            ("ana.bsky.social", "ana-lima.bsky.social")
        ]
        assert account.platform_id == "did:plc:ana"


def test_find_person_by_name_or_email(engine: Engine) -> None:
    with Session(engine) as session:
        upsert_person(session, PersonInput("Ana Lima", email="ana@example.org"))
        assert find_person(session, "ANA LIMA").name == "Ana Lima"
        assert find_person(session, "ana@example.org").name == "Ana Lima"
        with pytest.raises(NotFoundError, match="no registered person called 'Nobody'"):
            find_person(session, "Nobody")


def test_forget_erases_every_row_derived_from_the_person(engine: Engine) -> None:
    with Session(engine) as session:
        ana, ana_account, _ = make_person_with_posts(session, "Ana Lima", posts=3)
        ben, _, _ = make_person_with_posts(session, "Ben Okafor", posts=2)
        session.commit()
        ana_id, ana_account_id, ben_id = ana.id, ana_account.id, ben.id
        before = _counts(session)
    with Session(engine) as session:
        erased = forget_person(session, session.get(Person, ana_id))
        session.commit()
    assert erased == {
        "finding": 4,
        "nudge": 1,
        "postversion": 3,
        "post": 3,
        "profilesnapshot": 1,
        "handlechange": 1,
        "account": 1,
        "person": 1,
    }
    with Session(engine) as session:
        after = _counts(session)
        for table in SQLModel.metadata.sorted_tables:
            for column in ("person_id", "account_id"):
                if column in table.c:
                    target = ana_id if column == "person_id" else ana_account_id
                    left = session.execute(
                        sa.select(func.count()).select_from(table).where(table.c[column] == target)
                    ).scalar_one()
                    assert left == 0, f"{table.name}.{column} still references the person"
        assert session.get(Person, ben_id) is not None
    # Ben's rows are all still there.
    for name, count in before.items():
        assert after[name] == count - erased.get(name, 0), name


def test_forget_scrubs_the_person_from_the_audit_log(engine: Engine) -> None:
    from socialaudit.models import AuditLog, User

    with Session(engine) as session:
        ana, account, _ = make_person_with_posts(session, "Ana Lima", posts=1)
        make_person_with_posts(session, "Ben Okafor", posts=1)
        session.add(User(name="ana", role="person", person_id=ana.id))
        handle = account.handle
        session.add_all(
            [
                AuditLog(actor="admin", action="person:add", target="Ana Lima"),
                AuditLog(
                    actor="admin", action="account:add", target=f"x:{handle}", detail="Ana Lima"
                ),
                AuditLog(actor="ana", action="sign-in"),
                AuditLog(
                    actor="rev",
                    action="review:acknowledged",
                    target="finding 1",
                    detail="Spoke to ANA LIMA; she agrees.",
                ),
                AuditLog(actor="admin", action="person:add", target="Ben Okafor"),
                AuditLog(actor="rev", action="review:resolved", detail="Banana-shaped Canada map"),
            ]
        )
        session.commit()
        erased = forget_person(session, session.get(Person, ana.id))
        session.commit()
    assert erased["auditlog (scrubbed)"] == 4
    assert erased["webuser"] == 1
    with Session(engine) as session:
        rows = session.exec(select(AuditLog).order_by(AuditLog.id)).all()
    assert len(rows) == 6  # what was done stays on record; who it was about does not
    text = " ".join(f"{r.actor} {r.target} {r.detail}" for r in rows[:4]).lower()
    assert "ana lima" not in text and handle.lower() not in text
    assert [r.actor for r in rows][2] == "[forgotten person]"
    assert rows[3].detail == "Spoke to [forgotten person]; she agrees."
    assert rows[4].target == "Ben Okafor"
    assert rows[5].detail == "Banana-shaped Canada map"
