"""Deletion versus correction, end to end: sandbox rounds through collect, check, outcomes.

For each platform, one small invented world plays every outcome the platform can express
over several collection rounds (the same functions `socialaudit collect` and `check` call;
the X case goes through the CLI itself), on both databases:

- corrected-by-edit: an X edit chain, a Mastodon edit, a Bluesky record rewritten in place;
- corrected-openly: a self-reply (English, Spanish) and a self-quote (French) saying so;
- deleted-then-corrected: a deleted post repeated with changes, and a correction at 47 h;
- deleted-without-correction: a silent deletion, and a correction at 49 h (too late): MST801;
- deleted-after-flag: a post carrying a high finding (CNF302) deleted: never MST801;
- not deletions: an account suspended, deactivated, protected (X only), a reposted original
  deleted;
- hard negatives: "Update: the march starts at 3pm" and "Correction to the ministry: ..."
  as self-replies correct nothing of the person's own.

Deletion times are what the collector saw, so every deletion happens just before a round.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from collectors.runner import collect
from reports.lifecycle import outcomes_table
from sandbox.seed import people_csv
from sandbox.server import Sandbox
from sandbox.world import DEACTIVATED, PROTECTED, SUSPENDED, SandboxPerson, SandboxPost, World
from socialaudit.cli import app
from socialaudit.config import load_settings
from socialaudit.db import session_scope
from socialaudit.models import Finding, Post, PostOutcome
from socialaudit.pipeline.check_runner import run_checks
from socialaudit.pipeline.lifecycle import update_outcomes
from socialaudit.registry import import_people_csv
from tests.collectors.rounds import environ

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday: 2026-W45
H = timedelta(hours=1)
M = timedelta(minutes=1)
DELETED_AT = 2 * H  # every deletion, just before the round at 2 h
# Rounds (hours from the start); the corrections for the window boundary come at 49 h (47 h
# after the deletion) and 51 h (49 h after).
ROUNDS = [0, 1, 2, 5, 30, 49, 51, 75]

PLATFORMS = ["x", "bluesky", "mastodon"]


def _handle(platform: str, slug: str) -> str:
    return {"x": f"{slug}_sbx", "bluesky": f"{slug}.sandbox.test", "mastodon": slug}[platform]


def scenario_world(platform: str) -> tuple[World, dict[str, SandboxPost]]:
    """Four invented people on one platform, and the script of every outcome."""
    world = World(T0)

    def person(name: str, slug: str) -> str:
        someone = world.add_person(SandboxPerson(name, f"{slug}@staff.example", "Research"))
        return world.add_account(
            platform,
            slug,
            _handle(platform, slug),
            name,
            person=someone,
            bio="Researcher at Amnesty International. Views my own.",
        ).key

    nora = person("Nora Quill", "nora")
    omar = person("Omar Reyes", "omar")
    pia = person("Pia Sand", "pia")
    quinn = person("Quinn Tal", "quinn") if platform == "x" else None
    other = world.add_account(
        platform, "other", _handle(platform, "other"), "Other Voice", bio="News."
    ).key
    add = world.add_post
    p: dict[str, SandboxPost] = {}
    p["edit"] = add(nora, "Our new report on detention is out todya.", ago=10 * M)
    p["reply_src"] = add(nora, "Turnout at the rally was 5,000 people.", ago=6 * H)
    p["quote_src"] = add(
        nora, "La manifestation commence à 14h place de la République.", ago=7 * H, lang="fr"
    )
    p["es_src"] = add(
        nora, "La marcha empieza a las 17h en la plaza central.", ago=8 * H, lang="es"
    )
    p["news"] = add(nora, "The march starts at 2pm at the town hall.", ago=9 * H)
    p["others_src"] = add(
        nora, "The ministry's report says 10,000 people were detained.", ago=10 * H
    )
    p["repeat"] = add(
        nora, "Our researchers counted 40 checkpoints on the northern road.", ago=11 * H
    )
    p["w47"] = add(
        nora,
        "The vigil for the detained journalists is on Friday at 6pm in the main square.",
        ago=12 * H,
    )
    p["w49"] = add(nora, "Our petition to free the prisoners has 12,000 signatures.", ago=13 * H)
    p["flag"] = add(
        nora,
        "Draft campaign plan is here if you want to comment: "
        "https://amnesty.sharepoint.com/sites/campaigns/plan-2027.docx",
        ago=14 * H,
    )
    p["silent"] = add(
        nora, "Border crossings closed again this morning, families stranded.", ago=15 * H
    )
    original = add(other, "Our new film on refugee rights is out.", ago=16 * H)
    p["repost"] = add(nora, "", repost_of=original, ago=15 * H)
    p["suspended"] = add(omar, "Good conversation at the panel on refugee rights today.", ago=3 * H)
    p["deactivated"] = add(pia, "Heading to the vigil this evening.", ago=3 * H)
    if quinn:
        p["protected"] = add(quinn, "Thank you to everyone who signed the petition.", ago=3 * H)

    def corrections(w: World) -> None:
        w.edit_post(p["edit"], "Our new report on detention is out today.")
        add(
            nora,
            "Correction: turnout at the rally was 3,000 people, not 5,000.",
            reply_to=p["reply_src"],
        )
        add(
            nora,
            "Rectificatif : la manifestation commence à 15h, pas à 14h.",
            quote_of=p["quote_src"],
            lang="fr",
        )
        add(nora, "Corrección: la marcha empieza a las 18h.", reply_to=p["es_src"], lang="es")
        # Hard negatives: news, and someone else's mistake, each as a self-reply.
        add(nora, "Update: the march starts at 3pm", reply_to=p["news"])
        add(
            nora,
            "Correction to the ministry: 1,000 people were detained.",
            reply_to=p["others_src"],
        )

    def deletions(w: World) -> None:
        for key in ("repeat", "w47", "w49", "flag", "silent"):
            w.delete_post(p[key])
        w.delete_post(original)
        w.set_status(omar, SUSPENDED)
        w.set_status(pia, DEACTIVATED)
        if quinn:
            w.set_status(quinn, PROTECTED)

    world.at(15 * M, "corrections by edit, reply and quote; the hard negatives", corrections)
    world.at(DELETED_AT, "deletions; accounts suspended, deactivated, protected", deletions)
    world.at(
        4 * H,
        "the deleted checkpoint figure, repeated with changes",
        lambda w: add(nora, "Our researchers counted 14 checkpoints on the northern road."),
    )
    world.at(
        DELETED_AT + 47 * H,
        "a correction 47 h after the deletion",
        lambda w: add(
            nora,
            "Correction: the vigil for the detained journalists is on Saturday at 6pm in the "
            "main square.",
        ),
    )
    world.at(
        DELETED_AT + 49 * H,
        "a correction 49 h after the deletion: too late",
        lambda w: add(nora, "Our petition to free the prisoners has 21,000 signatures."),
    )
    return world, p


@pytest.fixture(params=PLATFORMS)
def platform(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def scenario(platform: str) -> tuple[World, dict[str, SandboxPost]]:
    return scenario_world(platform)


@pytest.fixture
def sandbox_world(scenario: tuple[World, dict[str, SandboxPost]]) -> World:
    return scenario[0]


class Rounds:
    """Plays rounds at given hours: collect, check, outcomes (through the CLI for X)."""

    def __init__(self, platform: str, world: World, url: str, db_url: str, engine: Engine) -> None:
        self.platform, self.world, self.engine = platform, world, engine
        self.settings = load_settings(environ=environ(url, db_url))
        self.cli = CliRunner() if platform == "x" else None
        self.env = environ(url, db_url)

    def at(self, hours: float) -> None:
        self.world.advance(hours=hours - (self.world.now - T0).total_seconds() / 3600)
        now = self.world.now
        if self.cli is not None:
            collected = self.cli.invoke(
                app, ["collect", "--platform", "x", "--now", now.isoformat()], env=self.env
            )
            assert collected.exit_code == 0, collected.output
            self.check()
            return
        runs = collect(self.engine, self.settings, platform=self.platform, now=now)
        assert [r.status for r in runs] == ["ok"], [r.errors for r in runs]
        self.check()

    def check(self) -> None:
        """`socialaudit check` at the world's clock (exit 1 only says something new)."""
        now = self.world.now
        if self.cli is not None:
            checked = self.cli.invoke(app, ["check", "--now", now.isoformat()], env=self.env)
            assert checked.exit_code in (0, 1), checked.output
            assert "changed posts:" in checked.output
            return
        run_checks(self.engine, self.settings)
        update_outcomes(self.engine, self.settings, now=now)


