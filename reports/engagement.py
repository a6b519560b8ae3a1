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

import ahocorasick
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
SHINGLE = 4  # words in a run that a copy must share with the official text
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
    text = text or ""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    if "http" in text:
        text = _URL.sub(" ", text)
    return " ".join(text.split())


_SEP = "\x00"
_URL_IN_BATCH = re.compile(r"https?://[^\s\x00]+")
_SPACE_IN_BATCH = re.compile(r"[^\S\x00]+")


def normalise_many(texts: list[str]) -> list[str]:
    """`normalise` for many texts in a few passes over one joined string (same result)."""
    if not texts:
        return []
    joined = _SEP.join(t.replace(_SEP, " ") if t else "" for t in texts)
    joined = unicodedata.normalize("NFKC", joined).casefold()
    joined = _SPACE_IN_BATCH.sub(" ", _URL_IN_BATCH.sub(" ", joined))
    return [part.strip() for part in joined.split(_SEP)]


def _handle_key(handle: str) -> str:
    return handle.strip().lstrip("@").casefold()


PER_PERSON = ["person_id", "posts", "replies", "questions", "answered_in_48h", "copies"]


def engagement(
    conn: Connection, start: datetime, end: datetime, official_handles: list[str]
) -> Engagement:
    """One pass over the week's own posts; the questions and official posts are small."""
    posts = read(
        conn,
        sa.select(
            Post.id,
            Account.person_id,
            Post.platform,
            Post.kind,
            Post.reply_to_id,
            Post.created_at,
            Post.text,
        )
        .join(Account, Account.id == Post.account_id)
        .where(Post.created_at >= start, Post.created_at < end, Post.kind != PostKind.REPOST),
        dates=["created_at"],
    )
    posts["reply"] = posts["kind"] == PostKind.REPLY
    asked = read(
        conn,
        sa.select(
            ReferencedPost.platform,
            ReferencedPost.platform_id.label("reply_to_id"),
            ReferencedPost.created_at.label("asked_at"),
            ReferencedPost.text.label("asked_text"),
        ).where(
            ReferencedPost.text.like("%?%"),
            sa.or_(ReferencedPost.created_at.is_(None), ReferencedPost.created_at < end),
        ),
        dates=["asked_at"],
    )
    asked = asked[asked["asked_text"].str.rstrip().str.endswith("?")]
    answers = posts.loc[
        posts["reply"], ["id", "person_id", "platform", "reply_to_id", "created_at"]
    ]
    answers = answers.merge(asked, on=["platform", "reply_to_id"], how="inner")
    answers = answers.assign(
        quick=((answers["created_at"] - answers["asked_at"]) <= ANSWER_WINDOW).fillna(False)
    )
    copies = _copies(conn, posts, start, end, official_handles)

    per_person = posts.groupby("person_id").agg(posts=("id", "size"), replies=("reply", "sum"))
    per_person["questions"] = answers.groupby("person_id").size()
    per_person["answered_in_48h"] = answers.groupby("person_id")["quick"].sum()
    per_person["copies"] = copies.groupby("person_id").size()
    per_person = per_person.fillna(0).reset_index().reindex(columns=PER_PERSON).astype("int64")
    return Engagement(
        posts=int(per_person["posts"].sum()),
        replies=int(per_person["replies"].sum()),
        questions=int(per_person["questions"].sum()),
        answered_in_48h=int(per_person["answered_in_48h"].sum()),
        copies=int(per_person["copies"].sum()),
        per_person=per_person,
    )


def _copies(
    conn: Connection,
    posts: pd.DataFrame,
    start: datetime,
    end: datetime,
    official_handles: list[str],
) -> pd.DataFrame:
    """Posts (id, person_id) whose text is (nearly) an official account's post, word for word."""
    none = pd.DataFrame({"id": pd.Series(dtype="int64"), "person_id": pd.Series(dtype="int64")})
    keys = {_handle_key(h) for h in official_handles if h.strip()}
    if not keys:
        return none
    official = read(
        conn,
        sa.select(ReferencedPost.text).where(
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
        return none
    if posts.empty:
        return none
    # Cheap prefilter before the fuzzy comparison: a near word-for-word copy shares at least
    # one run of SHINGLE words with the official text (a ratio of 90 leaves most runs intact).
    # One Aho-Corasick pass over all posts finds those that share a run.
    automaton = ahocorasick.Automaton()
    for choice in choices:
        for shingle in _shingles(choice):
            automaton.add_word(f" {shingle} ", 0)
    automaton.make_automaton()
    texts = normalise_many(posts["text"].tolist())
    keep = [i for i, t in enumerate(texts) if len(t) >= COPY_MIN_CHARS]
    if not keep:
        return none
    kept = [texts[i] for i in keep]
    joined = "\n".join(f" {t} " for t in kept)
    ends = np.cumsum(np.fromiter((len(t) + 3 for t in kept), dtype=np.int64, count=len(kept)))
    hit_ends = np.fromiter((end for end, _ in automaton.iter(joined)), dtype=np.int64)
    rows = np.unique(np.searchsorted(ends, hit_ends, side="right"))
    if rows.size == 0:
        return none
    scores = process.cdist(
        [kept[i] for i in rows],
        choices,
        scorer=fuzz.ratio,
        score_cutoff=COPY_SCORE,
        dtype=np.uint8,
        workers=-1,
    )
    hits = [keep[rows[i]] for i in np.flatnonzero(scores.max(axis=1) >= COPY_SCORE)]
    return posts.iloc[hits][["id", "person_id"]].reset_index(drop=True)


def _shingles(text: str) -> set[str]:
    words = text.split()
    if len(words) <= SHINGLE:
        return {" ".join(words)}
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
