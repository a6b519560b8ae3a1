"""The dashboard's groups of at least five hold under subtraction: the whole organisation
minus any groups shown, week by week, is never a figure about one to four people."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from reports import dashboard
from socialaudit.config import load_settings
from socialaudit.models import Account, Finding, Person
from socialaudit.weeks import Week

MIN = 5
SIZES = range(1, 7)
W47 = Week.parse("2026-W47")
# Every organisation of one to three teams of one to six people, plus people in no team.
ORGANISATIONS = sorted(
    {tuple(sorted(c)) for n in (1, 2, 3) for c in itertools.product(SIZES, repeat=n)}
    | {(6, 5, 1), (6, 6, 6, 1), (5, 5, 5, 5, 4)}
)


def _people(sizes: tuple[int, ...]) -> pd.DataFrame:
    teams = [f"T{i}" for i, size in enumerate(sizes) for _ in range(size)]
    return pd.DataFrame({"person_id": range(len(teams)), "team": teams})


def _uncovered(whole: int, shown: list[int]) -> list[int]:
    """What each subtraction leaves: the whole minus every subset of the groups shown."""
    return [
        whole - sum(subset)
        for n in range(1, len(shown) + 1)
        for subset in itertools.combinations(shown, n)
    ]


@pytest.mark.parametrize("sizes", ORGANISATIONS, ids=lambda s: "-".join(map(str, s)))
def test_groups_shown_leave_no_small_remainder(sizes: tuple[int, ...]) -> None:
    people = _people(sizes)
    mapping, shown, hidden = dashboard.group_people(people, MIN)
    whole = len(people)
    assert all(n >= MIN for n in shown.values()), shown
    for left in _uncovered(whole, list(shown.values())):
        assert left == 0 or left >= MIN, (sizes, shown, left)
    # Everyone is in exactly one group shown, or (no group shown) in the whole only.
    assert sum(shown.values()) + hidden == whole
    assert set(mapping.dropna()) == set(shown)


def test_teams_of_six_five_and_one_no_longer_give_away_the_one() -> None:
    """The case found: the whole minus the teams of 6 and 5 was the one person's figures."""
    mapping, shown, hidden = dashboard.group_people(_people((6, 5, 1)), MIN)
    assert shown == {"T0": 6, "other": 6} and hidden == 0
    assert mapping[11] == mapping[6] == "other"


def _seed(engine: Engine, sizes: tuple[int, ...]) -> None:
    """Teams of the given sizes; in each team every other person has a high finding in W47,
    and the last person of every team one in W46. Everyone is monitored from before W45 (an
    account registered then), so every week shown has a rate."""
    with Session(engine) as session:
        n = 0
        for team, size in enumerate(sizes):
            for member in range(size):
                person = Person(name=f"P{team}-{member}", team=f"T{team}")
                session.add(person)
                session.flush()
                session.add(
                    Account(
                        person_id=person.id,
                        platform="x",
                        handle=f"p{team}_{member}",
                        created_at=datetime(2026, 10, 1, tzinfo=UTC),
                    )
                )
                weeks = ["2026-W47"] if member % 2 == 0 else []
                if member == size - 1:
                    weeks.append("2026-W46")
                for week in weeks:
                    n += 1
                    session.add(
                        Finding(
                            fingerprint=f"fp-{n}",
                            rule_code="NPT201",
                            rule_name="political-endorsement",
                            severity="high",
                            subject_type="post",
                            person_id=person.id,
                            week=week,
                        )
                    )
        session.commit()


@pytest.mark.parametrize("last", SIZES)
def test_subtraction_on_the_built_dashboard(engine: Engine, last: int) -> None:
    """Teams of 6 and 5 and one of every size from 1 to 6: the flagged people and the
    findings of the whole minus those of the groups shown, week by week, cover no one or
    at least five people."""
    sizes = (6, 5, last)
    _seed(engine, sizes)
    settings = load_settings(environ={"SOCIALAUDIT_REPORTS_MIN_GROUP_SIZE": str(MIN)})
    board = dashboard.build(engine, settings, 3, until=W47)
    whole = sum(sizes)
    assert board.people == whole and not board.withheld
    groups = board.groups
    assert all(n >= MIN for n in groups.values())
    flagged = (1 - board.compliance).mul(pd.Series({**groups, dashboard.TOTAL: whole}), axis=1)
    for week in board.weeks:
        for subset in (
            s for n in range(1, len(groups) + 1) for s in itertools.combinations(groups, n)
        ):
            people_left = whole - sum(groups[g] for g in subset)
            assert people_left == 0 or people_left >= MIN, (sizes, week, subset)
            if people_left == 0:  # nothing to learn: the groups are the whole
                left = flagged.at[week, dashboard.TOTAL] - flagged.loc[week, list(subset)].sum()
                assert left == pytest.approx(0)
    summary = board.summary.set_index("group")
    assert summary.at[dashboard.TOTAL, "people"] == whole


def _grid(week_people: dict[str, dict[str, int]]) -> pd.DataFrame:
    rows = []
    pid = 0
    for week, groups in week_people.items():
        for group, n in groups.items():
            for i in range(n):
                rows.append(
                    {"week": week, "group": group, "person_id": pid + i, "disclaimer": i % 2 == 0}
                )
            pid += 100
    return pd.DataFrame(rows)


@pytest.mark.parametrize("last", SIZES)
def test_coverage_shares_leave_no_small_remainder_week_by_week(last: int) -> None:
    """Profiles seen change the groups' sizes each week: groups A and B, then a third of
    `last` people seen in W47 only."""
    weeks = ["2026-W46", "2026-W47"]
    grid = _grid({"2026-W46": {"A": 6, "B": 5}, "2026-W47": {"A": 6, "B": 5, "C": last}})
    coverage = dashboard._coverage(grid, weeks, ["A", "B", "C"], MIN)
    seen = {"2026-W46": {"A": 6, "B": 5}, "2026-W47": {"A": 6, "B": 5, "C": last}}
    for week in weeks:
        whole = sum(seen[week].values())
        assert coverage.at[week, dashboard.TOTAL] == pytest.approx(
            grid[grid["week"] == week]["disclaimer"].mean()
        )
        shown = [g for g in ("A", "B", "C") if pd.notna(coverage.at[week, g])]
        assert all(seen[week][g] >= MIN for g in shown)
        for left in _uncovered(whole, [seen[week][g] for g in shown]):
            assert left == 0 or left >= MIN, (week, shown, left)
    # Whole groups are kept whenever that is safe.
    assert coverage.loc["2026-W46", ["A", "B"]].notna().all()
    if last >= MIN:
        assert coverage.loc["2026-W47", ["A", "B", "C"]].notna().all()
    else:
        assert coverage.loc["2026-W47"].notna().sum() == 2  # one share left out, and the whole
