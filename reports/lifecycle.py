"""Deletions versus corrections, as the store decided them, for the report and the dashboard.

Both read the `PostOutcome` rows that `socialaudit.pipeline.lifecycle.update_outcomes` keeps
(one per post that changed after publication), never the Post columns again: the weekly report, the
dashboard, the nudges and the web app then show the very outcome the store holds, with its
time to delete and time to correct.

The weekly report's per-person table is `outcomes_table` for its week, pivoted here by
`per_person`; the dashboard counts `lifecycle_events` per week. Outcomes that
are not the person's doing (an account protected, suspended, deactivated or gone, the
original of a repost deleted, an unexplained error) are one column, "unavailable", never a
deletion (DESIGN.md, principle 3).
"""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from checks.mistakes import NOT_A_DELETION, Outcome
from reports.frames import read
from socialaudit.models import Person, PostOutcome

if TYPE_CHECKING:
    import pandas as pd

EVENT_COLUMNS = ["person_id", "post_id", "at", "event", "outcome"]
UNAVAILABLE = "unavailable"
# The columns every reader shows, in this order: the person's doing first, best first.
EVENTS = (
    str(Outcome.CORRECTED_BY_EDIT),
    str(Outcome.CORRECTED_OPENLY),
    str(Outcome.DELETED_THEN_CORRECTED),
    str(Outcome.DELETED_AFTER_FLAG),
    str(Outcome.AWAITING_CORRECTION),
    str(Outcome.DELETED_WITHOUT_CORRECTION),
    UNAVAILABLE,
)
# How the readers name each column.
LABELS = {
    str(Outcome.CORRECTED_BY_EDIT): "corrected by edit",
    str(Outcome.CORRECTED_OPENLY): "corrected openly",
    str(Outcome.DELETED_THEN_CORRECTED): "deleted then corrected",
    str(Outcome.DELETED_AFTER_FLAG): "deleted after a flag",
    str(Outcome.AWAITING_CORRECTION): "deleted, window open",
    str(Outcome.DELETED_WITHOUT_CORRECTION): "deleted without correction (MST801)",
    UNAVAILABLE: "unavailable",
}
CORRECTED = (Outcome.CORRECTED_BY_EDIT, Outcome.CORRECTED_OPENLY, Outcome.DELETED_THEN_CORRECTED)
_NOT_THE_PERSON = {str(o) for o in NOT_A_DELETION.values()}
# Which time each outcome reports: how long until the correction, or until the deletion.
TIME_TO = {
    str(Outcome.CORRECTED_BY_EDIT): "correct",
    str(Outcome.CORRECTED_OPENLY): "correct",
    str(Outcome.DELETED_THEN_CORRECTED): "correct",
    str(Outcome.DELETED_AFTER_FLAG): "delete",
    str(Outcome.AWAITING_CORRECTION): "delete",
    str(Outcome.DELETED_WITHOUT_CORRECTION): "delete",
}


def event_of(outcome: str) -> str:
    """The column an outcome is counted in (the not-a-deletion outcomes share one)."""
    return UNAVAILABLE if outcome in _NOT_THE_PERSON else outcome


def lifecycle_events(conn: Connection, start: datetime, end: datetime) -> pd.DataFrame:
    """Stored outcomes whose event (the deletion, or the publication of a post corrected
    without deletion) falls in [start, end): person_id, post_id, at (UTC), event (a column
    of EVENTS), outcome (as stored), hours_to_delete, hours_to_correct."""
    import pandas as pd

    frame = read(
        conn,
        sa.select(
            PostOutcome.person_id,
            PostOutcome.post_id,
            PostOutcome.event_at.label("at"),
            PostOutcome.outcome,
            PostOutcome.seconds_to_delete,
            PostOutcome.seconds_to_correct,
        ).where(PostOutcome.event_at >= start, PostOutcome.event_at < end),
        dates=["at"],
    )
    frame["event"] = frame["outcome"].map(event_of) if not frame.empty else pd.Series(dtype=object)
    frame["hours_to_delete"] = frame.pop("seconds_to_delete").astype("float64") / 3600
    frame["hours_to_correct"] = frame.pop("seconds_to_correct").astype("float64") / 3600
    return frame[[*EVENT_COLUMNS, "hours_to_delete", "hours_to_correct"]]


