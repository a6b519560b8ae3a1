"""The CLI as a user drives it: people, accounts, forget, db; help and exit codes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, func, select
from typer.testing import CliRunner

from socialaudit.cli import app
from socialaudit.db import head_revision, make_engine
from socialaudit.models import Account, JobRun, Person
from tests.factories import make_person_with_posts
from tests.test_registry import CSV


def run(runner: CliRunner, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    return result.output


def test_people_and_accounts_flow(runner: CliRunner, cli_env: dict, tmp_path: Path) -> None:
    assert "registered Ana Lima" in run(
        runner, "people", "add", "Ana Lima", "--email", "ana@example.org", "--team", "Press"
    )
    assert "unchanged: Ana Lima" in run(
        runner, "people", "add", "Ana Lima", "--email", "ana@example.org", "--team", "Press"
    )
    assert "updated Ana Lima" in run(
        runner, "people", "add", "Ana Lima", "--email", "ana@example.org", "--team", "Research"
    )
    out = run(
        runner,
        "accounts",
        "add",
        "ana lima",
        "--platform",
        "mastodon",
        "--handle",
        "@ana@social.example",
    )
    assert "registered mastodon account ana@social.example for Ana Lima" in out
    run(
        runner,
        "accounts",
        "add",
        "Ana Lima",
        "-p",
        "bluesky",
        "--handle",
        "ana.bsky.social",
        "--id",
        "did:plc:ana",
    )
    listing = run(runner, "accounts", "list")
    assert "2 accounts" in listing and "did:plc:ana" in listing and "pending" in listing
    people = run(runner, "people", "list")
    assert "1 people" in people and "Research" in people
    run(runner, "accounts", "remove", "-p", "bluesky", "--handle", "ana.bsky.social")
    assert "(removed)" in run(runner, "accounts", "list", "--platform", "bluesky")
    out = run(runner, "people", "remove", "Ana Lima")
    assert "1 accounts no longer collected" in out
    assert "0 people" in run(runner, "people", "list")
    assert "Ana Lima (removed)" in run(runner, "people", "list", "--all")


def test_import_twice_changes_nothing(runner: CliRunner, cli_env: dict, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(CSV, encoding="utf-8")
    assert "3 created, 0 updated, 0 unchanged, 5 accounts added" in run(
        runner, "people", "import", str(path)
    )
    assert "0 created, 0 updated, 3 unchanged, 0 accounts added" in run(
        runner, "people", "import", str(path)
    )


def test_bad_csv_exit_code_two(runner: CliRunner, cli_env: dict, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("name,email\nAna,nope\n", encoding="utf-8")
    result = runner.invoke(app, ["people", "import", str(path)])
    assert result.exit_code == 2
    assert "socialaudit: error: CSV line 2: email" in result.stderr
    result = runner.invoke(app, ["people", "import", str(tmp_path / "absent.csv")])
    assert result.exit_code == 2 and "CSV file not found" in result.stderr


def test_unknown_person_exit_code_two(runner: CliRunner, cli_env: dict) -> None:
    result = runner.invoke(app, ["accounts", "add", "Nobody", "-p", "x", "--handle", "nobody"])
    assert result.exit_code == 2
    assert "no registered person called 'Nobody'" in result.stderr


def test_forget_from_the_cli(runner: CliRunner, cli_env: dict, db_url: str) -> None:
    engine = make_engine(db_url)
    with Session(engine) as session:
        make_person_with_posts(session, "Ana Lima", posts=2)
        make_person_with_posts(session, "Ben Okafor", posts=1)
        session.commit()
    result = runner.invoke(app, ["forget", "Ana Lima"], input="n\n")
    assert result.exit_code != 0  # declined: nothing erased
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Person)).one() == 2
    out = run(runner, "forget", "ana@example.org", "--yes")
    assert "post" in out and "finding" in out
    with Session(engine) as session:
        names = session.exec(select(Person.name)).all()
        assert names == ["Ben Okafor"]
        ben_id = session.exec(select(Person.id)).one()
        for table in SQLModel.metadata.sorted_tables:
            if "person_id" in table.c:
                other = session.execute(
                    sa.select(func.count()).select_from(table).where(table.c.person_id != ben_id)
                ).scalar_one()
                assert other == 0, table.name
        assert len(session.exec(select(Account)).all()) == 1
    engine.dispose()


def test_db_commands(runner: CliRunner, cli_env: dict, db_url: str) -> None:
    head = head_revision(make_engine(db_url))
    assert f"at revision {head}, newest {head}" in run(runner, "db", "current")
    assert "at revision None" in run(runner, "db", "downgrade", "base")
    assert f"at revision {head}" in run(runner, "db", "upgrade")


def test_database_password_never_printed(
    runner: CliRunner, cli_env: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "SOCIALAUDIT_DATABASE_URL", "postgresql://audit:hunter22@127.0.0.1:1/nowhere"
    )
    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code != 0
    assert "hunter22" not in result.output
    assert "hunter22" not in str(result.exception or "")


def _commands(group, path=()):
    """Every command path, loading the root's lazily registered sub-commands as `--help` does."""
    yield path
    if hasattr(group, "list_commands"):
        for name in group.list_commands(None):
            yield from _commands(group.get_command(None, name), (*path, name))


