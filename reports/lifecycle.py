"""Deletions versus corrections, as events the report and the dashboard count.

`lifecycle_events` is the seam: it returns one row per event (a person deleted a post, a post
became unavailable for another reason, a post was edited) from the store's own columns
(`Post.deleted_at`, `Post.deletion_cause`, `Post.edited`, the MST801 findings). When the
lifecycle table arrives it only has to return the same columns, and both readers follow.

Only `DeletionCause.DELETED` is the person's deletion; a protected, suspended or deactivated
account, or a deleted original behind a repost, is counted as "unavailable", never as a
deletion (DESIGN.md, principle 3). A deletion of a post that carried a high finding is the
right thing to do and is counted apart ("deleted after flag").
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from reports.frames import read
from socialaudit.models import Account, DeletionCause, Finding, Post, ReviewStatus, Severity

EVENT_COLUMNS = ["person_id", "post_id", "at", "event"]
EVENTS = ("deleted", "deleted-after-flag", "unavailable", "edited", "deleted-without-correction")


def lifecycle_events(conn: Connection, start: datetime, end: datetime) -> pd.DataFrame:
    """Events in [start, end): columns person_id, post_id, at (UTC), event (see EVENTS)."""
    flagged = (
        sa.exists()
        .where(
            Finding.post_id == Post.id,
            Finding.severity == Severity.HIGH,
            Finding.review_status != ReviewStatus.FALSE_POSITIVE,
        )
        .correlate(Post)
    )
    gone = read(
        conn,
        sa.select(
            Account.person_id,
            Post.id.label("post_id"),
            Post.deleted_at.label("at"),
            Post.deletion_cause,
            flagged.label("flagged"),
        )
        .join(Account, Account.id == Post.account_id)
        .where(Post.deleted_at >= start, Post.deleted_at < end),
        dates=["at"],
    )
    if gone.empty:
        gone["event"] = pd.Series(dtype=object)
    else:
        person_deleted = gone["deletion_cause"] == DeletionCause.DELETED
        gone["event"] = "unavailable"
        gone.loc[person_deleted, "event"] = "deleted"
        gone.loc[person_deleted & gone["flagged"].astype(bool), "event"] = "deleted-after-flag"
    edited = read(
        conn,
        sa.select(Account.person_id, Post.id.label("post_id"), Post.created_at.label("at"))
        .join(Account, Account.id == Post.account_id)
        .where(Post.edited, Post.created_at >= start, Post.created_at < end),
        dates=["at"],
    )
    edited["event"] = "edited"
    uncorrected = read(
        conn,
        sa.select(Finding.person_id, Finding.post_id, Finding.created_at.label("at")).where(
            Finding.rule_code == "MST801",
            Finding.created_at >= start,
            Finding.created_at < end,
            Finding.review_status != ReviewStatus.FALSE_POSITIVE,
        ),
        dates=["at"],
    )
    uncorrected["event"] = "deleted-without-correction"
    frames = [f[EVENT_COLUMNS] for f in (gone, edited, uncorrected) if not f.empty]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in EVENT_COLUMNS})
    return pd.concat(frames, ignore_index=True)


def per_person(events: pd.DataFrame) -> pd.DataFrame:
    """One row per person_id, one column per event kind, counts (zero-filled)."""
    if events.empty:
        return pd.DataFrame(columns=["person_id", *EVENTS]).astype(dict.fromkeys(EVENTS, "int64"))
    table = events.groupby(["person_id", "event"]).size().unstack(fill_value=0)
    table = table.reindex(columns=list(EVENTS), fill_value=0).astype("int64")
    table.columns.name = None
    return table.reset_index()
