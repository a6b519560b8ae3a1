"""A week of invented data for the report tests, hostile text included.

Week 2026-W47 (Europe/London) holds posts, findings of every severity, a deleted post, an
edited one, a profile that lost its disclaimer, a question answered, a copy of an official
post, an unreachable account and a rate-limited collection round. Post text, names, bios and
URLs carry the XSS payloads the report must render as inert text.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from socialaudit.models import (
    Account,
    AccountStatus,
    CollectionRun,
    DeletionCause,
    Finding,
    Person,
    Post,
    PostKind,
    PostOutcome,
    PostVersion,
    ProfileSnapshot,
    ReferencedPost,
)

WEEK = "2026-W47"
MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
SCRIPT = "<script>document.title='pwned'</script>"
IMG = "<img src=x onerror=\"document.title='pwned'\">"
RTL = "\u202eevil.exe"
JS_URL = "javascript:alert(1)"
QUESTION = "Will Amnesty comment on the new bill?"
OFFICIAL = "Today we publish our report on the right to protest across Europe. Read it now."


def _finding(session: Session, n: int, rule: str, name: str, severity: str, **kw) -> Finding:
    finding = Finding(
        fingerprint=f"fp-{n}", rule_code=rule, rule_name=name, severity=severity, week=WEEK, **kw
    )
    session.add(finding)
    session.flush()
    return finding


def seed_week(session: Session, people: int = 6) -> dict[str, int]:
    """Insert the week; returns ids the tests refer to."""
    ids: dict[str, int] = {}
    persons = []
    for i in range(people):
        name = f"Person {i}" if i else f"Ana {SCRIPT} Lima"
        person = Person(
            name=name, email=f"p{i}@example.org", team="Campaigns" if i < 5 else "Press"
        )
        session.add(person)
        session.flush()
        account = Account(
            person_id=person.id,
            platform="x",
            platform_id=f"x-{i}",
            handle=f"person{i}" if i else f"ana{RTL}",
            status=AccountStatus.OK if i != 3 else AccountStatus.PROTECTED,
            status_detail=None if i != 3 else "account is protected",
            created_at=MONDAY - timedelta(days=60),
        )
        session.add(account)
        session.flush()
        persons.append((person, account))
    ana, ana_account = persons[0]
    ids["person"] = ana.id
    old = ProfileSnapshot(
        account_id=ana_account.id,
        handle="ana",
        bio="Campaigner at Amnesty. Views my own.",
        content_hash="h1",
        seen_at=MONDAY - timedelta(days=30),
    )
    new = ProfileSnapshot(
        account_id=ana_account.id,
        handle="ana",
        bio=f"Campaigner at Amnesty {IMG}",
        url=JS_URL,
        content_hash="h2",
        seen_at=MONDAY + timedelta(days=1),
    )
    session.add_all([old, new])
    session.flush()
    hostile = Post(
        account_id=ana_account.id,
        platform="x",
        platform_id="p-hostile",
        url=JS_URL,
        created_at=MONDAY,
        text=f"Vote for Example Party! {SCRIPT} {IMG} {RTL}",
    )
    deleted = Post(
        account_id=ana_account.id,
        platform="x",
        platform_id="p-deleted",
        url="https://x.example/ana/status/2",
        created_at=MONDAY + timedelta(hours=2),
        text="The budget deficit is 2.3 million, internal only",
        deleted_at=MONDAY + timedelta(hours=5),
        deletion_cause=DeletionCause.DELETED,
    )
    edited = Post(
        account_id=persons[1][1].id,
        platform="x",
        platform_id="p-edited",
        created_at=MONDAY + timedelta(hours=3),
        text="Corrected figure: 12 detainees",
        edited=True,
    )
    reply = Post(
        account_id=persons[1][1].id,
        platform="x",
        platform_id="p-reply",
        created_at=MONDAY + timedelta(hours=20),
        text="Yes, our statement is out tomorrow.",
        kind=PostKind.REPLY,
        reply_to_id="q-1",
    )
    copy = Post(
        account_id=persons[2][1].id,
        platform="x",
        platform_id="p-copy",
        created_at=MONDAY + timedelta(hours=30),
        text=OFFICIAL + " https://amnesty.org/x",
    )
    hidden = Post(
        account_id=persons[3][1].id,
        platform="x",
        platform_id="p-hidden",
        created_at=MONDAY + timedelta(hours=1),
        text="A post on a protected account",
        deleted_at=MONDAY + timedelta(hours=40),
        deletion_cause=DeletionCause.ACCOUNT_PROTECTED,
    )
    session.add_all([hostile, deleted, edited, reply, copy, hidden])
    session.add_all(
        [
            ReferencedPost(
                platform="x",
                platform_id="q-1",
                author_handle="asker",
                text=QUESTION,
                created_at=MONDAY + timedelta(hours=10),
            ),
            ReferencedPost(
                platform="x",
                platform_id="o-1",
                author_handle="@amnesty",
                text=OFFICIAL,
                created_at=MONDAY + timedelta(hours=8),
            ),
        ]
    )
    session.flush()
    session.add(PostVersion(post_id=edited.id, version_key="v0", text="Wrong figure: 21"))
    # The outcomes socialaudit.pipeline.lifecycle.update_outcomes keeps for the three changed posts.
    for post, person_id, outcome, at in (
        (deleted, ana.id, "deleted-without-correction", deleted.deleted_at),
        (edited, persons[1][0].id, "corrected-by-edit", edited.created_at),
        (hidden, persons[3][0].id, "account-protected", hidden.deleted_at),
    ):
        assert at is not None and post.id is not None and person_id is not None
        session.add(
            PostOutcome(
                post_id=post.id,
                person_id=person_id,
                outcome=outcome,
                event_at=at,
                week="2026-W47",
                seconds_to_delete=3 * 3600 if post is deleted else None,
            )
        )
    f_high = _finding(
        session,
        1,
        "NPT201",
        "political-endorsement",
        "high",
        subject_type="post",
        person_id=ana.id,
        account_id=ana_account.id,
        post_id=hostile.id,
        message="Endorses a party",
        evidence=[{"start": 0, "end": 22, "text": "Vote for Example Party"}],
    )
    f_cnf = _finding(
        session,
        2,
        "CNF301",
        "confidential-marker",
        "medium",
        subject_type="post",
        person_id=ana.id,
        account_id=ana_account.id,
        post_id=deleted.id,
        evidence=[{"match": "internal only"}],
    )
    f_review = _finding(
        session,
        3,
        "PND402",
        "pending-position",
        "review",
        subject_type="post",
        person_id=persons[1][0].id,
        account_id=persons[1][1].id,
        post_id=edited.id,
        evidence=[{"keyword": "detainees", "note": IMG}],
    )
    f_lost = _finding(
        session,
        4,
        "TRN103",
        "disclaimer-removed",
        "high",
        subject_type="profile",
        person_id=ana.id,
        account_id=ana_account.id,
        snapshot_id=new.id,
        evidence=[{"field": "bio", "text": "Views my own."}],
    )
    ids.update(high=f_high.id, cnf=f_cnf.id, review=f_review.id, lost=f_lost.id)
    ids["hostile_post"] = hostile.id
    session.add(
        CollectionRun(
            platform="x",
            started_at=MONDAY + timedelta(hours=1),
            finished_at=MONDAY + timedelta(hours=2),
            status="ok",
            accounts=people,
            api_calls=12,
            rate_limited=2,
            errors=[{"account": "person3", "kind": "protected"}],
        )
    )
    session.flush()
    return ids
