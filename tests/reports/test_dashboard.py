"""The management dashboard: trends per group, small groups merged, no names, no text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner

from reports import charts, dashboard
from socialaudit.cli import app
from socialaudit.config import load_settings
from socialaudit.db import session_scope
from socialaudit.models import Person
from socialaudit.weeks import Week
from tests.reports.seed import seed_week

W47 = Week.parse("2026-W47")


def settings(min_group_size: int = 5):
    return load_settings(environ={"SOCIALAUDIT_REPORTS_MIN_GROUP_SIZE": str(min_group_size)})


def test_small_groups_merge_into_other() -> None:
    people = pd.DataFrame(
        {
            "person_id": range(12),
            "team": ["A"] * 5 + ["B"] * 3 + ["C"] * 2 + [None, " "],
        }
    )
    mapping, shown, hidden = dashboard.group_people(people, 5)
    assert shown == {"A": 5, "other": 7} and hidden == 0
    assert mapping[0] == "A" and mapping[5] == "other" and mapping[11] == "other"
    # A's 5 beside the whole of 8 would show the other 3 by subtraction: only the whole shows.
    mapping, shown, hidden = dashboard.group_people(people.iloc[:8], 5)
    assert shown == {} and hidden == 8 and pd.isna(mapping[0]) and pd.isna(mapping[6])


def test_dashboard_figures(engine: Engine) -> None:
    with session_scope(engine) as session:
        seed_week(session)
    board = dashboard.build(engine, settings(), 4, until=W47)
    assert board.weeks == ["2026-W44", "2026-W45", "2026-W46", "2026-W47"]
    # Campaigns (5) beside the whole (6) would give away Press's one person by subtraction.
    assert board.groups == {} and board.hidden_people == 6
    assert list(board.compliance.columns) == ["whole organisation"]
    # As the weekly report counts it: Ana has high findings and a profile that lost its
    # disclaimer, Person 1's review finding is still open; four of six need nothing.
    assert board.compliance.loc["2026-W47", "whole organisation"] == pytest.approx(4 / 6)
    assert board.families.loc["2026-W47"].to_dict() == {
        "confidentiality": 1,
        "embargo": 1,
        "partisanship": 1,
        "transparency": 1,
    }
    # Only one profile has been seen: a share over one account would single its owner out.
    assert board.coverage["whole organisation"].isna().all()
    small = dashboard.build(engine, settings(min_group_size=1), 4, until=W47)
    assert small.groups == {"Campaigns": 5, "Press": 1}
    assert small.compliance.loc["2026-W47", "Campaigns"] == pytest.approx(3 / 5)
    assert small.compliance.loc["2026-W46", "Campaigns"] == 1
    assert small.coverage.loc["2026-W46", "whole organisation"] == 1
    assert small.coverage.loc["2026-W47", "Campaigns"] == 0
    life = board.lifecycle.loc["2026-W47"]
    assert life["deleted-without-correction"] == life["corrected-by-edit"] == 1
    assert life["unavailable"] == 1 and life["deleted-then-corrected"] == 0

    html = dashboard.render_html(board)
    for heading in (
        "By team or section",
        "Compliance rate per week",
        "Findings per clause family",
        "Disclaimer coverage",
        "Deletions versus corrections",
    ):
        assert f"<h2>{heading}</h2>" in html
    assert html.count("<svg") == 3  # coverage over one seen profile is withheld
    assert "Withheld: fewer than 5 profiles have been seen" in html
    assert small.charts.keys() == {"compliance", "families", "coverage", "lifecycle"}
    # Aggregates only: no name, handle, small team or post text reaches the page.
    for private in ("Ana", "Person 1", "person2", "Press", "Vote for", "budget", "detainees"):
        assert private not in html, private


def test_weeks_before_monitoring_began_have_no_rate(engine: Engine) -> None:
    with session_scope(engine) as session:
        seed_week(session)  # accounts registered 60 days before W47's Monday, in W38
    board = dashboard.build(engine, settings(), 12, until=W47)
    total = board.compliance["whole organisation"]
    assert total[["2026-W36", "2026-W37"]].isna().all()  # nobody monitored yet: no 100%
    assert total.loc["2026-W38":"2026-W46"].eq(1).all()
    # The average is over the ten monitored weeks, not lifted by the two before.
    summary = board.summary.set_index("group").loc["whole organisation"]
    assert summary["compliance_mean"] == pytest.approx((9 + 4 / 6) / 10)
    assert "–" in dashboard.render_html(board).split('id="compliance"')[1]


def test_a_team_split_only_when_teams_exist(engine: Engine) -> None:
    assert dashboard.has_team_split({"Campaigns": 5, "other": 7}, 12)
    assert dashboard.has_team_split({"Campaigns": 5}, 6)  # one person counted in the total
    assert not dashboard.has_team_split({"other": 12}, 12)
    assert not dashboard.has_team_split({"no team": 12}, 12)
    assert not dashboard.has_team_split({"Campaigns": 12}, 12)
    with session_scope(engine) as session:
        seed_week(session, people=12)  # ten in Campaigns, two in Press
        for person in session.exec(select(Person)).all():
            person.team = "Team " + person.name  # every team has one person: all "other"
            session.add(person)
    board = dashboard.build(engine, settings(), 4, until=W47)
    assert board.groups == {} and list(board.compliance.columns) == ["whole organisation"]
    html = dashboard.render_html(board)
    assert 'id="no-team-split"' in html and "<td>other</td>" not in html


def test_charts_read_at_a_glance(engine: Engine) -> None:
    with session_scope(engine) as session:
        seed_week(session, people=12)
    board = dashboard.build(engine, settings(), 12, until=W47)
    svg = str(board.charts["compliance"])
    # Full width: the SVG scales to the page, drawn 10 inches wide.
    assert 'width="720pt"' in svg
    assert "display: block; width: 100%" in dashboard.render_html(board)
    # The whole organisation in black; the team in the colour-blind-safe palette.
    assert "#000000" in svg and charts.PALETTE[0].lower() in svg.lower()
    families = str(board.charts["families"])
    used = {c for c in charts.PALETTE if c.lower() in families.lower()}
    assert len(used) == len(board.families.columns)  # one distinct colour per family
    # The legend sits right of the plot area, not over the data.
    for name in ("compliance", "families"):
        assert _legend_right_of_axes(str(board.charts[name])), name


def _legend_right_of_axes(svg: str) -> bool:
    """The legend's first mark starts right of the plot area (the axes' clip rectangle)."""
    import re

    box = re.search(r'<clipPath id="[^"]+">\s*<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    legend = svg.split('<g id="legend_1">', 1)
    if box is None or len(legend) < 2:
        return False
    right = float(box.group(1)) + float(box.group(2))
    first_x = re.search(r'(?:M |x=")([\d.]+)', legend[1])
    return first_x is not None and float(first_x.group(1)) > right


def test_too_few_people_withholds_everything(engine: Engine) -> None:
    with session_scope(engine) as session:
        seed_week(session)
    board = dashboard.build(engine, settings(min_group_size=10), 4, until=W47)
    html = dashboard.render_html(board)
    assert 'id="withheld"' in html and "<svg" not in html and "Campaigns" not in html


def test_dashboard_command_is_repeatable(
    runner: CliRunner, cli_env: dict, engine: Engine, tmp_path: Path
) -> None:
    with session_scope(engine) as session:
        seed_week(session)
    args = ["dashboard", "--weeks", "12", "--until", "2026-W47", "-o", "out"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    page = tmp_path / "out" / "dashboard-2026-W47.html"
    before = page.read_bytes()
    assert runner.invoke(app, args).exit_code == 0
    assert page.read_bytes() == before
    bad = runner.invoke(app, ["dashboard", "--weeks", "0"])
    assert bad.exit_code == 2 and "--weeks: expected 1 to 260 weeks, got 0" in bad.output
