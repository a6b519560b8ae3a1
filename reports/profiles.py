"""Profile compliance as the checks left it: who has the disclaimer and the affiliation.

The rules are not re-implemented here. For each account, the profile as it read at a moment
is its latest snapshot seen before then; a TRN101 (missing-views-disclaimer), TRN102
(missing-affiliation) or TRN103 (disclaimer-removed) finding about that snapshot means the
profile falls short, and no such finding means it complies. A finding without a snapshot
counts for the account until a newer snapshot replaces the profile it was about. False
positives (review) never count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from reports.frames import read
from socialaudit.models import Account, Finding, Person, ProfileSnapshot, ReviewStatus

PROFILE_RULES = ("TRN101", "TRN102", "TRN103")


@dataclass(frozen=True)
class ProfileFrames:
    """Everything needed to say how profiles stood at any moment before `until`."""

    accounts: pd.DataFrame  # account_id, person_id, team, platform, handle
    snapshots: pd.DataFrame  # snapshot_id, account_id, seen_at
    findings: pd.DataFrame  # account_id, snapshot_id, rule_code, created_at, week


def load(conn: Connection, until: datetime) -> ProfileFrames:
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


def status_at(frames: ProfileFrames, moment: datetime, week: str | None = None) -> pd.DataFrame:
    """Per account at `moment`: seen, disclaimer, affiliation, lost (bools; None if unseen).

    `lost` is a current TRN103, or any TRN103 raised in `week` (the report's week).
    """
    snaps = frames.snapshots[frames.snapshots["seen_at"] < moment]
    # Audited from registration, or from the first profile stored, whichever came first (an
    # archive import or a replayed clock stores profiles from before the registration).
    known = (frames.accounts["registered_at"] < moment) | frames.accounts["account_id"].isin(
        snaps["account_id"]
    )
    accounts = frames.accounts[known].copy()
    latest = (
        snaps.sort_values(["account_id", "seen_at", "snapshot_id"])
        .drop_duplicates("account_id", keep="last")
        .rename(columns={"snapshot_id": "latest_snapshot", "seen_at": "latest_seen"})
    )
    accounts = accounts.merge(latest, on="account_id", how="left")
    found = frames.findings.merge(
        accounts[["account_id", "latest_snapshot", "latest_seen"]], on="account_id", how="inner"
    )
    about_latest = found["snapshot_id"].notna() & (found["snapshot_id"] == found["latest_snapshot"])
    unsnapped = found["snapshot_id"].isna() & (
        found["latest_seen"].isna() | (found["created_at"] >= found["latest_seen"])
    )
    current = found[about_latest | unsnapped]
    with_code = {
        code: set(current.loc[current["rule_code"] == code, "account_id"].tolist())
        for code in PROFILE_RULES
    }
    lost_ids = set(with_code["TRN103"])
    if week is not None:
        this_week = (found["rule_code"] == "TRN103") & (found["week"] == week)
        lost_ids |= set(found.loc[this_week, "account_id"].tolist())
    ids = accounts["account_id"]
    seen = accounts["latest_snapshot"].notna()
    disclaimer = ~ids.isin(with_code["TRN101"] | with_code["TRN103"])
    affiliation = ~ids.isin(with_code["TRN102"])
    accounts["seen"] = seen
    accounts["disclaimer"] = disclaimer.astype(object).where(seen, None)
    accounts["affiliation"] = affiliation.astype(object).where(seen, None)
    accounts["lost"] = ids.isin(lost_ids)
    return accounts


def disclaimer_grid(frames: ProfileFrames, moments: list[datetime]) -> pd.DataFrame:
    """For many moments at once (the dashboard's week ends): moment, account_id, person_id,
    disclaimer (bool), for every account whose profile had been seen by then.

    The same rule as `status_at`, vectorised: the latest snapshot before each moment comes
    from one `merge_asof` instead of one pass per week.
    """
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
