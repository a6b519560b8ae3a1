"""A person's country: the registry's `country` column, and CNF305 reading numbers there.

A Polish mobile number written without a cue ("Marta 512 345 678") is not a valid number in
the configured region (GB), the post's language or the default regions, so it is found only
when the person's country says where to read it: through the CSV import and `check` on both
databases, and through `scan`'s optional `country` field.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from socialaudit.config import load_settings
from socialaudit.errors import UsageError
from socialaudit.models import Account, AccountStatus, Finding, Person, Post
from socialaudit.pipeline.check_runner import run_checks
from socialaudit.registry import PersonInput, import_people_csv, upsert_person

ROOT = Path(__file__).resolve().parents[1]
TEXT = "Marta 512 345 678 tonight, she is expecting you"
T0 = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)

CSV = """name,email,role,language,country,x
Ana Lima,ana@example.org,spokesperson,en,pl,analima
Ben Okafor,ben@example.org,spokesperson,en,,benokafor
"""


def test_csv_country_is_stored_upper_case_and_optional(engine: Engine) -> None:
    with Session(engine) as session:
        import_people_csv(session, CSV)
        session.commit()
        people = {p.name: p.country for p in session.exec(select(Person)).all()}
    assert people == {"Ana Lima": "PL", "Ben Okafor": None}


@pytest.mark.parametrize("bad", ["UK", "POL", "P1", "ZZ"])
def test_csv_bad_country_is_one_line_naming_the_row(engine: Engine, bad: str) -> None:
    with Session(engine) as session:
        with pytest.raises(UsageError) as caught:
            import_people_csv(session, f"name,country\nAna Lima,{bad}\n")
        session.rollback()
        assert session.exec(select(Person)).all() == []
    message = str(caught.value)
    assert message.startswith("CSV line 2: country: expected a country code such as 'GB'")
    assert "\n" not in message and repr(bad) in message


def test_people_add_country_updates_only_the_country(engine: Engine) -> None:
    with Session(engine) as session:
        upsert_person(session, PersonInput("Ana Lima", email="ana@example.org", language="pt"))
        person, changed = upsert_person(
            session, PersonInput("Ana Lima", country="br"), given={"country"}
        )
        assert changed and person.country == "BR"
        assert (person.email, person.language) == ("ana@example.org", "pt")
        person, changed = upsert_person(session, PersonInput("Ana Lima", country=""), {"country"})
        assert changed and person.country is None


def test_check_reads_numbers_in_the_persons_country(engine: Engine, tmp_path: Path) -> None:
    config = tmp_path / "audit.toml"
    config.write_text("", encoding="utf-8")
    settings = load_settings(config, environ={})
    with Session(engine, expire_on_commit=False) as session:
        for i, country in enumerate(("PL", None)):
            person = Person(name=f"Person {i}", country=country)
            session.add(person)
            session.flush()
            account = Account(
                person_id=person.id,
                platform="x",
                platform_id=str(100 + i),
                handle=f"person{i}",
                status=AccountStatus.OK,
            )
            session.add(account)
            session.flush()
            session.add(
                Post(
                    account_id=account.id,
                    platform="x",
                    platform_id=str(i + 1),
                    created_at=T0,
                    text=TEXT,
                )
            )
        session.commit()
    run_checks(engine, settings)
    with Session(engine) as session:
        flagged = {
            person.name: [ev["text"] for ev in finding.evidence]
            for finding, person in session.exec(
                select(Finding, Person)
                .join(Person, Person.id == Finding.person_id)
                .where(Finding.rule_code == "CNF305")
            ).all()
        }
    assert flagged == {"Person 0": ["512 345 678"]}


def _scan(lines: list[dict], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    items = tmp_path / "items.jsonl"
    items.write_text("".join(json.dumps(i) + "\n" for i in lines), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "socialaudit", "scan", str(items)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)},
    )


def _post(pid: str, **extra: str) -> dict:
    return {
        "kind": "post",
        "id": pid,
        "platform": "x",
        "author": "a",
        "created_at": "2026-11-20T09:30:00Z",
        "text": TEXT,
        **extra,
    }


def test_scan_item_country_reads_numbers_there(tmp_path: Path) -> None:
    done = _scan([_post("none"), _post("pl", country="PL"), _post("lower", country="pl")], tmp_path)
    assert done.returncode == 1, done.stderr
    found = [json.loads(line) for line in done.stdout.splitlines()]
    assert sorted(f["id"] for f in found if f["rule"] == "CNF305") == ["lower", "pl"]


def test_scan_bad_country_is_one_line_exit_2(tmp_path: Path) -> None:
    done = _scan([_post("uk", country="UK")], tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f'socialaudit: error: {tmp_path / "items.jsonl"}:1: "country" must be a country code '
        'such as "GB" or "US" (ISO 3166 alpha-2), got \'UK\''
    )
