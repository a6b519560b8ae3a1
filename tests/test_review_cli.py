"""Missed posts and the organisation's own evaluation set, from the CLI, on both databases:
`review miss`, `eval export` and `python -m checks.evaluate` on what it wrote; and the new
review tables reached by `forget` and by retention."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from checks.evaluate import main as evaluate_main
from reports.review import mark_missed, parse_decision, review_finding
from socialaudit.cli import app
from socialaudit.config import RetentionConfig
from socialaudit.models import Finding, MissedPost, Person, Post, PostSearch, ReviewDecision
from socialaudit.registry import forget_person
from socialaudit.retention import purge
from socialaudit.search import index_missing
from tests.factories import make_person_with_posts

TEXTS = [
    "You are a complete idiot and a moron, shut up",  # RSP501 fires; a reviewer confirms it
    "Lovely day at the office meeting volunteers",  # RSP501 raised wrongly: a false positive
    "This is CONFIDENTIAL, internal only: do not forward",  # CNF301 missed by the finding list
]


def run(runner: CliRunner, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    return result.output


@pytest.fixture
def reviewed(cli_env: dict[str, str]) -> tuple[Engine, list[int], list[int]]:
    from socialaudit.db import make_engine

    engine = make_engine(cli_env["SOCIALAUDIT_DATABASE_URL"])
    with Session(engine) as session:
        _, _, posts = make_person_with_posts(session, "José García", posts=3)
        for post, text in zip(posts, TEXTS, strict=True):
            post.text = text
            session.add(post)
        session.commit()
        post_ids = [p.id for p in posts]
        finding_ids = [
            session.exec(select(Finding.id).where(Finding.post_id == pid)).one() for pid in post_ids
        ]
    return engine, [int(i) for i in post_ids], [int(i) for i in finding_ids]  # type: ignore[arg-type]


def test_review_miss_export_and_evaluate(
    runner: CliRunner, reviewed: tuple[Engine, list[int], list[int]], tmp_path: Path, capsys
) -> None:
    _, posts, findings = reviewed
    run(runner, "review", str(findings[0]), "--as", "acknowledged", "--by", "rita")
    run(runner, "review", str(findings[1]), "--as", "false-positive", "--by", "rita")
    out = run(runner, "review", "miss", str(posts[2]), "cnf301", "--note", "a leak", "--by", "rita")
    assert f"recorded post {posts[2]} as a miss of CNF301 by rita" in out
    # By the platform's own id too; the same miss again changes nothing.
    again = run(runner, "review", "miss", "x:josé-2", "CNF301", "--by", "rita")
    assert "already recorded" in again
    run(runner, "review", "miss", str(posts[1]), "CNF305", "--by", "rita")  # nothing to find
    target = tmp_path / "reviewed.jsonl"
    summary = run(runner, "eval", "export", "--output", str(target))
    assert "3 posts and 0 profiles judged (1 confirmed, 1 false positive, 2 missed)" in summary
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    by_text = {line["text"]: line for line in lines}
    assert by_text[TEXTS[0]]["expect"] == ["RSP501"] and by_text[TEXTS[0]]["judged"] == ["RSP501"]
    assert by_text[TEXTS[1]]["expect"] == ["CNF305"]
    assert by_text[TEXTS[1]]["judged"] == ["CNF305", "RSP501"]
    leak = by_text[TEXTS[2]]
    assert leak["expect"] == leak["judged"] == ["CNF301"]  # its open RSP501 is not judged
    assert (leak["kind"], leak["platform"], leak["author"], leak["created_at"]) == (
        "post",
        "x",
        "josé",
        "2026-11-16T11:00:00Z",
    )
    # Scored by the evaluation script on that file, as the organisation would.
    capsys.readouterr()
    code = evaluate_main(["--allow-missing", str(target)])
    table = capsys.readouterr().out
    rows = {row.split("|")[1].strip(): row.split("|") for row in table.splitlines() if "|" in row}
    wanted = ("RSP501", "CNF301", "CNF305")
    tp_fp_fn = {rule: tuple(int(rows[rule][i]) for i in (5, 6, 7)) for rule in wanted}
    assert tp_fp_fn == {"RSP501": (1, 0, 0), "CNF301": (1, 0, 0), "CNF305": (0, 0, 1)}
    assert "3 labelled items" in table
    assert code == 1  # CNF305, a high-severity rule, missed its one example: below target
    # --since leaves out what was decided before it.
    later = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert "0 lines" in run(runner, "eval", "export", "--since", later, "-o", str(target))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["review", "miss", "999999", "RSP501", "--by", "r"],
            "post 999999: no such collected post",
        ),
        (["review", "miss", "99999999999999", "RSP501", "--by", "r"], "no such collected post"),
        (["review", "miss", "x:nothing", "RSP501", "--by", "r"], "no such collected post"),
        (["review", "miss", "1"], "expected a post and a rule"),
        (["review", "miss", "1", "TRN101", "--by", "r"], "expected a post rule"),
        (["review", "miss", "1", "XYZ999", "--by", "r"], "expected a post rule"),
        (["review", "list", "extra"], "unexpected 'extra'"),
        (["eval", "export", "--since", "last week"], "--since: expected a date"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    runner: CliRunner, reviewed: tuple[Engine, list[int], list[int]], args: list[str], message: str
) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    engine, _, _ = reviewed
    with Session(engine) as session:
        assert session.exec(select(MissedPost)).all() == []


def test_forget_and_retention_reach_the_review_tables(
    reviewed: tuple[Engine, list[int], list[int]],
) -> None:
    engine, posts, findings = reviewed
    with Session(engine) as session:
        review_finding(session, findings[0], parse_decision("acknowledged"), "rita", "seen")
        mark_missed(session, posts[2], "CNF301", "rita")
        index_missing(session)
        session.commit()
        assert session.exec(select(ReviewDecision)).all() and session.exec(select(PostSearch)).all()
    # Retention: everything is older than a day's limits.
    far = datetime.now(UTC) + timedelta(days=10_000)
    result = purge(engine, RetentionConfig(), now=far)
    assert result.deleted["reviewdecision"] == 1 and result.deleted["missedpost"] == 1
    with Session(engine) as session:
        assert session.exec(select(ReviewDecision)).all() == []
        assert session.exec(select(MissedPost)).all() == []
        assert session.exec(select(PostSearch)).all() == []
        assert session.exec(select(Post)).all() == []


def test_forget_erases_decisions_misses_and_search_rows(
    reviewed: tuple[Engine, list[int], list[int]],
) -> None:
    engine, posts, findings = reviewed
    with Session(engine) as session:
        review_finding(session, findings[0], parse_decision("resolved"), "rita", "José agreed")
        mark_missed(session, posts[2], "CNF301", "rita", "José leaked it")
        index_missing(session)
        session.commit()
        person = session.exec(select(Person).where(Person.name == "José García")).one()
        erased = forget_person(session, person)
        session.commit()
        assert erased["reviewdecision"] == 1 and erased["missedpost"] == 1
        assert erased["postsearch"] == 3
        for model in (ReviewDecision, MissedPost, PostSearch):
            assert session.exec(select(model)).all() == []


def test_migration_folds_the_posts_already_stored(engine: Engine) -> None:
    """Upgrading a store that has posts gives each its folded search text at once."""
    from socialaudit import db

    with Session(engine) as session:
        _, _, posts = make_person_with_posts(session, "Zoë Ærø", posts=2)
        posts[0].text = "Opinión ÉCRITE à Łódź"
        session.add(posts[0])
        session.commit()
    db.downgrade(engine, "0010_check_batches")
    db.upgrade(engine)
    with Session(engine) as session:
        keys = sorted(row.text_key for row in session.exec(select(PostSearch)))
    assert keys == ["opinion ecrite a lodz", "post 1 by zoe aero"]