def test_help_on_every_command(runner: CliRunner) -> None:
    from typer.main import get_command

    root = get_command(app)
    paths = list(_commands(root))
    assert ("people", "import") in paths and ("forget",) in paths
    for path in paths:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Usage:" in result.output


def test_status_lists_the_jobs_running(runner: CliRunner, cli_env: dict) -> None:
    started = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    engine = make_engine(cli_env["SOCIALAUDIT_DATABASE_URL"])
    assert "jobs running: none" in run(runner, "status")
    with Session(engine) as session:
        session.add(JobRun(job="collect-bluesky", started_at=started, host="node-a"))
        session.add(
            JobRun(job="purge", started_at=started, finished_at=started, status="ok", host="b")
        )
        session.commit()
    engine.dispose()
    out = run(runner, "status")
    assert "jobs running: collect-bluesky (since 2026-11-30 06:00 UTC on node-a)" in out
    assert "purge (" not in out


def test_people_add_on_an_existing_person_changes_only_the_fields_given(
    runner: CliRunner, cli_env: dict
) -> None:
    run(
        runner,
        "people",
        "add",
        "Ana Lima",
        "--email",
        "ana@example.org",
        "--team",
        "Press",
        "--role",
        "staff",
        "--no-nudges",
        "--timezone",
        "Europe/Paris",
        "--language",
        "fr",
    )
    assert "updated Ana Lima" in run(runner, "people", "add", "Ana Lima", "--team", "Research")
    assert "unchanged: Ana Lima" in run(runner, "people", "add", "Ana Lima")
    with Session(make_engine(cli_env["SOCIALAUDIT_DATABASE_URL"])) as session:
        ana = session.exec(select(Person).where(Person.name == "Ana Lima")).one()
    assert (ana.email, ana.team, ana.role, ana.nudges, ana.timezone, ana.language) == (
        "ana@example.org",
        "Research",
        "staff",
        False,
        "Europe/Paris",
        "fr",
    )
    run(runner, "people", "add", "Bea Cruz")
    with Session(make_engine(cli_env["SOCIALAUDIT_DATABASE_URL"])) as session:
        bea = session.exec(select(Person).where(Person.name == "Bea Cruz")).one()
    assert (bea.role, bea.nudges, bea.timezone, bea.language) == ("spokesperson", True, "UTC", "en")


