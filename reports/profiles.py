"""Profile compliance as the checks left it: who has the disclaimer and the affiliation.

The rules are not re-implemented here. For each account, the profile as it read at a moment
is its latest snapshot seen before then; a TRN101 (missing-views-disclaimer), TRN102
(missing-affiliation) or TRN103 (disclaimer-removed) finding about that snapshot means the
profile falls short, and no such finding means it complies. A finding without a snapshot
counts for the account until a newer snapshot replaces the profile it was about. False
positives (review) never count.

The weekly report asks for one moment (`status_rows`: SQL picks each account's latest
snapshot and only the findings that speak for it, so nothing grows with the store but the
accounts); the dashboard asks for many week ends at once (`load` and `disclaimer_grid`, in
pandas, imported only there: the report's start-up never pays for it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from socialaudit.models import Account, Finding, Person, ProfileSnapshot, ReviewStatus

if TYPE_CHECKING:
    import pandas as pd

PROFILE_RULES = ("TRN101", "TRN102", "TRN103")


def status_rows(
    conn: Connection, moment: datetime, week: str | None = None
) -> list[dict[str, Any]]:
    """Per account at `moment`, without loading every snapshot:
    account_id, person_id, team, platform, handle, registered_at, latest_snapshot,
    latest_seen, seen, disclaimer, affiliation (bools; None if unseen), lost (bool).

    Ordered by account id. `lost` is a current TRN103, or any TRN103 raised in `week`.
    """
    ranked = (
        sa.select(
            ProfileSnapshot.account_id,
            ProfileSnapshot.id.label("snapshot_id"),
            ProfileSnapshot.seen_at,
            sa.func.row_number()
            .over(
                partition_by=ProfileSnapshot.account_id,
                order_by=(ProfileSnapshot.seen_at.desc(), ProfileSnapshot.id.desc()),
            )
            .label("rank"),
        )
        .where(ProfileSnapshot.seen_at < moment)
        .subquery()
    )
    latest = (
        sa.select(ranked.c.account_id, ranked.c.snapshot_id, ranked.c.seen_at)
        .where(ranked.c.rank == 1)
        .subquery()
    )
    accounts = conn.execute(
        sa.select(
            Account.id,
            Account.person_id,
            Person.team,
            Account.platform,
            Account.handle,
            Account.created_at,
            latest.c.snapshot_id,
            latest.c.seen_at,
        )
        .join(Person, Person.id == Account.person_id)
        .outerjoin(latest, latest.c.account_id == Account.id)
        .where(
            Account.active,
            Person.active,
            # Audited from registration, or from the first profile stored, whichever first.
            sa.or_(Account.created_at < moment, latest.c.snapshot_id.is_not(None)),
        )
        .order_by(Account.id)
    ).all()
    # Only the profile findings that speak for the account at `moment`: about its latest
    # snapshot, without a snapshot and not older than it, or (for `lost`) TRN103 this week.
    current = sa.or_(
        Finding.snapshot_id == latest.c.snapshot_id,
        sa.and_(
            Finding.snapshot_id.is_(None),
            sa.or_(latest.c.seen_at.is_(None), Finding.created_at >= latest.c.seen_at),
        ),
    )
    this_week = (
        sa.and_(Finding.rule_code == "TRN103", Finding.week == week)
        if week is not None
        else sa.false()
    )
    found = conn.execute(
        sa.select(Finding.account_id, Finding.rule_code, current.label("current"))
        .distinct()
        .outerjoin(latest, latest.c.account_id == Finding.account_id)
        .where(
            Finding.rule_code.in_(PROFILE_RULES),
            Finding.review_status != ReviewStatus.FALSE_POSITIVE,
            sa.or_(current, this_week),
        )
    ).all()
    with_code: dict[str, set[int]] = {code: set() for code in PROFILE_RULES}
    lost_ids: set[int] = set()
    for account_id, code, is_current in found:
        if is_current:
            with_code[code].add(account_id)
        if code == "TRN103":
            lost_ids.add(account_id)  # current, or raised this week
    rows = []
    for aid, pid, team, platform, handle, registered, snapshot, seen_at in accounts:
        seen = snapshot is not None
        rows.append(
            {
                "account_id": aid,
                "person_id": pid,
                "team": team,
                "platform": platform,
                "handle": handle,
                "registered_at": registered,
                "latest_snapshot": snapshot,
                "latest_seen": seen_at,
                "seen": seen,
                "disclaimer": (aid not in with_code["TRN101"] | with_code["TRN103"])
                if seen
                else None,
                "affiliation": (aid not in with_code["TRN102"]) if seen else None,
                "lost": aid in lost_ids,
            }
        )
    return rows


@dataclass(frozen=True)
class ProfileFrames:
    """Everything needed to say how profiles stood at any moment before `until`."""

    accounts: pd.DataFrame  # account_id, person_id, team, platform, handle
    snapshots: pd.DataFrame  # snapshot_id, account_id, seen_at
    findings: pd.DataFrame  # account_id, snapshot_id, rule_code, created_at, week


def load(conn: Connection, until: datetime) -> ProfileFrames:
    from reports.frames import read

    accounts = read(
        conn,
        sa.select(
            Account.id.label("account_id"),
            Account.person_id,
            Person.team,
            Account.platform,
            Account.handle,
            Account.created_at.label("registered_at"),
        )
        .join(Person, Person.id == Account.person_id)
        .where(Account.active, Person.active),
        dates=["registered_at"],
    )
    snapshots = read(
        conn,
        sa.select(
            ProfileSnapshot.id.label("snapshot_id"),
            ProfileSnapshot.account_id,
            ProfileSnapshot.seen_at,
        ).where(ProfileSnapshot.seen_at < until),
        dates=["seen_at"],
    )
    findings = read(
        conn,
        sa.select(
            Finding.account_id,
            Finding.snapshot_id,
            Finding.rule_code,
            Finding.created_at,
            Finding.week,
        ).where(
            Finding.rule_code.in_(PROFILE_RULES),
            Finding.account_id.is_not(None),
            Finding.review_status != ReviewStatus.FALSE_POSITIVE,
        ),
        dates=["created_at"],
    )
    return ProfileFrames(accounts, snapshots, findings)


def disclaimer_grid(frames: ProfileFrames, moments: list[datetime]) -> pd.DataFrame:
    """For many moments at once (the dashboard's week ends): moment, account_id, person_id,
    disclaimer (bool), for every account whose profile had been seen by then.

    The same rule as `status_rows`, vectorised: the latest snapshot before each moment comes
    from one `merge_asof` instead of one pass per week.
    """
    import pandas as pd

    columns = ["moment", "account_id", "person_id", "disclaimer"]
    unit = "datetime64[ns, UTC]"
    ends = pd.DataFrame({"moment": pd.Series(moments, dtype=object)})
    ends["moment"] = pd.to_datetime(ends["moment"], utc=True).astype(unit)
    # Every account, whenever registered: only those with a profile seen before the moment
    # stay (below), as in `status_at`.
    grid = frames.accounts[["account_id", "person_id"]].merge(ends, how="cross")
    snaps = frames.snapshots.rename(
        columns={"snapshot_id": "latest_snapshot", "seen_at": "latest_seen"}
    )
    snaps = snaps.assign(latest_seen=snaps["latest_seen"].astype(unit)).sort_values(
        ["latest_seen", "latest_snapshot"]
    )
    if grid.empty or snaps.empty:
        return pd.DataFrame(columns=columns)
    grid = pd.merge_asof(
        grid.sort_values("moment"),
        snaps,
        left_on="moment",
        right_on="latest_seen",
        by="account_id",
        allow_exact_matches=False,
        direction="backward",
    )
    grid = grid[grid["latest_snapshot"].notna()].reset_index(drop=True)
    lacking = frames.findings[frames.findings["rule_code"].isin(["TRN101", "TRN103"])]
    bad_snapshots = set(lacking["snapshot_id"].dropna().astype("int64").tolist())
    bad = grid["latest_snapshot"].astype("int64").isin(bad_snapshots)
    unsnapped = lacking[lacking["snapshot_id"].isna()][["account_id", "created_at"]]
    if not unsnapped.empty:
        pairs = grid[["account_id", "latest_seen"]].reset_index().merge(unsnapped, on="account_id")
        current = pairs["created_at"].astype(unit) >= pairs["latest_seen"]
        bad |= grid.index.isin(pairs.loc[current, "index"])
    grid["disclaimer"] = ~bad
    return grid[columns]


def failing_grid(frames: ProfileFrames, moments: list[datetime], weeks: list[str]) -> pd.DataFrame:
    """For many week ends at once: week, account_id, person_id of every account whose
    profile falls short at the end of `weeks[i]` (`moments[i]`), as `status_rows` says it
    for one week: no disclaimer (TRN101, TRN103) or no affiliation (TRN102) on its latest
    profile, or a disclaimer removed (TRN103) that week. The dashboard's rate counts these
    people as needing attention, as the weekly report does."""
    import pandas as pd

    columns = ["week", "account_id", "person_id"]
    unit = "datetime64[ns, UTC]"
    ends = pd.DataFrame({"moment": pd.Series(moments, dtype=object), "week": weeks})
    ends["moment"] = pd.to_datetime(ends["moment"], utc=True).astype(unit)
    grid = frames.accounts[["account_id", "person_id"]].merge(ends, how="cross")
    snaps = frames.snapshots.rename(
        columns={"snapshot_id": "latest_snapshot", "seen_at": "latest_seen"}
    )
    snaps = snaps.assign(latest_seen=snaps["latest_seen"].astype(unit)).sort_values(
        ["latest_seen", "latest_snapshot"]
    )
    if grid.empty or snaps.empty:
        return pd.DataFrame(columns=columns)
    grid = pd.merge_asof(
        grid.sort_values("moment"),
        snaps,
        left_on="moment",
        right_on="latest_seen",
        by="account_id",
        allow_exact_matches=False,
        direction="backward",
    )
    grid = grid[grid["latest_snapshot"].notna()].reset_index(drop=True)
    found = frames.findings
    bad_snapshots = set(found["snapshot_id"].dropna().astype("int64").tolist())
    bad = grid["latest_snapshot"].astype("int64").isin(bad_snapshots)
    unsnapped = found[found["snapshot_id"].isna()][["account_id", "created_at"]]
    if not unsnapped.empty:
        pairs = grid[["account_id", "latest_seen"]].reset_index().merge(unsnapped, on="account_id")
        current = pairs["created_at"].astype(unit) >= pairs["latest_seen"]
        bad |= grid.index.isin(pairs.loc[current, "index"])
    removed = found[found["rule_code"] == "TRN103"]
    if not removed.empty:
        key = grid["account_id"].astype(str) + "|" + grid["week"]
        this_week = set(removed["account_id"].astype("int64").astype(str) + "|" + removed["week"])
        bad |= key.isin(this_week)
    return grid.loc[bad, columns].reset_index(drop=True)
