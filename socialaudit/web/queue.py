"""The review queue's read model: filters, search and sorting for one page of findings.

Filters and search ignore case and accents and match parts of names (`socialaudit.search`):
the person filter and the search words are folded in Python and compared with the folded
names, handles and post texts, so both databases answer alike. Each row carries what a
reviewer decides on: the post's text (shortened), its date and platform, and whether the
person said "I disagree".

The default order (most serious first, then week, then id) is the one the queue index
(`ix_finding_review_queue`) holds, so the default page reads 51 index entries whatever the
number of findings; another sort orders the matching findings first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from socialaudit.models import (
    SEVERITY_ORDER_SQL,
    Account,
    Finding,
    FindingNote,
    Person,
    Post,
    PostSearch,
)
from socialaudit.search import (
    contains,
    fold,
    index_newer,
    matching_accounts,
    matching_people,
    terms,
)

EXCERPT = 140  # characters of post text in a queue row

# Sortable columns: the query parameter -> (the expression, what the header says).
SORTS = ("severity", "rule", "person", "week", "posted", "status")


@dataclass(frozen=True)
class QueueQuery:
    week: str | None = None
    rule: str | None = None
    severity: str | None = None
    person: str | None = None
    status: str | None = "open"
    q: str | None = None
    disputed: bool = False
    sort: str = "severity"
    descending: bool = False


def excerpt(text: str | None, length: int = EXCERPT) -> str:
    """The first `length` characters of a post, cut at a word, with an ellipsis if cut."""
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0] or text[:length]
    return cut + "…"


def _order(sort: str, descending: bool) -> list[Any]:
    rank = sa.literal_column(SEVERITY_ORDER_SQL.format(column="finding.severity"))
    columns: dict[str, list[Any]] = {
        "severity": [rank, Finding.week],
        "rule": [Finding.rule_code],
        "person": [Person.name],
        "week": [Finding.week],
        "posted": [Post.created_at],
        "status": [Finding.review_status],
    }
    chosen = columns.get(sort, columns["severity"])
    direction = [sa.desc(c) if descending else sa.asc(c) for c in chosen]
    if sort == "posted":  # findings without a post (profiles) last either way
        direction = [col(Post.created_at).is_(None), *direction]
    tie = sa.desc(Finding.id) if descending else sa.asc(Finding.id)
    return [*direction, tie]


def _search(session: Session, term: str) -> sa.ColumnElement[bool]:
    """One search word: in the person's name, the account's handle, the post's text or the
    rule's code."""
    people = matching_people(session, term)
    accounts = matching_accounts(session, term)
    in_text = select(PostSearch.post_id).where(contains(col(PostSearch.text_key), term))
    return sa.or_(
        col(Finding.person_id).in_(people),
        col(Finding.account_id).in_(accounts),
        col(Finding.post_id).in_(in_text),
        col(Finding.rule_code) == term.upper(),
    )


def _disputed() -> Any:
    return select(FindingNote.finding_id).where(FindingNote.kind == "disagree")


def page(session: Session, query: QueueQuery, limit: int, offset: int) -> list[dict[str, Any]]:
    """One page of the queue, as rows ready for the template."""
    stmt = (
        select(Finding, Person, Account, Post)
        .join(Person, col(Person.id) == Finding.person_id)
        .outerjoin(Account, col(Account.id) == Finding.account_id)
        .outerjoin(Post, col(Post.id) == Finding.post_id)
    )
    if query.week:
        stmt = stmt.where(Finding.week == query.week)
    if query.rule:
        code = query.rule.strip().upper()
        stmt = stmt.where(
            col(Finding.rule_code) == code
            if len(code) >= 6
            else col(Finding.rule_code).like(f"{code}%")
        )
    if query.severity:
        stmt = stmt.where(Finding.severity == query.severity)
    if query.status:
        stmt = stmt.where(Finding.review_status == query.status)
    if query.person and fold(query.person):
        stmt = stmt.where(col(Finding.person_id).in_(matching_people(session, query.person)))
    words = terms(query.q or "")
    if words:
        index_newer(session)
    for term in words:
        stmt = stmt.where(_search(session, term))
    if query.disputed:
        stmt = stmt.where(col(Finding.id).in_(_disputed()))
    stmt = stmt.order_by(*_order(query.sort, query.descending)).offset(offset).limit(limit)
    rows = session.exec(stmt).all()
    ids = [f.id for f, _, _, _ in rows]
    disputed = (
        set(session.exec(_disputed().where(col(FindingNote.finding_id).in_(ids))).all())
        if ids
        else set()
    )
    return [
        {
            "id": f.id,
            "rule": f.rule_code,
            "name": f.rule_name,
            "severity": f.severity,
            "week": f.week,
            "person": p.name,
            "platform": a.platform if a else None,
            "handle": a.handle if a else None,
            "evidence": [e.get("text", "") for e in f.evidence],
            "status": f.review_status,
            "reviewed_by": f.reviewed_by,
            "disputed": f.id in disputed,
            "post_id": post.id if post else None,
            "excerpt": excerpt(post.text) if post else None,
            "posted_at": post.created_at if post else None,
            "url": post.url if post else None,
            "gone": bool(post and post.deleted_at),
        }
        for f, p, a, post in rows
    ]