def outcomes(engine: Engine, posts: dict[str, SandboxPost]) -> dict[str, str]:
    """Stored outcomes by the scenario's name for the post (only the scenario's posts)."""
    names = {post.id: name for name, post in posts.items()}
    for post in posts.values():  # X: a post edited keeps its first id as the chain's key
        for edit_id in post.edit_ids:
            names.setdefault(edit_id, names[post.id])
    with Session(engine) as session:
        rows = session.exec(
            select(Post.platform_id, PostOutcome.outcome).join(
                PostOutcome, PostOutcome.post_id == Post.id
            )
        ).all()
    return {names.get(_key(pid), pid): outcome for pid, outcome in rows}


def _key(platform_id: str) -> str:
    """The sandbox's id for a stored post (Bluesky stores the at:// URI of the record key)."""
    return platform_id.rsplit("/", 1)[-1]


def mst801(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(
            session.exec(
                select(Post.text)
                .join(Finding, Finding.post_id == Post.id)
                .where(Finding.rule_code == "MST801")
            ).all()
        )


def stored(engine: Engine, posts: dict[str, SandboxPost], name: str) -> PostOutcome:
    ids = {posts[name].id, *posts[name].edit_ids}
    with Session(engine) as session:
        rows = session.exec(
            select(PostOutcome, Post.platform_id).join(Post, Post.id == PostOutcome.post_id)
        ).all()
    (found,) = [row for row, pid in rows if _key(pid) in ids]
    return found


def test_every_outcome_through_collect_and_check(
    platform: str,
    scenario: tuple[World, dict[str, SandboxPost]],
    sandbox: Sandbox,
    db_url: str,
    engine: Engine,
    cli_env: dict[str, str],
) -> None:
    world, posts = scenario
    with session_scope(engine) as session:
        import_people_csv(session, people_csv(world))
    rounds = Rounds(platform, world, sandbox.url, db_url, engine)

    rounds.at(0)
    assert outcomes(engine, posts) == {}
    rounds.at(1)
    corrected = {
        "edit": "corrected-by-edit",
        "reply_src": "corrected-openly",
        "quote_src": "corrected-openly",
        "es_src": "corrected-openly",
    }
    assert outcomes(engine, posts) == corrected  # "news" and "others_src": nothing to say

    rounds.at(2)
    unavailable = {
        "repost": "original-deleted",
        "suspended": "account-suspended",
        "deactivated": "account-deactivated",
    }
    if platform == "x":
        unavailable["protected"] = "account-protected"
    waiting = dict.fromkeys(("repeat", "w47", "w49", "silent"), "awaiting-correction")
    assert outcomes(engine, posts) == {
        **corrected,
        **unavailable,
        **waiting,
        "flag": "deleted-after-flag",
    }

    rounds.at(5)
    assert outcomes(engine, posts)["repeat"] == "deleted-then-corrected"
    rounds.at(30)
    rounds.at(49)  # 47 h after the deletion: the correction counts
    now = outcomes(engine, posts)
    assert now["w47"] == "deleted-then-corrected"
    assert now["w49"] == now["silent"] == "awaiting-correction"  # the window is still open
    assert mst801(engine) == []

    rounds.at(51)  # 49 h after: the window closed at 50 h, the correction came too late
    final = {
        **corrected,
        **unavailable,
        "flag": "deleted-after-flag",
        "repeat": "deleted-then-corrected",
        "w47": "deleted-then-corrected",
        "w49": "deleted-without-correction",
        "silent": "deleted-without-correction",
    }
    assert outcomes(engine, posts) == final
    expected_mst801 = sorted(posts[k].text for k in ("w49", "silent"))
    assert mst801(engine) == expected_mst801  # never for the flagged post

    # The stored times: deleted 14 h after publication, corrected 61 h after it.
    w47 = stored(engine, posts, "w47")
    assert w47.seconds_to_delete == (12 + 2) * 3600
    assert w47.seconds_to_correct == (12 + 49) * 3600
    assert w47.correction_post_id is not None and w47.week == "2026-W45"

    # Idempotent: more rounds and checks leave the same outcomes and no second MST801.
    rounds.at(75)
    rounds.check()
    assert outcomes(engine, posts) == final
    assert mst801(engine) == expected_mst801
    with Session(engine) as session:
        assert len(session.exec(select(PostOutcome)).all()) == len(final)

    # The per-person, per-week table the weekly report reads.
    table = outcomes_table(engine, ["2026-W45"])
    nora = table[table["person"] == "Nora Quill"].set_index("outcome")["posts"].to_dict()
    assert nora == {
        "corrected-by-edit": 1,
        "corrected-openly": 3,
        "deleted-after-flag": 1,
        "deleted-then-corrected": 2,
        "deleted-without-correction": 2,
        "original-deleted": 1,
    }