def per_person(table: pd.DataFrame) -> pd.DataFrame:
    """One week's `outcomes_table` as one row per person_id: a count column per EVENTS entry
    (zero-filled) and, for each outcome with a time, `hours:<outcome>` (the median hours to
    correct, or to delete; missing when no such post)."""
    import pandas as pd

    hours = [f"hours:{kind}" for kind in TIME_TO]
    columns = ["person_id", *EVENTS, *hours]
    if table.empty:
        frame = pd.DataFrame(columns=columns)
        return frame.astype(dict.fromkeys(EVENTS, "int64"))
    if table["week"].nunique() > 1:
        raise ValueError("per_person takes one week: medians of medians are not medians")
    table = table.assign(event=table["outcome"].map(event_of))
    counts = table.groupby(["person_id", "event"])["posts"].sum().unstack(fill_value=0)
    counts = counts.reindex(columns=list(EVENTS), fill_value=0).astype("int64")
    for kind, which in TIME_TO.items():
        rows = table[table["outcome"] == kind].set_index("person_id")
        counts[f"hours:{kind}"] = rows[f"median_hours_to_{which}"].reindex(counts.index)
    counts.columns.name = None
    return counts.reset_index()[columns]


def outcomes_table(db: Engine | Connection, weeks: list[str] | None = None) -> pd.DataFrame:
    """Outcomes per person and week: one row per (week, person, outcome) with the count of
    posts and the median hours to delete and to correct. The weekly report reads its week's
    rows (`reports.lifecycle.per_person`); `db` is an engine or an open connection."""
    import pandas as pd

    columns = [
        "week",
        "person_id",
        "person",
        "team",
        "outcome",
        "posts",
        "median_hours_to_delete",
        "median_hours_to_correct",
    ]
    query = select(
        PostOutcome.week,
        PostOutcome.person_id,
        Person.name,
        Person.team,
        PostOutcome.outcome,
        PostOutcome.seconds_to_delete,
        PostOutcome.seconds_to_correct,
    ).join(Person, Person.id == PostOutcome.person_id)
    if weeks:
        query = query.where(col(PostOutcome.week).in_(weeks))
    with Session(db) as session:
        rows = session.exec(query).all()
    frame = pd.DataFrame(
        [tuple(row) for row in rows],
        columns=[
            "week",
            "person_id",
            "person",
            "team",
            "outcome",
            "seconds_to_delete",
            "seconds_to_correct",
        ],
    )
    if frame.empty:
        return pd.DataFrame(columns=columns)
    for name in ("seconds_to_delete", "seconds_to_correct"):
        frame[name] = frame[name].astype("float64")
    grouped = frame.groupby(["week", "person_id", "person", "team", "outcome"], dropna=False)
    table = grouped.agg(
        posts=("outcome", "size"),
        median_hours_to_delete=("seconds_to_delete", lambda s: s.median() / 3600),
        median_hours_to_correct=("seconds_to_correct", lambda s: s.median() / 3600),
    ).reset_index()
    return table.sort_values(["week", "person", "outcome"]).reset_index(drop=True)[columns]


def person_rows(conn: Connection, week: str) -> list[dict[str, Any]]:
    """`per_person(outcomes_table(conn, [week]))` counted without pandas: one dict per
    person_id with an outcome in `week` (person, team, a count per EVENTS entry and
    `hours:<outcome>`, the median hours to correct or to delete, None when no such post).

    Reads the week's outcome rows only (two numbers each), so the weekly report's start-up
    and memory do not depend on pandas or on the store's size."""
    rows = conn.execute(
        sa.select(
            PostOutcome.person_id,
            Person.name,
            Person.team,
            PostOutcome.outcome,
            PostOutcome.seconds_to_delete,
            PostOutcome.seconds_to_correct,
        )
        .join(Person, Person.id == PostOutcome.person_id)
        .where(PostOutcome.week == week)
    ).all()
    people: dict[int, dict[str, Any]] = {}
    seconds: dict[tuple[int, str], list[float]] = {}
    for person_id, name, team, outcome, to_delete, to_correct in rows:
        row = people.setdefault(
            person_id,
            {
                "person_id": person_id,
                "person": name,
                "team": team,
                **dict.fromkeys(EVENTS, 0),
                **{f"hours:{kind}": None for kind in TIME_TO},
            },
        )
        row[event_of(outcome)] += 1
        if outcome in TIME_TO:
            value = to_correct if TIME_TO[outcome] == "correct" else to_delete
            if value is not None:
                seconds.setdefault((person_id, outcome), []).append(float(value))
    for (person_id, outcome), values in seconds.items():
        people[person_id][f"hours:{outcome}"] = statistics.median(values) / 3600
    return list(people.values())
