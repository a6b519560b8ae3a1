"""The management dashboard: trends over weeks, aggregates only.

Management sees groups, never people (DESIGN.md, principle 7): each person counts in their
team (or "no team"); a team with fewer than `[reports] min_group_size` people is merged into
"other". The minimum holds under subtraction too: the whole organisation minus the groups
shown is a figure anyone can work out, so it must cover no one or at least the minimum as
well. While "other" is too small, the smallest team shown joins it; when that leaves
"other" as the whole organisation, only the whole is shown; if the whole organisation is too
small nothing but the counts of weeks is shown. Disclaimer coverage, whose groups change
week by week with the profiles seen, follows the same rule per week (a group's share is left
out that week rather than let the whole minus the shares shown cover fewer people).
No name, handle or post text reaches the page.

Figures per week: compliance rate (the weekly report's rate, counted the same way: the share
of the people monitored by the week's end with nothing needing attention at its end: no high
or medium finding that week, no finding of that week or before still open or acknowledged, no
profile falling short; none before monitoring began, so the average skips those weeks),
findings per clause family, disclaimer coverage (the share of seen accounts whose profile
has the views disclaimer, see `reports.profiles`; withheld while fewer accounts than the
minimum group have been seen), and deletions versus corrections (see
`reports.lifecycle`). Charts are matplotlib SVG inline; the page has no script. The findings
are read from `week_aggregate` (`socialaudit.aggregates`), never row by row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.engine import Engine

from checks.policy import motto
from checks.registry import FAMILIES
from reports import charts, lifecycle, profiles
from reports.frames import read
from reports.output import write_atomic
from reports.templating import environment
from socialaudit import aggregates
from socialaudit.config import Settings
from socialaudit.errors import UsageError
from socialaudit.models import Account, Person, Post, ProfileSnapshot, WeekAggregate
from socialaudit.weeks import Week

OTHER = "other"
NO_TEAM = "no team"
TOTAL = "whole organisation"
MAX_WEEKS = 260
# Each family keeps its colour from week to week and page to page (the palette's order).
FAMILY_COLOURS = dict(zip(sorted(set(FAMILIES.values())), charts.PALETTE, strict=False))
LIFE_CORRECTED = "corrected (edit, openly, or after deleting)"
LIFE_UNCORRECTED = "deleted without correction"
LIFE_FLAGGED = "deleted after a flag"
LIFE_COLOURS = {LIFE_CORRECTED: "#009E73", LIFE_UNCORRECTED: "#D55E00", LIFE_FLAGGED: "#0072B2"}


@dataclass
class Dashboard:
    organisation: str
    weeks: list[str]
    min_group_size: int
    people: int
    groups: dict[str, int]  # group -> people, only groups large enough to show
    hidden_people: int  # people counted only in the total (no group could be shown)
    compliance: pd.DataFrame  # index week, columns groups + TOTAL, values 0..1
    families: pd.DataFrame  # index week, columns families, counts
    coverage: pd.DataFrame  # index week, columns groups + TOTAL, values 0..1
    lifecycle: pd.DataFrame  # index week, columns reports.lifecycle.EVENTS (stored outcomes)
    summary: pd.DataFrame  # one row per group
    charts: dict[str, Markup] = field(default_factory=dict)

    @property
    def withheld(self) -> bool:
        return self.people < self.min_group_size

    @property
    def stem(self) -> str:
        return f"dashboard-{self.weeks[-1]}"


def group_people(people: pd.DataFrame, min_size: int) -> tuple[pd.Series, dict[str, int], int]:
    """Map person_id -> group label, and the groups shown with their sizes.

    Small teams merge into "other"; while "other" is still too small the smallest team shown
    joins it, so that the whole minus the groups shown ("other" included) is never a figure
    of 1 to `min_size - 1` people. When everyone ends in "other", no group is shown beside
    the whole; the number returned last is then everyone (counted in the whole only).
    """
    teams = people["team"].fillna("").str.strip().replace("", NO_TEAM)
    sizes = teams.value_counts()
    small = set(sizes[sizes < min_size].index)
    groups = teams.where(~teams.isin(small), OTHER)
    counts = groups.value_counts()
    while 0 < counts.get(OTHER, 0) < min_size and len(counts) > 1:
        smallest = min((g for g in counts.index if g != OTHER), key=lambda g: (counts[g], g))
        groups = groups.where(groups != smallest, OTHER)
        counts = groups.value_counts()
    hidden = 0
    if list(counts.index) == [OTHER]:  # "other" would be the whole organisation again
        hidden = int(counts[OTHER])
        groups = groups.where(groups != OTHER, None)
        counts = counts.drop(OTHER)
    mapping = pd.Series(groups.values, index=people["person_id"].values)
    shown = {
        str(k): int(v) for k, v in sorted(counts.items(), key=lambda kv: (kv[0] == OTHER, kv[0]))
    }
    return mapping, shown, hidden


def has_team_split(groups: dict[str, int], people: int) -> bool:
    """A split by team tells something only when a real team is shown that is not everyone
    (everyone in "other" or "no team", or all in one team, is the total again)."""
    return any(g not in (OTHER, NO_TEAM) and n < people for g, n in groups.items())


def _week_labels(moments: pd.Series, tz: str) -> pd.Series:
    if moments.empty:
        return pd.Series([], dtype=object)
    iso = moments.dt.tz_convert(tz).dt.isocalendar()
    return iso["year"].astype(str) + "-W" + iso["week"].astype(int).map("{:02d}".format)


def build(engine: Engine, settings: Settings, weeks: int, until: Week | None = None) -> Dashboard:
    if not 1 <= weeks <= MAX_WEEKS:
        raise UsageError(f"--weeks: expected 1 to {MAX_WEEKS} weeks, got {weeks}")
    tz = settings.organisation.timezone
    last = until or Week.last_complete(tz)
    span = [last.previous(n) for n in range(weeks - 1, -1, -1)]
    labels = [str(w) for w in span]
    start, end = span[0].bounds(tz)[0], last.bounds(tz)[1]
    min_size = settings.reports.min_group_size
    aggregates.sync(engine)  # a read when `check` has kept it current
    with engine.connect() as conn:
        people = read(
            conn,
            sa.select(Person.id.label("person_id"), Person.team).where(Person.active),
        )
        # Read from the weekly aggregates (per week, person, rule, severity), one pass each:
        # per week and team, the findings; per week and rule family, the findings; the
        # people with a high or medium finding per week; when each person's oldest finding
        # still open or acknowledged was raised.
        agg = WeekAggregate
        counted = sa.and_(agg.week.in_(labels), Person.active)
        serious = sa.and_(agg.severity.in_(["high", "medium"]), agg.findings > 0)
        per_team = read(
            conn,
            sa.select(agg.week, Person.team, sa.func.sum(agg.findings).label("n"))
            .join(Person, Person.id == agg.person_id)
            .where(counted)
            .group_by(agg.week, Person.team),
        )
        prefix = sa.func.substr(agg.rule_code, 1, 3)
        per_family = read(
            conn,
            sa.select(agg.week, prefix.label("prefix"), sa.func.sum(agg.findings).label("n"))
            .join(Person, Person.id == agg.person_id)
            .where(counted)
            .group_by(agg.week, prefix)
            .having(sa.func.sum(agg.findings) > 0),
        )
        flagged_people = read(
            conn,
            sa.select(agg.week, agg.person_id)
            .distinct()
            .join(Person, Person.id == agg.person_id)
            .where(counted, serious),
        )
        owing_since = read(
            conn,
            sa.select(agg.person_id, sa.func.min(agg.week).label("since"))
            .join(Person, Person.id == agg.person_id)
            .where(Person.active, agg.outstanding > 0, agg.week <= labels[-1])
            .group_by(agg.person_id),
        )
        frames = profiles.load(conn, end)
        events = lifecycle.lifecycle_events(conn, start, end)
        monitored_from = _monitored_from(conn, start)
    mapping, groups, hidden = group_people(people, min_size)
    if not has_team_split(groups, len(people)):
        groups = {}  # one group holding everyone ("other", "no team"): the total says it all
    columns = [*groups, TOTAL]
    total_people = len(people)

    team_group = dict(zip(people["team"].fillna(""), people["person_id"].map(mapping), strict=True))
    per_team["group"] = per_team["team"].fillna("").map(team_group)

    # Compliance, as the weekly report counts it: the people monitored by each week's end
    # with nothing needing attention at its end (no high or medium finding that week, no
    # finding of that week or before left open or acknowledged, no profile falling short).
    # A week before monitoring began has no rate (it is not a 100% week), so the average
    # counts monitored weeks only.
    ends = {week.bounds(tz)[1]: str(week) for week in span}
    failing = profiles.failing_grid(frames, list(ends), list(ends.values()))
    needing = _needing_attention(flagged_people, owing_since, failing, labels)
    needing = _monitored_pairs(needing, monitored_from, span, tz)
    needing["group"] = needing["person_id"].map(mapping)
    attention = needing.groupby(["week", "group"]).size().unstack(fill_value=0)
    attention = attention.reindex(index=labels, columns=list(groups), fill_value=0)
    attention[TOTAL] = needing.groupby("week").size().reindex(labels, fill_value=0)
    sizes = _monitored_sizes(monitored_from, mapping, span, tz, columns)
    sizes = sizes.where(sizes >= min_size)  # a rate over fewer would single people out
    compliance = (
        1 - attention.reindex(columns=columns).div(sizes.replace(0, float("nan")))
    ).reindex(columns=columns)

    # Findings per clause family (organisation-wide counts only).
    per_family["family"] = per_family["prefix"].map(FAMILIES).fillna("other")
    family_order = sorted(set(FAMILIES.values()) | set(per_family["family"]))
    families = (
        per_family.groupby(["week", "family"])["n"]
        .sum()
        .unstack(fill_value=0)
        .reindex(index=labels, columns=family_order, fill_value=0)
        .astype("int64")
    )
    families = families.loc[:, families.sum() > 0]
    per_group = per_team.groupby("group")["n"].sum()

    # Disclaimer coverage at each week's end, among accounts whose profile has been seen.
    grid = profiles.disclaimer_grid(frames, list(ends))
    grid["week"] = grid["moment"].map({pd.Timestamp(k): v for k, v in ends.items()})
    grid["group"] = grid["person_id"].map(mapping)
    coverage = _coverage(grid, labels, list(groups), min_size).reindex(columns=columns)

    # Deletions versus corrections (organisation-wide).
    events = events[events["person_id"].isin(people["person_id"])]
    events = events.assign(week=_week_labels(pd.to_datetime(events["at"], utc=True), tz))
    kinds = list(lifecycle.EVENTS)
    life = (
        events.groupby(["week", "event"]).size().unstack(fill_value=0)
        if not events.empty
        else pd.DataFrame()
    ).reindex(index=labels, columns=kinds, fill_value=0)

    summary = pd.DataFrame(
        {
            "group": columns,
            "people": [groups.get(g, total_people) for g in columns],
            "compliance_last": [compliance[g].iloc[-1] for g in columns],
            "compliance_mean": [compliance[g].mean() for g in columns],
            "coverage_last": [coverage[g].iloc[-1] for g in columns],
            "findings": [
                int(per_group.get(g, 0)) if g != TOTAL else int(per_team["n"].sum())
                for g in columns
            ],
        }
    )
    board = Dashboard(
        organisation=settings.organisation.name,
        weeks=labels,
        min_group_size=min_size,
        people=total_people,
        groups=groups,
        hidden_people=hidden,
        compliance=compliance,
        families=families,
        coverage=coverage,
        lifecycle=life,
        summary=summary,
    )
    if not board.withheld:
        _draw(board)
    return board


def _coverage(
    grid: pd.DataFrame, labels: list[str], groups: list[str], min_size: int
) -> pd.DataFrame:
    """Disclaimer shares per week and group, and of the whole, each over at least `min_size`
    people, and the whole minus the groups shown too: the smallest share is left out until
    the people it leaves uncovered are none or at least `min_size`."""
    coverage = pd.DataFrame(float("nan"), index=labels, columns=[*groups, TOTAL])
    if grid.empty:
        return coverage
    stats = grid.groupby(["week", "group"]).agg(
        share=("disclaimer", "mean"), people=("person_id", "nunique")
    )
    whole = grid.groupby("week").agg(share=("disclaimer", "mean"), people=("person_id", "nunique"))
    for week in labels:
        if week not in whole.index or whole.at[week, "people"] < min_size:
            continue
        coverage.at[week, TOTAL] = whole.at[week, "share"]
        seen = {g: int(stats.at[(week, g), "people"]) for g in groups if (week, g) in stats.index}
        shown = {g: n for g, n in seen.items() if n >= min_size}
        while shown and 0 < int(whole.at[week, "people"]) - sum(shown.values()) < min_size:
            del shown[min(shown, key=lambda g: (shown[g], g))]
        for g in shown:
            coverage.at[week, g] = stats.at[(week, g), "share"]
    return coverage


def _needing_attention(
    flagged: pd.DataFrame, owing_since: pd.DataFrame, failing: pd.DataFrame, labels: list[str]
) -> pd.DataFrame:
    """(week, person_id) for each week and person needing attention at its end: a high or
    medium finding that week, a finding of that week or before still open or acknowledged
    (`owing_since`: the week of the person's oldest), or a profile falling short."""
    weeks = pd.DataFrame({"week": labels})
    owing = owing_since.merge(weeks, how="cross")
    owing = owing[owing["week"] >= owing["since"]][["week", "person_id"]]
    pairs = pd.concat(
        [flagged[["week", "person_id"]], owing, failing[["week", "person_id"]]],
        ignore_index=True,
    )
    return pairs.drop_duplicates().reset_index(drop=True)


def _monitored_pairs(
    pairs: pd.DataFrame, monitored_from: pd.DataFrame, span: list[Week], tz: str
) -> pd.DataFrame:
    """The (week, person_id) pairs whose person was monitored by the week's end."""
    ends = pd.DataFrame({"week": [str(w) for w in span], "end": [w.bounds(tz)[1] for w in span]})
    ends["end"] = pd.to_datetime(ends["end"], utc=True)
    merged = pairs.merge(monitored_from, on="person_id").merge(ends, on="week")
    return merged[merged["at"] < merged["end"]][["week", "person_id"]].reset_index(drop=True)


def _monitored_from(conn: sa.Connection, first: datetime) -> pd.DataFrame:
    """Per active person, when monitoring began: the earliest of an active account's
    registration, first stored profile and oldest stored post (as the weekly report counts
    people audited). Someone registered before `first` (the first week's start) is
    monitored in every week shown, so only the others' profiles and posts are read."""
    registered = read(
        conn,
        sa.select(Account.person_id, sa.func.min(Account.created_at).label("at"))
        .where(Account.active)
        .group_by(Account.person_id),
        dates=["at"],
    )
    late = sa.select(Account.person_id).where(Account.active).group_by(Account.person_id)
    late = late.having(sa.func.min(Account.created_at) >= first)
    moments = [
        registered,
        read(
            conn,
            sa.select(Account.person_id, sa.func.min(ProfileSnapshot.seen_at).label("at"))
            .join(Account, Account.id == ProfileSnapshot.account_id)
            .where(Account.active, Account.person_id.in_(late))
            .group_by(Account.person_id),
            dates=["at"],
        ),
        read(
            conn,
            sa.select(Account.person_id, sa.func.min(Post.created_at).label("at"))
            .join(Account, Account.id == Post.account_id)
            .where(Account.active, Account.person_id.in_(late))
            .group_by(Account.person_id),
            dates=["at"],
        ),
    ]
    found = [m for m in moments if not m.empty]
    if not found:
        return pd.DataFrame(
            {"person_id": pd.Series(dtype="int64"), "at": pd.Series(dtype="datetime64[ns, UTC]")}
        )
    frame = pd.concat(found, ignore_index=True)
    return frame.dropna().groupby("person_id", as_index=False)["at"].min()


def _monitored_sizes(
    monitored_from: pd.DataFrame, mapping: pd.Series, span: list[Week], tz: str, columns: list
) -> pd.DataFrame:
    """People monitored by each week's end, per group and in total (index week)."""
    starts = monitored_from[monitored_from["person_id"].isin(mapping.index)]
    group = starts["person_id"].map(mapping)
    rows = {}
    for week in span:
        seen = starts["at"] < week.bounds(tz)[1]
        counts = group[seen].value_counts()
        rows[str(week)] = {**counts.to_dict(), TOTAL: int(seen.sum())}
    return pd.DataFrame.from_dict(rows, orient="index").reindex(columns=columns).fillna(0)


def _percent_series(frame: pd.DataFrame) -> dict[str, list[float]]:
    return {str(c): (frame[c] * 100).round(1).tolist() for c in frame.columns}


def _draw(board: Dashboard) -> None:
    board.charts["compliance"] = charts.lines(
        board.weeks,
        _percent_series(board.compliance),
        "Compliance rate per week (% of people with nothing needing attention)",
        ylabel="%",
        percent=True,
        total=TOTAL,
    )
    if not board.families.empty and board.families.to_numpy().sum() > 0:
        board.charts["families"] = charts.stacked_area(
            board.weeks,
            {str(c): board.families[c].tolist() for c in board.families.columns},
            "Findings per clause family",
            ylabel="findings",
            colours=FAMILY_COLOURS,
        )
    if board.coverage.notna().to_numpy().any():
        board.charts["coverage"] = charts.lines(
            board.weeks,
            _percent_series(board.coverage),
            "Disclaimer coverage (% of accounts whose bio has it)",
            ylabel="%",
            percent=True,
            total=TOTAL,
        )
    life = board.lifecycle
    corrected = life[[str(o) for o in lifecycle.CORRECTED]].sum(axis=1)
    board.charts["lifecycle"] = charts.lines(
        board.weeks,
        {
            LIFE_CORRECTED: corrected.tolist(),
            LIFE_UNCORRECTED: life["deleted-without-correction"].tolist(),
            LIFE_FLAGGED: life["deleted-after-flag"].tolist(),
        },
        "Deletions versus corrections",
        ylabel="posts",
        colours=LIFE_COLOURS,
    )


def _pct(value: Any) -> str:
    """Floored, as the weekly report shows a rate: 99.6% is not "100%"."""
    if value is None or pd.isna(value):
        return "–"
    return f"{math.floor(value * 100 + 1e-9)}%"


def render_html(board: Dashboard, layout: str = "_layout.html.j2", **page: Any) -> str:
    """The dashboard as one HTML file (`layout` the file's own), or as a page of the browser
    app (its layout, and that layout's `page` context: navigation, week picker)."""

    def table(frame: pd.DataFrame, percent: bool) -> dict[str, Any]:
        return {
            "columns": [str(c) for c in frame.columns],
            "rows": [
                (week, [_pct(v) if percent else str(int(v)) for v in frame.loc[week].tolist()])
                for week in frame.index
            ],
        }

    return (
        environment()
        .get_template("dashboard.html.j2")
        .render(
            layout=layout,
            **page,
            board=board,
            organisation=board.organisation,
            first_week=board.weeks[0],
            last_week=board.weeks[-1],
            weeks=len(board.weeks),
            compliance=table(board.compliance, True),
            coverage=table(board.coverage, True),
            families=table(board.families, False),
            life=table(
                board.lifecycle.rename(columns=lifecycle.LABELS),
                False,
            ),
            summary=[
                {
                    "group": r["group"],
                    "people": int(r["people"]),
                    "compliance_last": _pct(r["compliance_last"]),
                    "compliance_mean": _pct(r["compliance_mean"]),
                    "coverage_last": _pct(r["coverage_last"]),
                    "findings": int(r["findings"]),
                }
                for r in board.summary.to_dict("records")
            ],
            charts=board.charts,
            motto=motto(),
        )
    )


def write(
    engine: Engine,
    settings: Settings,
    weeks: int,
    until: Week | None = None,
    output_dir: Path | None = None,
) -> Path:
    board = build(engine, settings, weeks, until)
    directory = output_dir or settings.reports.output_dir
    return write_atomic(directory / f"{board.stem}.html", render_html(board))
