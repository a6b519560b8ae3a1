"""Engagement figures from clauses 2 and 4: dialogue, answers, and a voice of one's own.

- *Share of replies*: replies among the person's own posts (reposts left out): dialogue, not
  monologue.
- *Questions answered*: replies to someone else's post that asked a question (the stored
  `ReferencedPost` text ends in "?"), and how many of those answers came within 48 hours.
- *Copied from official accounts*: the person's post reads like a post of one of the
  organisation's own accounts (`organisation.handles`) stored as a `ReferencedPost`, by
  rapidfuzz's ratio on normalised text (PR and spin, clause 2).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa
from rapidfuzz import fuzz, process
from sqlalchemy.engine import Connection

from reports.frames import read
from socialaudit.models import Account, Post, PostKind, ReferencedPost

ANSWER_WINDOW = timedelta(hours=48)
COPY_SCORE = 90  # rapidfuzz ratio (0-100) at or above which a post counts as a copy
COPY_MIN_CHARS = 20  # shorter posts ("Thank you!") match anything and prove nothing
OFFICIAL_LOOKBACK = timedelta(days=30)  # how old an official post may be to be copied
_SPACE = re.compile(r"\s+")
_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Engagement:
    """The figures for the report's engagement section."""

    posts: int  # own posts, reposts excluded
    replies: int
    questions: int  # replies to a question
    answered_in_48h: int
    copies: int
    per_person: pd.DataFrame  # person_id, posts, replies, questions, answered_in_48h, copies

    @staticmethod
    def share(part: int, whole: int) -> float | None:
        return None if whole == 0 else part / whole


def normalise(text: str) -> str:
    """Case, spacing, links and compatibility forms removed: what "word for word" compares."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = _URL.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def _handle_key(handle: str) -> str:
    return handle.strip().lstrip("@").casefold()


def engagement(
    conn: Connection, start: datetime, end: datetime, official_handles: list[str]
) -> Engagement:
    posts = read(
        conn,
        sa.select(
            Post.id,
            Account.person_id,
            Post.platform,
            Post.kind,
            Post.text,
            Post.created_at,
            Post.reply_to_id,
        )
        .join(Account, Account.id == Post.account_id)
        .where(Post.created_at >= start, Post.created_at < end, Post.kind != PostKind.REPOST),
        dates=["created_at"],
    )
    posts["reply"] = posts["kind"] == PostKind.REPLY
    posts["question"] = False
    posts["answered_in_48h"] = False
    posts["copy"] = False

    replies = posts[posts["reply"] & posts["reply_to_id"].notna()]
    if not replies.empty:
        asked = read(
            conn,
            sa.select(
                ReferencedPost.platform,
                ReferencedPost.platform_id.label("reply_to_id"),
                ReferencedPost.text.label("asked_text"),
                ReferencedPost.created_at.label("asked_at"),
            ).where(ReferencedPost.text.like("%?%")),
            dates=["asked_at"],
        )
        asked = asked[asked["asked_text"].str.rstrip().str.endswith("?")]
        joined = replies[["id", "platform", "reply_to_id", "created_at"]].merge(
            asked, on=["platform", "reply_to_id"], how="inner"
        )
        if not joined.empty:
            quick = (joined["created_at"] - joined["asked_at"]) <= ANSWER_WINDOW
            posts.loc[posts["id"].isin(joined["id"]), "question"] = True
            posts.loc[
                posts["id"].isin(joined.loc[quick.fillna(False), "id"]), "answered_in_48h"
            ] = True

    posts.loc[posts["id"].isin(_copies(conn, posts, start, end, official_handles)), "copy"] = True

    per_person = (
        posts.groupby("person_id")
        .agg(
            posts=("id", "size"),
            replies=("reply", "sum"),
            questions=("question", "sum"),
            answered_in_48h=("answered_in_48h", "sum"),
            copies=("copy", "sum"),
        )
        .reset_index()
        .astype("int64")
        if not posts.empty
        else pd.DataFrame(
            columns=["person_id", "posts", "replies", "questions", "answered_in_48h", "copies"]
        ).astype("int64")
    )
    return Engagement(
        posts=len(posts),
        replies=int(posts["reply"].sum()),
        questions=int(posts["question"].sum()),
        answered_in_48h=int(posts["answered_in_48h"].sum()),
        copies=int(posts["copy"].sum()),
        per_person=per_person,
    )


def _copies(
    conn: Connection,
    posts: pd.DataFrame,
    start: datetime,
    end: datetime,
    official_handles: list[str],
) -> list[int]:
    """Ids of posts whose text is (nearly) an official account's post, word for word."""
    keys = {_handle_key(h) for h in official_handles if h.strip()}
    if posts.empty or not keys:
        return []
    official = read(
        conn,
        sa.select(ReferencedPost.author_handle, ReferencedPost.text).where(
            sa.func.lower(sa.func.ltrim(ReferencedPost.author_handle, "@")).in_(sorted(keys)),
            sa.or_(
                ReferencedPost.created_at.is_(None),
                sa.and_(
                    ReferencedPost.created_at >= start - OFFICIAL_LOOKBACK,
                    ReferencedPost.created_at < end,
                ),
            ),
        ),
    )
    choices = sorted({t for t in official["text"].map(normalise) if len(t) >= COPY_MIN_CHARS})
    if not choices:
        return []
    texts = posts["text"].map(normalise)
    candidates = posts.loc[texts.str.len() >= COPY_MIN_CHARS, "id"].tolist()
    queries = texts[texts.str.len() >= COPY_MIN_CHARS].tolist()
    copied: list[int] = []
    chunk = 5000
    for offset in range(0, len(queries), chunk):
        scores = process.cdist(
            queries[offset : offset + chunk],
            choices,
            scorer=fuzz.ratio,
            score_cutoff=COPY_SCORE,
            dtype=np.uint8,
        )
        hits = np.flatnonzero(scores.max(axis=1) >= COPY_SCORE)
        copied.extend(candidates[offset + i] for i in hits)
    return copied
