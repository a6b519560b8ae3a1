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


_COLUMNS = (
    Finding.id,
    Finding.rule_code,
    Finding.rule_name,
    Finding.severity,
    Finding.week,
    Finding.evidence,
    Finding.review_status,
    Finding.reviewed_by,
    Person.name,
    Account.platform,
    Account.handle,
    Post.id,
    Post.text,
    Post.created_at,
    Post.url,
    Post.deleted_at,
)


def _filtered(session: Session, query: QueueQuery, stmt: Any) -> Any:
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
    return stmt


def _select(with_post: bool | None) -> Any:
    """The page's columns; `with_post` True: only findings on a post (inner join, so the
    database can walk the posts in date order), False: only the others, None: all."""
    stmt = select(*_COLUMNS).join(Person, col(Person.id) == Finding.person_id)
    stmt = stmt.outerjoin(Account, col(Account.id) == Finding.account_id)
    if with_post:
        return stmt.join(Post, col(Post.id) == Finding.post_id)
    stmt = stmt.outerjoin(Post, col(Post.id) == Finding.post_id)
    return stmt.where(col(Finding.post_id).is_(None)) if with_post is False else stmt


def _rows(session: Session, query: QueueQuery, limit: int, offset: int) -> list[Any]:
    order = _order(query.sort, query.descending)
    if query.sort != "posted":
        stmt = _filtered(session, query, _select(None)).order_by(*order)
        return list(session.exec(stmt.offset(offset).limit(limit)).all())
    # By post date: the findings on a post, then those on a profile (no date), each page
    # read from the post date index rather than by sorting every matching finding.
    on_posts = _filtered(session, query, _select(True)).order_by(*order[1:])
    rows = list(session.exec(on_posts.offset(offset).limit(limit)).all())
    if len(rows) == limit:
        return rows
    before = offset
    if offset:
        before = session.exec(
            _filtered(session, query, select(sa.func.count()).select_from(Finding))
            .join(Person, col(Person.id) == Finding.person_id)
            .where(col(Finding.post_id).is_not(None))
        ).one()
    others = _filtered(session, query, _select(False)).order_by(order[-1])
    rest = others.offset(max(0, offset - before)).limit(limit - len(rows))
    return rows + list(session.exec(rest).all())


def page(session: Session, query: QueueQuery, limit: int, offset: int) -> list[dict[str, Any]]:
    """One page of the queue, as rows ready for the template."""
    rows = _rows(session, query, limit, offset)
    ids = [row[0] for row in rows]
    disputed = (
        set(session.exec(_disputed().where(col(FindingNote.finding_id).in_(ids))).all())
        if ids
        else set()
    )
    out = []
    for (
        finding_id,
        rule,
        name,
        severity,
        week,
        evidence,
        status,
        reviewed_by,
        person,
        platform,
        handle,
        post_id,
        text,
        posted_at,
        url,
        deleted_at,
    ) in rows:
        out.append(
            {
                "id": finding_id,
                "rule": rule,
                "name": name,
                "severity": severity,
                "week": week,
                "person": person,
                "platform": platform,
                "handle": handle,
                "evidence": [e.get("text", "") for e in evidence or []],
                "status": status,
                "reviewed_by": reviewed_by,
                "disputed": finding_id in disputed,
                "post_id": post_id,
                "excerpt": excerpt(text) if post_id else None,
                "posted_at": posted_at,
                "url": url,
                "gone": deleted_at is not None,
            }
        )
    return out