def _one_line_error(result) -> str:
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("socialaudit: error: "), result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("name,team\nJos\xe9 Ruiz,Press\n".encode("latin-1"), "is not UTF-8 text"),
        (b"name,team\n" + ("x" * 201).encode() + b",Press\n", "name: at most 200 characters"),
        (b"name,team\nAna Lima," + b"t" * 201 + b"\n", "team: at most 200 characters"),
        (b"name,team\nAna\x00Lima,Press\n", "name: contains a control character"),
        (b"name,team\nAna Lima,Pr\x00ess\n", "team: contains a control character"),
        (b"name,team\nAna \x1b[31mLima,Press\n", "name: contains a control character"),
        (b"name,bluesky\nAna Lima,ana\x00.example.org\n", "handle: contains a control"),
        (b"name,timezone\nAna Lima," + b"a" * 300 + b"\n", "timezone: expected an IANA"),
        (b'name,team\n"Ana ' + b"x" * 200_000 + b'",Press\n', "not a readable CSV file"),
    ],
)
def test_bad_people_csv_is_one_line_and_exit_2_on_every_backend(
    runner: CliRunner, cli_env: dict, tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(content)
    line = _one_line_error(runner.invoke(app, ["people", "import", str(path)]))
    assert expected in line
    with Session(make_engine(cli_env["SOCIALAUDIT_DATABASE_URL"])) as session:
        assert session.exec(select(func.count()).select_from(Person)).one() == 0


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["people", "add", "x" * 201], "name: at most 200 characters"),
        (["people", "add", "Ana\x00Lima"], "name: contains a control character"),
        (["people", "add", "Ana Lima", "--team", "t" * 201], "team: at most 200 characters"),
        (["people", "add", "Ana Lima", "--team", "a\x00b"], "team: contains a control"),
        (["people", "add", "Ana Lima", "--timezone", "Europe"], "timezone: expected an IANA"),
    ],
)
def test_people_add_refuses_what_a_column_cannot_hold(
    runner: CliRunner, cli_env: dict, args: list[str], expected: str
) -> None:
    assert expected in _one_line_error(runner.invoke(app, args))


def test_terminal_output_carries_no_escape_sequence_or_control_character(
    runner: CliRunner, cli_env: dict
) -> None:
    hostile = "Eve \x1b]0;pwned\x07\x1b[2J\x1b[31mRed\x1b[0m\r\u202eevil\x9b31m"
    with Session(make_engine(cli_env["SOCIALAUDIT_DATABASE_URL"])) as session:
        # Stored before names were checked, or by a future path that forgets to check.
        session.add(Person(name=hostile, team="Press\x1b[5m"))
        session.commit()
    listing = run(runner, "people", "list")
    assert "Eve" in listing and "Red" in listing and "evil" in listing
    for bad in ("\x1b", "\x07", "\r", "\u202e", "\x9b"):
        assert bad not in listing, repr(bad)
    missing = runner.invoke(app, ["people", "remove", "Nobody \x1b[31mhere"])
    assert missing.exit_code == 2 and "\x1b" not in missing.stderr


def test_log_lines_carry_no_escape_sequence(capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    from socialaudit import logs

    logs.configure(1, False)
    logging.getLogger("socialaudit.test").warning("handle %s failed", "ana\x1b[2J\r\u202e")
    err = capsys.readouterr().err
    assert "handle ana failed" in err and "\x1b" not in err and "\r" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["people", "remove", "Ana\x00Lima"],
        ["forget", "Ana\x00Lima", "--yes"],
        ["accounts", "add", "Ana\x00Lima", "-p", "x", "--handle", "ana"],
        ["accounts", "add", "Ana Lima", "-p", "bluesky", "--handle", "ana\x00.example.org"],
        ["people", "remove", "x" * 5000],
    ],
)
def test_lookups_with_nul_or_huge_names_are_one_line_on_every_backend(
    runner: CliRunner, cli_env: dict, args: list[str]
) -> None:
    run(runner, "people", "add", "Ana Lima")
    line = _one_line_error(runner.invoke(app, args))
    assert "no registered person" in line or "handle: contains a control" in line


@pytest.mark.parametrize(
    "args",
    [
        ["people", "list"],
        ["report", "--week", "2026-W47"],
        ["status"],
        ["run"],
        ["collect"],
        ["db", "current"],
        ["db", "downgrade", "base"],
    ],
)
def test_a_command_never_creates_a_database(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """Run in a folder without one, a command refuses in one line that says where the
    database would be and how to create it, and leaves no file behind."""
    for name in list(__import__("os").environ):
        if name.startswith("SOCIALAUDIT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (result.output, result.exception)
    expected = tmp_path.resolve() / "data" / "socialaudit.db"
    assert result.stderr == (
        f"socialaudit: error: no database at {expected}: create it with "
        "`socialaudit db upgrade` (same --config and environment), or set [database] url / "
        "SOCIALAUDIT_DATABASE_URL to the existing one\n"
    )
    assert not (tmp_path / "data").exists()


def test_db_upgrade_creates_the_database_the_others_then_use(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(__import__("os").environ):
        if name.startswith("SOCIALAUDIT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    assert "at revision" in run(runner, "db", "upgrade")
    assert (tmp_path / "data" / "socialaudit.db").is_file()
    assert "0 people" in run(runner, "people", "list")
