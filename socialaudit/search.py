"""Search that ignores case and accents the same way on SQLite and PostgreSQL.

Neither database folds text alike out of the box: SQLite's lower() folds ASCII only, and
PostgreSQL needs the `unaccent` extension, which a managed server may not offer. So the folding
is Python's, done once: a post's text is folded when it is checked (`index_posts`, into
`postsearch`), and the few hundred names and handles are folded when a search asks for them
(`matching_people`, `matching_accounts`), which also keeps them current when a name changes.
A query is folded the same way, so "garcia" finds "García", "KEMI" finds "Kemi Adeyemi" and
"opinion" finds "opinión".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlmodel import Session, col, select

from socialaudit.models import Account, Person, Post, PostSearch

# Letters that Unicode does not decompose into a base letter and a mark.
_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)
_CHUNK = 500


def fold(text: str) -> str:
    """`text` without case, accents, compatibility forms or invisible characters, its
    whitespace collapsed: the form both the stored key and the query are compared in."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(
        " " if c.isspace() else c
        for c in decomposed
        if c.isspace() or not (unicodedata.combining(c) or unicodedata.category(c) in ("Cf", "Cc"))
    )
    return " ".join(kept.translate(_LETTERS).casefold().split())


def terms(query: str) -> list[str]:
    """The folded words of a search box, each to be found somewhere (AND)."""
    return fold(query).split()[:8]


def contains(column: sa.ColumnElement[str], term: str) -> sa.ColumnElement[bool]:
    """`column LIKE '%term%'`, with the LIKE wildcards in `term` taken literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")


def matching_people(session: Session, term: str) -> list[int]:
    """Ids of the people whose name contains `term` (folded: "garcia" finds "García")."""
    wanted = fold(term)
    rows = session.exec(select(Person.id, Person.name)).all()
    return [pid for pid, name in rows if pid is not None and wanted in fold(name)]


def matching_accounts(session: Session, term: str) -> list[int]:
    """Ids of the accounts whose handle contains `term` (folded, without a leading "@")."""
    wanted = fold(term).lstrip("@")
    if not wanted:
        return []
    rows = session.exec(select(Account.id, Account.handle)).all()
    return [aid for aid, handle in rows if aid is not None and wanted in fold(handle)]


def index_posts(session: Session, post_ids: Iterable[int]) -> int:
    """Fold these posts' current text into `postsearch` (new rows or replaced ones)."""
    ids = sorted(set(post_ids))
    written = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = session.exec(select(Post.id, Post.text).where(col(Post.id).in_(chunk))).all()
        session.execute(sa.delete(PostSearch).where(col(PostSearch.post_id).in_(chunk)))
        if rows:
            session.execute(
                sa.insert(PostSearch),
                [{"post_id": pid, "text_key": fold(text or "")} for pid, text in rows],
            )
        written += len(rows)
    return written


def unindexed_posts(session: Session, limit: int | None = None) -> Sequence[int]:
    """Posts without a search row (stored before this table existed, or never checked)."""
    query = (
        select(Post.id)
        .outerjoin(PostSearch, col(PostSearch.post_id) == Post.id)
        .where(col(PostSearch.id).is_(None))
        .order_by(col(Post.id))
    )
    if limit is not None:
        query = query.limit(limit)
    return [pid for pid in session.exec(query).all() if pid is not None]


def index_newer(session: Session) -> int:
    """Index the posts stored after the newest indexed one (collected, not yet checked): a
    search finds them at once, for the cost of one index look-up when there are none."""
    newest = session.exec(select(sa.func.max(PostSearch.post_id))).one() or 0
    ids = session.exec(select(Post.id).where(col(Post.id) > newest).limit(50_000)).all()
    written = index_posts(session, [i for i in ids if i is not None]) if ids else 0
    if written:
        session.commit()
    return written


def index_missing(session: Session) -> int:
    """Index every post that has no search row yet, in chunks; returns how many."""
    total = 0
    while batch := unindexed_posts(session, limit=5_000):
        total += index_posts(session, batch)
    return total
