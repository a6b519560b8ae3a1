"""Collected posts for reviewers: find any post (with or without a finding) and mark it as a
miss of a rule, the recall half of measuring the checks on the organisation's own posts.

`/posts` lists collected posts newest first, filtered by person (part of the name, any case
or accent) and by words of the text (the folded `postsearch`); `/posts/{id}` shows one post
with its findings and misses and the form to mark or take back a miss.
"""

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from reports import review as decisions
from socialaudit.models import Account, Finding, MissedPost, Person, Post, PostSearch
from socialaudit.search import contains, fold, index_newer, matching_people, terms
from socialaudit.users import audit
from socialaudit.web.forms import MAX_PAGE, NO_NUL, NOTE_LENGTH, PersonFilter, SearchFilter
from socialaudit.web.forms import page_link as link_to_page
from socialaudit.web.security import Principal, safe_redirect
from socialaudit.web.site import Site

POSTS_PAGE = 50
PostId = Annotated[int, Path(ge=1, le=2**31 - 1)]
RuleCode = Annotated[str, Form(min_length=1, max_length=8, pattern=r"^[A-Za-z0-9]+$")]


def misses(session: Session, post_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(MissedPost).where(MissedPost.post_id == post_id).order_by(col(MissedPost.at))
    ).all()
    return [{"rule": m.rule_code, "by": m.marked_by, "note": m.note, "at": m.at} for m in rows]


def find_posts(
    session: Session, person: str | None, q: str | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    stmt = (
        select(Post, Account, Person)
        .join(Account, col(Account.id) == Post.account_id)
        .join(Person, col(Person.id) == Account.person_id)
    )
    if person and fold(person):
        stmt = stmt.where(col(Person.id).in_(matching_people(session, person)))
    words = terms(q or "")
    if words:
        index_newer(session)
    for term in words:
        stmt = stmt.where(
            col(Post.id).in_(
                select(PostSearch.post_id).where(contains(col(PostSearch.text_key), term))
            )
        )
    stmt = stmt.order_by(col(Post.created_at).desc(), col(Post.id).desc())
    rows = session.exec(stmt.offset(offset).limit(limit)).all()
    return [
        {
            "id": post.id,
            "person": who.name,
            "platform": account.platform,
            "handle": account.handle,
            "text": post.text,
            "posted_at": post.created_at,
            "url": post.url,
            "gone": post.deleted_at is not None,
        }
        for post, account, who in rows
    ]


def install(app: FastAPI, site: Site) -> None:
    """The collected posts' pages for reviewers, and marking a miss."""
    DB = site.DB
    require = site.require
    csrf = site.csrf
    page = site.page

    @app.get("/posts", response_class=HTMLResponse, include_in_schema=False)
    def posts_page(
        request: Request,
        session: DB,
        who: Annotated[Principal, require("findings")],
        person: PersonFilter = None,
        q: SearchFilter = None,
        page_number: Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE)] = 1,
    ) -> Response:
        rows = find_posts(session, person, q, POSTS_PAGE + 1, offset=(page_number - 1) * POSTS_PAGE)
        return page(
            request,
            "posts.html",
            who,
            posts=rows[:POSTS_PAGE],
            filters={"person": person or "", "q": q or ""},
            page_number=page_number,
            newer=link_to_page(request, page_number - 1) if page_number > 1 else None,
            older=link_to_page(request, page_number + 1) if len(rows) > POSTS_PAGE else None,
        )

    @app.get("/posts/{post_id}", response_class=HTMLResponse, include_in_schema=False)
    def post_page(
        request: Request,
        post_id: PostId,
        session: DB,
        who: Annotated[Principal, require("findings")],
        missed: Annotated[str | None, Query(max_length=8, pattern=r"^[A-Za-z0-9]*$")] = None,
    ) -> Response:
        post = session.get(Post, post_id)
        if post is None:
            raise HTTPException(404, "There is no collected post with this number.")
        account = session.get(Account, post.account_id)
        person = session.get(Person, account.person_id) if account else None
        findings = session.exec(
            select(Finding).where(Finding.post_id == post_id).order_by(col(Finding.id))
        ).all()
        return page(
            request,
            "post.html",
            who,
            post=post,
            account=account,
            person=person,
            findings=findings,
            missed=misses(session, post_id),
            rules=decisions.missable_rules(),
            just_marked=missed,
            post_id=post.id,
            missed_back="",
        )

    @app.post("/posts/{post_id}/missed", include_in_schema=False, dependencies=[Depends(csrf)])
    def mark_missed(
        post_id: PostId,
        session: DB,
        who: Annotated[Principal, require("findings")],
        rule: RuleCode,
        note: Annotated[str, Form(max_length=NOTE_LENGTH, pattern=NO_NUL)] = "",
        back: Annotated[str, Form(max_length=2048, pattern=NO_NUL)] = "",
    ) -> Response:
        if session.get(Post, post_id) is None:
            raise HTTPException(404, "There is no collected post with this number.")
        row, _ = decisions.mark_missed(session, post_id, rule, who.user.name, note or None)
        audit(session, who.user.name, "review:missed", f"post {post_id}", row.rule_code)
        session.commit()
        site.cache.changed("review", by=who.user.name)
        target = safe_redirect(back, f"/posts/{post_id}")
        sep = "&" if "?" in target else "?"
        return RedirectResponse(f"{target}{sep}missed={row.rule_code}", status_code=303)

    @app.post(
        "/posts/{post_id}/missed/remove",
        include_in_schema=False,
        dependencies=[Depends(csrf)],
    )
    def unmark_missed(
        post_id: PostId,
        session: DB,
        who: Annotated[Principal, require("findings")],
        rule: RuleCode,
    ) -> Response:
        if not decisions.unmark_missed(session, post_id, rule):
            raise HTTPException(404, f"This post is not marked as a miss of {rule.upper()}.")
        audit(session, who.user.name, "review:missed-removed", f"post {post_id}", rule.upper())
        session.commit()
        site.cache.changed("review", by=who.user.name)
        return RedirectResponse(f"/posts/{post_id}", status_code=303)
