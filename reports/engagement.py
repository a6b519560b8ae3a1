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
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import ahocorasick
import sqlalchemy as sa
from rapidfuzz import fuzz, process
from sqlalchemy.engine import Connection

from socialaudit.models import Account, Post, PostKind, ReferencedPost

ANSWER_WINDOW = timedelta(hours=48)
COPY_SCORE = 90  # rapidfuzz ratio (0-100) at or above which a post counts as a copy
COPY_MIN_CHARS = 20  # shorter posts ("Thank you!") match anything and prove nothing
OFFICIAL_LOOKBACK = timedelta(days=30)  # how old an official post may be to be copied
SHINGLE = 4  # words in a run that a copy must share with the official text
CHUNK = 5_000  # posts read and compared at a time: memory is a chunk, whatever the week holds
_SPACE = re.compile(r"\s+")
_URL = re.compile(r"https?://\S+")
PER_PERSON = ["person_id", "posts", "replies", "questions", "answered_in_48h", "copies"]


@dataclass(frozen=True)
class Engagement:
    """The figures for the report's engagement section."""

    posts: int  # own posts, reposts excluded
    replies: int
    questions: int  # replies to a question
    answered_in_48h: int
    copies: int
    # person_id, posts, replies, questions, answered_in_48h, copies; by person_id
    per_person: list[dict[str, int]] = field(default_factory=list)

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


def engagement(
    conn: Connection, start: datetime, end: datetime, official_handles: list[str]
) -> Engagement:
    """One streamed pass over the week's own posts, a chunk at a time: counts per person,
    questions answered from a join in SQL, copies by the prefilter and fuzzy ratio below."""
    matcher = _CopyMatcher.build(conn, start, end, official_handles)
    counts: dict[int, dict[str, int]] = {}
    own = sa.and_(Post.created_at >= start, Post.created_at < end, Post.kind != PostKind.REPOST)
    text = Post.text if matcher else sa.null()
    for chunk in _chunks(
        conn,
        sa.select(Account.person_id, Post.kind, text)
        .join(Account, Account.id == Post.account_id)
        .where(own),
    ):
        texts = []
        for person_id, kind, words in chunk:
            row = counts.get(person_id)
            if row is None:
                row = counts[person_id] = dict.fromkeys(PER_PERSON, 0)
                row["person_id"] = person_id
            row["posts"] += 1
            row["replies"] += kind == PostKind.REPLY
            texts.append(words)
        if matcher:
            for i in matcher.copies(texts):
                counts[chunk[i][0]]["copies"] += 1
    # Replies to someone else's post that asked a question (its text ends in "?"): the
    # questions are few, the join runs in SQL and brings back two instants per answer.
    asked = sa.and_(
        ReferencedPost.platform == Post.platform,
        ReferencedPost.platform_id == Post.reply_to_id,
        ReferencedPost.text.like("%?%"),
        sa.or_(ReferencedPost.created_at.is_(None), ReferencedPost.created_at < end),
    )
    for chunk in _chunks(
        conn,
        sa.select(
            Account.person_id, Post.created_at, ReferencedPost.created_at, ReferencedPost.text
        )
        .join(Account, Account.id == Post.account_id)
        .join(ReferencedPost, asked)
        .where(own, Post.kind == PostKind.REPLY),
    ):
        for person_id, answered_at, asked_at, question in chunk:
            if not (question or "").rstrip().endswith("?"):
                continue
            row = counts[person_id]
            row["questions"] += 1
            quick = asked_at is not None and answered_at - asked_at <= ANSWER_WINDOW
            row["answered_in_48h"] += quick
    per_person = [counts[k] for k in sorted(counts)]
    return Engagement(
        posts=sum(r["posts"] for r in per_person),
        replies=sum(r["replies"] for r in per_person),
        questions=sum(r["questions"] for r in per_person),
        answered_in_48h=sum(r["answered_in_48h"] for r in per_person),
        copies=sum(r["copies"] for r in per_person),
        per_person=per_person,
    )


def _chunks(conn: Connection, stmt: sa.Select[Any]) -> Iterator[list[sa.Row[Any]]]:
    """The statement's rows, CHUNK at a time (a server-side cursor on PostgreSQL)."""
    result = conn.execution_options(stream_results=True, max_row_buffer=CHUNK).execute(stmt)
    yield from result.partitions(CHUNK)


@dataclass
class _CopyMatcher:
    """Whether a post is (nearly) an official account's post, word for word.

    A cheap prefilter before the fuzzy comparison: a near word-for-word copy shares at least
    one run of SHINGLE words with the official text (a ratio of 90 leaves most runs intact),
    found by one Aho-Corasick pass; only those posts meet rapidfuzz's ratio."""

    choices: list[str]
    automaton: Any

    @classmethod
    def build(
        cls, conn: Connection, start: datetime, end: datetime, official_handles: list[str]
    ) -> _CopyMatcher | None:
        keys = {_handle_key(h) for h in official_handles if h.strip()}
        if not keys:
            return None
        official = conn.scalars(
            sa.select(ReferencedPost.text).where(
                sa.func.lower(sa.func.ltrim(ReferencedPost.author_handle, "@")).in_(sorted(keys)),
                sa.or_(
                    ReferencedPost.created_at.is_(None),
                    sa.and_(
                        ReferencedPost.created_at >= start - OFFICIAL_LOOKBACK,
                        ReferencedPost.created_at < end,
                    ),
                ),
            )
        ).all()
        choices = sorted({t for t in map(normalise, official) if len(t) >= COPY_MIN_CHARS})
        if not choices:
            return None
        automaton = ahocorasick.Automaton()
        for choice in choices:
            for shingle in _shingles(choice):
                automaton.add_word(f" {shingle} ", 0)
        automaton.make_automaton()
        return cls(choices, automaton)

    def copies(self, texts: list[str | None]) -> list[int]:
        """The positions in `texts` of the copies."""
        normalised = normalise_many([t or "" for t in texts])
        keep = [i for i, t in enumerate(normalised) if len(t) >= COPY_MIN_CHARS]
        if not keep:
            return []
        kept = [normalised[i] for i in keep]
        joined = "\n".join(f" {t} " for t in kept)
        ends, position = [], 0
        for t in kept:
            position += len(t) + 3
            ends.append(position)
        rows = sorted({bisect_right(ends, end) for end, _ in self.automaton.iter(joined)})
        return [
            keep[row]
            for row in rows
            if process.extractOne(
                kept[row], self.choices, scorer=fuzz.ratio, score_cutoff=COPY_SCORE
            )
            is not None
        ]


def _shingles(text: str) -> set[str]:
    words = text.split()
    if len(words) <= SHINGLE:
        return {" ".join(words)}
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
